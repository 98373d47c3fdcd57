// Package logbuf batches the process's log lines into few writes: a
// line waits in memory until the buffer is full or, at the latest, one
// interval after the first line of the batch, and an error line (or
// anything worse) takes every line before it out at once.
//
// Why: kincare logs one access line per request, and one write(2) per
// line was a system call and a wake-up of whatever reads stdout (a log
// shipper, a container runtime's pipe) for every request. The trade is
// what a crash loses: a process killed without a shutdown (SIGKILL, the
// OOM killer, a Go fatal error) drops the info and warn lines of at most
// its last interval. A clean shutdown writes everything (Close).
//
// It knows nothing of kincare; it must not import app/ or domain/.
package logbuf

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Size is how many bytes of lines wait at most: about 250 access lines.
const Size = 64 << 10

// Writer is an io.Writer, safe for concurrent use, that passes whole
// writes on to out in batches. Each Write is kept whole (slog writes one
// line per call), so lines never interleave.
type Writer struct {
	out   io.Writer
	every time.Duration

	mu     sync.Mutex
	buf    []byte
	timer  *time.Timer
	armed  bool // the timer will flush the lines waiting now
	closed bool // after Close every write goes straight through
}

// New batches writes to out for at most every. With every ≤ 0 it batches
// nothing: each write goes straight through, as out itself would.
func New(out io.Writer, every time.Duration) *Writer {
	w := &Writer{out: out, every: every, closed: every <= 0}
	if !w.closed {
		w.buf = make([]byte, 0, Size)
		w.timer = time.AfterFunc(time.Hour, w.tick)
		w.timer.Stop()
	}
	return w
}

// Write keeps p until the buffer fills or the interval ends. A write
// larger than the buffer goes out at once, after the lines before it.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.out.Write(p)
	}
	if len(w.buf)+len(p) > cap(w.buf) {
		// Whatever out answers, the lines before are gone from here: a
		// failed write loses them as it would have lost each one alone.
		_ = w.flushLocked()
		if len(p) >= cap(w.buf) {
			return w.out.Write(p)
		}
	}
	w.buf = append(w.buf, p...)
	if !w.armed {
		w.armed = true
		w.timer.Reset(w.every)
	}
	return len(p), nil
}

// Flush writes out every line waiting now.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

// Close writes out every line waiting and lets every later write go
// straight through, for the lines of a process that is ending.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.closed = true
	return w.flushLocked()
}

func (w *Writer) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	_ = w.flushLocked()
}

func (w *Writer) flushLocked() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// FlushOnError wraps h, whose output goes to w, so that a record at
// slog.LevelError or above is written out with every line before it at
// once: the lines that explain a failure are the ones a crash must not
// take with it, and they are few.
func FlushOnError(h slog.Handler, w *Writer) slog.Handler {
	return flushOnError{Handler: h, w: w}
}

type flushOnError struct {
	slog.Handler
	w *Writer
}

func (h flushOnError) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelError {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnError) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnError{Handler: h.Handler.WithAttrs(attrs), w: h.w}
}

func (h flushOnError) WithGroup(name string) slog.Handler {
	return flushOnError{Handler: h.Handler.WithGroup(name), w: h.w}
}
