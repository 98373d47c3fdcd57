package http

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	stdhttp "net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// serveOnListener serves a one-route app through Listener and answers
// the address it listens on, and its shutdown (once; the test's cleanup
// calls it too).
func serveOnListener(t *testing.T, o Options) (addr string, shutdown func(context.Context) error) {
	t.Helper()
	app := newApp(o, errorHandler(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	app.Get("/ping", func(c *fiber.Ctx) error { return c.SendString("pong") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(Listener(ln, o)) }()
	var once sync.Once
	var shutErr error
	shutdown = func(ctx context.Context) error {
		once.Do(func() {
			shutErr = app.ShutdownWithContext(ctx)
			<-served
		})
		return shutErr
	}
	t.Cleanup(func() { _ = shutdown(context.Background()) })
	return ln.Addr().String(), shutdown
}

// ping sends GET /ping on c and checks the answer is 200 pong.
func ping(t *testing.T, c net.Conn) {
	t.Helper()
	if _, err := io.WriteString(c, "GET /ping HTTP/1.1\r\nHost: kincare\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := stdhttp.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	resp.Body.Close()
	if resp.StatusCode != stdhttp.StatusOK || string(body) != "pong" {
		t.Fatalf("GET /ping was answered %d %q; want 200 pong", resp.StatusCode, body)
	}
}

func dialServer(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The read and idle spans are a network's, short so the test is quick;
// every wait below is a read with its own deadline, not a sleep that
// guesses at the server's pace.
func TestAConnectionWaitsForItsFirstRequestAsLongAsForALaterOne(t *testing.T) {
	t.Parallel()
	const read, idle = 100 * time.Millisecond, 5 * time.Second
	addr, _ := serveOnListener(t, Options{ReadTimeout: read, WriteTimeout: time.Second, IdleTimeout: idle})
	c := dialServer(t, addr)

	// Nothing comes from the server while the connection waits, however
	// long past ReadTimeout: no 408 that a request sent now would read as
	// its answer.
	_ = c.SetReadDeadline(time.Now().Add(4 * read))
	var b [1]byte
	n, err := c.Read(b[:])
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("the idle connection read %d bytes (%v); want nothing until the client's own deadline", n, err)
	}
	ping(t, c) // the late first request is served
}

func TestAnUnusedConnectionEndsQuietlyAfterIdleTimeout(t *testing.T) {
	t.Parallel()
	const read, idle = 50 * time.Millisecond, 200 * time.Millisecond
	addr, _ := serveOnListener(t, Options{ReadTimeout: read, WriteTimeout: time.Second, IdleTimeout: idle})
	c := dialServer(t, addr)

	_ = c.SetReadDeadline(time.Now().Add(20 * idle))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("the server did not close the idle connection: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("the server wrote %q to a connection that never sent a request; want nothing", got)
	}
}

func TestAStartedRequestMustArriveWithinReadTimeout(t *testing.T) {
	t.Parallel()
	const read, idle = 100 * time.Millisecond, 5 * time.Second
	addr, _ := serveOnListener(t, Options{ReadTimeout: read, WriteTimeout: time.Second, IdleTimeout: idle})
	c := dialServer(t, addr)

	// A sender that starts and stalls is cut off after ReadTimeout, not
	// after IdleTimeout: the idle span is for connections, not requests.
	if _, err := io.WriteString(c, "GET /pi"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(idle / 2))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("the stalled request was not cut off before half the idle span: %v", err)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 408") {
		t.Fatalf("the stalled request got %q; want a 408", got)
	}
}

func TestShutdownDoesNotWaitForAConnectionThatNeverSpoke(t *testing.T) {
	t.Parallel()
	const read, idle = 100 * time.Millisecond, time.Minute
	addr, shutdown := serveOnListener(t, Options{ReadTimeout: read, WriteTimeout: time.Second, IdleTimeout: idle})
	silent := dialServer(t, addr)
	// A request on another connection proves the silent one was accepted
	// before the shutdown: the server accepts in order.
	ping(t, dialServer(t, addr))

	// Well inside the idle minute the silent connection would otherwise
	// hold it for.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatalf("shutdown waited on a connection that never sent a request: %v", err)
	}
	_ = silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	if got, err := io.ReadAll(silent); err != nil || len(got) != 0 {
		t.Fatalf("the silent connection read %q, %v at shutdown; want a quiet close", got, err)
	}
}
