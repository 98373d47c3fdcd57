package http

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Listener hands the server connections that wait for their first
// request as fasthttp waits for every later one: up to IdleTimeout,
// then closed without a word.
//
// fasthttp gives a new connection only ReadTimeout to send its first
// request and answers an idle one with an unasked-for 408 when it runs
// out. Clients open connections they do not use at once (Go's transport
// does whenever a request it dialled for is served by a connection freed
// meanwhile) and keep them for their own idle span, well inside the
// server's IdleTimeout, so a request sent as that 408 arrives takes it
// as its answer: a parent's booking refused with "request timeout" it
// never caused. Once the first byte is in, the request has ReadTimeout
// to arrive whole, as before: a slow sender is still cut off.
//
// fasthttp counts a connection waiting for its first request as busy,
// so its shutdown would wait on one for the whole IdleTimeout. Closing
// the listener (the first step of fasthttp's shutdown) therefore gives
// each connection still waiting shutdownGrace for its first byte, so a
// request on its way is served, and then ends it quietly.
func Listener(ln net.Listener, o Options) net.Listener {
	return &firstRequestListener{Listener: ln, read: o.ReadTimeout, idle: o.IdleTimeout,
		waiting: map[*firstRequestConn]struct{}{}}
}

// shutdownGrace is how long a connection that has sent nothing may
// still start its request once the server is shutting down.
const shutdownGrace = 250 * time.Millisecond

type firstRequestListener struct {
	net.Listener
	read, idle time.Duration

	mu      sync.Mutex
	closed  bool
	waiting map[*firstRequestConn]struct{}
}

func (l *firstRequestListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || l.idle <= 0 {
		return c, err
	}
	deadline := time.Now().Add(l.idle)
	fc := &firstRequestConn{Conn: c, l: l, read: l.read}
	fc.waiting.Store(true)
	l.mu.Lock()
	if l.closed {
		deadline = time.Now().Add(shutdownGrace)
	}
	l.waiting[fc] = struct{}{}
	l.mu.Unlock()
	if err := c.SetReadDeadline(deadline); err != nil {
		fc.Close()
		return nil, err
	}
	return fc, nil
}

// Close stops accepting and hurries the connections still waiting for
// their first request (see Listener).
func (l *firstRequestListener) Close() error {
	err := l.Listener.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	deadline := time.Now().Add(shutdownGrace)
	for c := range l.waiting {
		c.hurry(deadline)
	}
	return err
}

func (l *firstRequestListener) forget(c *firstRequestConn) {
	l.mu.Lock()
	delete(l.waiting, c)
	l.mu.Unlock()
}

// firstRequestConn is read by one goroutine, the one fasthttp serves it
// on; mu orders the end of its wait against the listener's Close.
type firstRequestConn struct {
	net.Conn
	l       *firstRequestListener
	read    time.Duration
	waiting atomic.Bool // not one byte read yet

	mu sync.Mutex
}

// SetReadDeadline keeps the idle deadline set at accept until the
// first byte comes; fasthttp sets ReadTimeout's before it reads.
func (c *firstRequestConn) SetReadDeadline(t time.Time) error {
	if c.waiting.Load() {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *firstRequestConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.waiting.Load() {
		return n, err
	}
	if n > 0 {
		c.mu.Lock()
		c.waiting.Store(false)
		deadline := time.Time{}
		if c.read > 0 {
			deadline = time.Now().Add(c.read)
		}
		derr := c.Conn.SetReadDeadline(deadline)
		c.mu.Unlock()
		c.l.forget(c)
		if derr != nil && err == nil {
			err = derr
		}
		return n, err
	}
	c.l.forget(c)
	// The end of an idle connection, as for a kept-alive one: fasthttp
	// closes on io.EOF before any byte and answers nothing.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return 0, io.EOF
	}
	return n, err
}

// hurry moves the wait for the first byte to end by deadline, unless
// it has ended.
func (c *firstRequestConn) hurry(deadline time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting.Load() {
		_ = c.Conn.SetReadDeadline(deadline)
	}
}

func (c *firstRequestConn) Close() error {
	c.l.forget(c)
	return c.Conn.Close()
}
