package mongo

import (
	"context"
	"hash/maphash"
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
	stripes [256]sync.Mutex
	writer  chan struct{}
}

func newWriteGuard(on bool) *writeGuard {
	return &writeGuard{on: on, seed: maphash.MakeSeed(), writer: make(chan struct{}, 1)}
}

// write waits until no other write is in the embedded store, and holds
// it until the returned func runs; a no-op against MongoDB. SQLite lets
// one connection write at a time, and a second one waits in its busy
// handler, which sleeps 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries
// however soon the first is done: with four requests writing and the
// relay delivering, writes queued there for hundreds of milliseconds
// while the store was mostly idle. Here they queue in arrival order and
// each goes the moment the one before is done. Hold it only around one
// call to FerretDB, never while taking anything else.
func (g *writeGuard) write(ctx context.Context) (unlock func(), err error) {
	if !g.on {
		return func() {}, nil
	}
	select {
	case g.writer <- struct{}{}:
		return func() { <-g.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lock holds the stripe of (collection, id) until the returned func runs.
func (g *writeGuard) lock(collection, id string) (unlock func()) {
	if !g.on {
		return func() {}
	}
	m := &g.stripes[maphash.String(g.seed, collection+"\x00"+id)%uint64(len(g.stripes))]
	m.Lock()
	return m.Unlock
}
