package logbuf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kincare/kincare/adapters/logbuf"
)

// out is what the process's stdout received, write by write.
type out struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (o *out) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	return o.b.Write(p)
}

func (o *out) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

func (o *out) Writes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.writes
}

// The tests run in a synctest bubble: its clock moves only when every
// goroutine in it waits, so "99 ms later" is exact, not a sleep's guess.

func TestALineWaitsAtMostTheIntervalFromTheFirstOfItsBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := &out{}
		w := logbuf.New(o, 100*time.Millisecond)
		fmt.Fprintln(w, "a")
		time.Sleep(60 * time.Millisecond)
		fmt.Fprintln(w, "b")
		time.Sleep(39 * time.Millisecond)
		synctest.Wait()
		if got := o.String(); got != "" {
			t.Fatalf("after 99 ms out holds %q, want nothing yet", got)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if got, n := o.String(), o.Writes(); got != "a\nb\n" || n != 1 {
			t.Fatalf("after 100 ms out holds %q in %d writes, want both lines in one", got, n)
		}
		// The next line starts a batch of its own.
		fmt.Fprintln(w, "c")
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if got := o.String(); got != "a\nb\nc\n" {
			t.Fatalf("out holds %q, want c 100 ms after it was written", got)
		}
		w.Close()
	})
}

func TestAFullBufferGoesOutAtOnceInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := &out{}
		w := logbuf.New(o, time.Hour)
		line := strings.Repeat("x", 99) + "\n"
		var want strings.Builder
		for range logbuf.Size / len(line) {
			w.Write([]byte(line))
			want.WriteString(line)
		}
		if o.Writes() != 0 {
			t.Fatalf("%d writes before the buffer was full", o.Writes())
		}
		next := strings.Repeat("n", len(line)-1) + "\n"
		w.Write([]byte(next)) // does not fit: what waits goes first
		if got := o.String(); got != want.String() {
			t.Fatalf("out holds %d bytes, want the %d that filled the buffer", len(got), want.Len())
		}
		want.WriteString(next)
		big := strings.Repeat("y", logbuf.Size) + "\n"
		w.Write([]byte(big)) // larger than the buffer: after next, at once
		want.WriteString(big)
		if got := o.String(); got != want.String() {
			t.Fatalf("a line larger than the buffer: out holds %d bytes, want %d in order", len(got), want.Len())
		}
		w.Close()
	})
}

func TestAnErrorTakesEveryLineBeforeItOutAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := &out{}
		w := logbuf.New(o, time.Hour)
		log := slog.New(logbuf.FlushOnError(slog.NewJSONHandler(w, nil), w)).With("replica", "r1")
		log.Info("http request", "status", 200)
		log.Warn("slow")
		if o.String() != "" {
			t.Fatalf("an info and a warning went out at once: %q", o.String())
		}
		log.WithGroup("g").Error("unclean shutdown", "err", "boom")
		got := strings.Split(strings.TrimSpace(o.String()), "\n")
		if len(got) != 3 || !strings.Contains(got[0], `"msg":"http request"`) || !strings.Contains(got[2], `"msg":"unclean shutdown"`) ||
			!strings.Contains(got[2], `"replica":"r1"`) {
			t.Fatalf("after the error out holds %q, want the three lines in order", got)
		}
		w.Close()
	})
}

func TestCloseWritesWhatWaitsAndThenEveryLineAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := &out{}
		w := logbuf.New(o, time.Hour)
		fmt.Fprintln(w, "shutting down")
		fmt.Fprintln(w, "stopped")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := o.String(); got != "shutting down\nstopped\n" {
			t.Fatalf("after Close out holds %q", got)
		}
		fmt.Fprintln(w, "late")
		if got := o.String(); !strings.HasSuffix(got, "late\n") {
			t.Fatalf("a line after Close waits: out holds %q", got)
		}
	})
}

func TestNoIntervalWritesEachLineAtOnce(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, 0)
	fmt.Fprintln(w, "a")
	fmt.Fprintln(w, "b")
	if got, n := o.String(), o.Writes(); got != "a\nb\n" || n != 2 {
		t.Fatalf("out holds %q in %d writes, want each line written alone", got, n)
	}
}

// Many goroutines log at once (as requests do); every line arrives
// whole, none twice, none lost.
func TestConcurrentLinesArriveWhole(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, time.Millisecond)
	log := slog.New(logbuf.FlushOnError(slog.NewJSONHandler(w, nil), w))
	const workers, each = 8, 2000
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				if i%500 == 0 {
					log.Error("e", "G", g, "I", i)
				} else {
					log.Info("http request", "G", g, "I", i, "pad", strings.Repeat("p", i%300))
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(o.String(), "\n"), "\n") {
		var rec struct{ G, I int }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a broken line: %q: %v", line, err)
		}
		if k := [2]int{rec.G, rec.I}; seen[k] {
			t.Fatalf("a line twice: %q", line)
		} else {
			seen[k] = true
		}
	}
	if len(seen) != workers*each {
		t.Fatalf("%d lines arrived, want %d", len(seen), workers*each)
	}
}
