package http

import (
	"errors"
	"io"
	"net"
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
func Listener(ln net.Listener, o Options) net.Listener {
	return firstRequestListener{Listener: ln, read: o.ReadTimeout, idle: o.IdleTimeout}
}

type firstRequestListener struct {
	net.Listener
	read, idle time.Duration
}

func (l firstRequestListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || l.idle <= 0 {
		return c, err
	}
	if err := c.SetReadDeadline(time.Now().Add(l.idle)); err != nil {
		c.Close()
		return nil, err
	}
	return &firstRequestConn{Conn: c, read: l.read, waiting: true}, nil
}

// firstRequestConn is read by one goroutine, the one fasthttp serves it
// on, so waiting needs no lock.
type firstRequestConn struct {
	net.Conn
	read    time.Duration
	waiting bool // not one byte read yet
}

// SetReadDeadline keeps the idle deadline set at accept until the
// first byte comes; fasthttp sets ReadTimeout's before it reads.
func (c *firstRequestConn) SetReadDeadline(t time.Time) error {
	if c.waiting {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *firstRequestConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.waiting {
		return n, err
	}
	if n > 0 {
		c.waiting = false
		deadline := time.Time{}
		if c.read > 0 {
			deadline = time.Now().Add(c.read)
		}
		if derr := c.Conn.SetReadDeadline(deadline); derr != nil && err == nil {
			err = derr
		}
		return n, err
	}
	// The end of an idle connection, as for a kept-alive one: fasthttp
	// closes on io.EOF before any byte and answers nothing.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return 0, io.EOF
	}
	return n, err
}
