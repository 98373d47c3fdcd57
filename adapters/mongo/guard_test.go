package mongo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
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
	for f, b := waiting(w); f != fg || b != bg; f, b = waiting(w) {
		runtime.Gosched()
	}
}

func waiting(w *writer) (fg, bg int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.fg), len(w.bg)
}

// admissions records the order in which writes were admitted.
type admissions struct {
	g     *writeGuard
	mu    sync.Mutex
	order []string
}

// write waits for the writer with ctx, records name, and lets the next go.
func (a *admissions) write(t *testing.T, ctx context.Context, name string) {
	unlock, err := a.g.write(ctx)
	if err != nil {
		t.Error(err)
		return
	}
	a.mu.Lock()
	a.order = append(a.order, name)
	a.mu.Unlock()
	unlock()
}

// A request's write goes before a background loop's that waited longer,
// but a background write waits for at most yieldAtMost of them.
func TestRequestsWriteFirst(t *testing.T) {
	g := newWriteGuard(true)
	unlock, err := g.write(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := &admissions{g: g}
	var wg sync.WaitGroup
	enter := func(ctx context.Context, name string) { wg.Go(func() { a.write(t, ctx, name) }) }
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
	if !slices.Equal(a.order, want) {
		t.Fatalf("admitted %q, want %q", a.order, want)
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

// A background write holding a document's lock goes as a request's when
// a request waits for that document, whether the request came before the
// holder asked for the writer or after; otherwise the request would wait
// for every background write queued before the holder's.
func TestARequestWaitingForADocumentHurriesItsHolder(t *testing.T) {
	for _, requestFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("request first %v", requestFirst), func(t *testing.T) {
			g := newWriteGuard(true)
			unlock, err := g.write(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			a := &admissions{g: g}
			bg := Background(context.Background())
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() { a.write(t, bg, fmt.Sprintf("relay %d", i+1)) })
				queued(&g.writer, 0, i+1)
			}
			locked, write := make(chan struct{}), make(chan struct{})
			wg.Go(func() {
				ctx, unlock := g.lock(bg, ordersColl, "o1")
				defer unlock()
				close(locked)
				<-write
				a.write(t, ctx, "holder")
			})
			<-locked
			request := func() {
				wg.Go(func() {
					ctx, unlock := g.lock(context.Background(), ordersColl, "o1")
					defer unlock()
					a.write(t, ctx, "request")
				})
			}
			if requestFirst {
				request()
				waitRequests(g, ordersColl, "o1", 1)
				close(write)
				for fg, bg := waiting(&g.writer); fg+bg < 3; fg, bg = waiting(&g.writer) {
					runtime.Gosched()
				}
			} else {
				close(write)
				queued(&g.writer, 0, 3)
				request()
				waitRequests(g, ordersColl, "o1", 1)
			}
			if fg, bg := waiting(&g.writer); fg != 1 || bg != 2 {
				t.Errorf("waiting: %d as requests, %d in the background; want the holder among the requests", fg, bg)
			}
			unlock()
			wg.Wait()
			if len(a.order) != 4 || a.order[0] != "holder" {
				t.Fatalf("admitted %q; want the holder first", a.order)
			}
		})
	}
}

// waitRequests waits until n requests wait for the stripe of (collection, id).
func waitRequests(g *writeGuard, collection, id string, n int) {
	s := g.stripeOf(collection, id)
	for {
		g.writer.mu.Lock()
		ok := s.requests == n
		g.writer.mu.Unlock()
		if ok {
			return
		}
		runtime.Gosched()
	}
}

// A goroutine locking a stripe it holds already (the same document, or
// another sharing its stripe) goes on instead of waiting for itself.
func TestAHeldStripeIsNotLockedTwice(t *testing.T) {
	g := newWriteGuard(true)
	ctx, unlock := g.lock(context.Background(), ordersColl, "o1")
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, again := g.lock(ctx, ordersColl, "o1")
		again()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("locking a held stripe again waited for itself")
	}
	unlock()
	_, unlock = g.lock(context.Background(), ordersColl, "o1")
	unlock()
}
