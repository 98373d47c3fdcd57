package mongo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// The embedded store's writer admits one write at a time; one waiting
// gives up when its context ends; against MongoDB it admits all.
func TestOneWriterAtATime(t *testing.T) {
	g := newWriteGuard(true)
	unlock, err := g.write(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.write(ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("a second writer while the first writes: %v, want it to wait (and give up with its context)", err)
	}
	unlock()
	if unlock, err = g.write(context.Background()); err != nil {
		t.Fatalf("the writer free again: %v", err)
	}
	unlock()

	off := newWriteGuard(false)
	u1, err1 := off.write(context.Background())
	u2, err2 := off.write(context.Background())
	if err1 != nil || err2 != nil {
		t.Fatalf("against MongoDB: %v, %v", err1, err2)
	}
	u1()
	u2()
}

// queued waits until the writer has fg and bg writes waiting.
func queued(w *writer, fg, bg int) {
	for {
		w.mu.Lock()
		ok := len(w.fg) == fg && len(w.bg) == bg
		w.mu.Unlock()
		if ok {
			return
		}
		runtime.Gosched()
	}
}

// A request's write goes before a background loop's that waited longer,
// but a background write waits for at most yieldAtMost of them.
func TestRequestsWriteFirst(t *testing.T) {
	g := newWriteGuard(true)
	unlock, err := g.write(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	enter := func(ctx context.Context, name string) {
		wg.Go(func() {
			unlock, err := g.write(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			unlock()
		})
	}
	enter(Background(context.Background()), "relay")
	queued(&g.writer, 0, 1)
	var want []string
	for i := range yieldAtMost + 1 {
		name := fmt.Sprintf("request %d", i+1)
		enter(context.Background(), name)
		queued(&g.writer, i+1, 1)
		want = append(want, name)
	}
	want = slices.Insert(want, yieldAtMost, "relay")
	unlock()
	wg.Wait()
	if !slices.Equal(order, want) {
		t.Fatalf("admitted %q, want %q", order, want)
	}

	// A background write alone goes at once, and one that gave up
	// waiting leaves the writer to the others.
	unlock, err = g.write(Background(context.Background()))
	if err != nil {
		t.Fatalf("the writer free again: %v", err)
	}
	ended, cancel := context.WithCancel(Background(context.Background()))
	cancel()
	if _, err := g.write(ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("a background write given up: %v", err)
	}
	unlock()
	if unlock, err = g.write(context.Background()); err != nil {
		t.Fatalf("the writer free after a waiter gave up: %v", err)
	}
	unlock()
}
