package mongo

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"
)

// writeGuard makes conditional writes to one document mutually exclusive
// within this process when the server does not.
//
// FerretDB 1.x on SQLite applies update, findAndModify and delete as a
// query followed by a write by _id, so two conditional updates of one
// document can both match the old state (measured: 2 of 20 concurrent
// rotations of one session won). The embedded database belongs to exactly
// one process, so a lock per document here restores MongoDB's
// single-document atomicity. Against real MongoDB the guard is off: the
// server is atomic per document and replicas could not share our lock.
//
// It also admits one write at a time to the embedded store (write).
type writeGuard struct {
	on      bool
	seed    maphash.Seed
	stripes [1024]stripe
	writer  writer
}

// stripe is one of the guard's document locks, shared by the documents
// whose (collection, id) hash to it.
type stripe struct {
	mu sync.Mutex
	// Guarded by writer.mu: how many requests wait for mu, and the turn
	// in which the goroutine holding mu waits for the writer, if it does.
	requests int
	holder   *turn
}

func newWriteGuard(on bool) *writeGuard {
	return &writeGuard{on: on, seed: maphash.MakeSeed()}
}

// write waits until no other write is in the embedded store, and holds
// it until the returned func runs; a no-op against MongoDB. SQLite lets
// one connection write at a time, and a second one waits in its busy
// handler, which sleeps 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries
// however soon the first is done: with four requests writing and the
// relay delivering, writes queued there for hundreds of milliseconds
// while the store was mostly idle. Here they queue, and each goes the
// moment the one before is done: a request's write before a background
// one (see Background). Hold it only around one call to FerretDB, never
// while taking anything else.
func (g *writeGuard) write(ctx context.Context) (unlock func(), err error) {
	if !g.on {
		return func() {}, nil
	}
	if err := g.writer.acquire(ctx, isBackground(ctx), heldStripes(ctx)); err != nil {
		return nil, err
	}
	return g.writer.release, nil
}

// lock holds the stripe of (collection, id) until the returned func
// runs. Writes under it must be made with the returned context: when a
// request comes to wait for the stripe while its holder, a background
// loop, waits for the writer, the holder's write goes as a request's.
// Without that, measured in TestGrowth (docs/benchmarks.md, issue 20), a
// caregiver's accept waited 130–250 ms for an order whose outbox the
// relay was clearing, behind every background write queued before the
// relay's.
func (g *writeGuard) lock(ctx context.Context, collection, id string) (context.Context, func()) {
	if !g.on {
		return ctx, func() {}
	}
	s := g.stripeOf(collection, id)
	if slices.Contains(heldStripes(ctx), s) {
		// Held already, for this document or another sharing its
		// stripe: locking it again would wait for ever.
		return ctx, func() {}
	}
	if !s.mu.TryLock() {
		if isBackground(ctx) {
			s.mu.Lock()
		} else {
			g.writer.mu.Lock()
			s.requests++
			g.writer.promote(s.holder)
			g.writer.mu.Unlock()
			s.mu.Lock()
			g.writer.mu.Lock()
			s.requests--
			g.writer.mu.Unlock()
		}
	}
	held := append(slices.Clip(heldStripes(ctx)), s)
	return context.WithValue(ctx, heldKey{}, held), s.mu.Unlock
}

func (g *writeGuard) stripeOf(collection, id string) *stripe {
	return &g.stripes[maphash.String(g.seed, collection+"\x00"+id)%uint64(len(g.stripes))]
}

type heldKey struct{}

// heldStripes are the stripes the goroutine of ctx holds (lock).
func heldStripes(ctx context.Context) []*stripe {
	h, _ := ctx.Value(heldKey{}).([]*stripe)
	return h
}

type backgroundKey struct{}

// Background marks ctx's writes as a background loop's (the outbox relay,
// the job worker's deliveries and pushes, sweeps and timers): on the
// embedded store they give way to the writes of requests someone is
// waiting for. Measured in TestGrowth (docs/benchmarks.md, issue 20):
// each accepted or checked-in order's one write brought several of the
// relay's and the deliveries' (journal, outbox clear, an inbox entry per
// recipient, the delivery mark), and requests queued behind them. Against
// MongoDB it changes nothing.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func isBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

// yieldAtMost is how many requests' writes a waiting background write
// lets go first: requests go first, but a steady stream of them cannot
// hold the relay back for ever (notifications, an alarm's next rung).
const yieldAtMost = 8

// writer admits one write at a time: those of requests in arrival order,
// then those of background loops in theirs, a background one going
// after at most yieldAtMost requests' writes went before it. A
// background write holding a document's lock that a request waits for
// goes as a request's (promote).
type writer struct {
	mu     sync.Mutex
	busy   bool
	fg, bg []*turn // waiting, oldest first
	// passed counts requests' writes admitted while a background write
	// waited.
	passed int
}

// turn is one write waiting for the writer.
type turn struct {
	admitted   chan struct{} // closed when it may write
	background bool          // waiting in bg
}

func (w *writer) acquire(ctx context.Context, background bool, held []*stripe) error {
	w.mu.Lock()
	if !w.busy {
		w.busy = true
		w.mu.Unlock()
		return nil
	}
	t := &turn{admitted: make(chan struct{}), background: background && !wanted(held)}
	if t.background {
		w.bg = append(w.bg, t)
	} else {
		w.fg = append(w.fg, t)
	}
	for _, s := range held {
		s.holder = t
	}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		for _, s := range held {
			s.holder = nil
		}
		w.mu.Unlock()
	}()
	select {
	case <-t.admitted:
		return nil
	case <-ctx.Done():
		w.mu.Lock()
		waiting := w.forget(t)
		w.mu.Unlock()
		if !waiting {
			w.release() // admitted meanwhile: pass the turn on
		}
		return ctx.Err()
	}
}

// wanted reports whether a request waits for one of the stripes.
// w.mu is held.
func wanted(held []*stripe) bool {
	for _, s := range held {
		if s.requests > 0 {
			return true
		}
	}
	return false
}

// promote moves a background write waiting for the writer among the
// requests' writes: a request waits for a document its goroutine has
// locked. w.mu is held; t may be nil (the holder is not waiting).
func (w *writer) promote(t *turn) {
	if t == nil || !t.background {
		return
	}
	if i := slices.Index(w.bg, t); i >= 0 {
		w.bg = slices.Delete(w.bg, i, i+1)
		t.background = false
		w.fg = append(w.fg, t)
	}
}

// forget removes a waiter that gave up, reporting whether it still
// waited. w.mu is held.
func (w *writer) forget(t *turn) bool {
	for _, q := range []*[]*turn{&w.fg, &w.bg} {
		if i := slices.Index(*q, t); i >= 0 {
			*q = slices.Delete(*q, i, i+1)
			return true
		}
	}
	return false
}

// release hands the store to the next waiter, or frees it.
func (w *writer) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	var next *turn
	switch {
	case len(w.bg) > 0 && (len(w.fg) == 0 || w.passed >= yieldAtMost):
		next, w.bg = w.bg[0], w.bg[1:]
		w.passed = 0
	case len(w.fg) > 0:
		next, w.fg = w.fg[0], w.fg[1:]
		if len(w.bg) > 0 {
			w.passed++
		} else {
			w.passed = 0
		}
	default:
		w.busy = false
		return
	}
	close(next.admitted)
}
