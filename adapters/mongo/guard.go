package mongo

import (
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
type writeGuard struct {
	on      bool
	seed    maphash.Seed
	stripes [256]sync.Mutex
}

func newWriteGuard(on bool) *writeGuard { return &writeGuard{on: on, seed: maphash.MakeSeed()} }

// lock holds the stripe of (collection, id) until the returned func runs.
func (g *writeGuard) lock(collection, id string) (unlock func()) {
	if !g.on {
		return func() {}
	}
	m := &g.stripes[maphash.String(g.seed, collection+"\x00"+id)%uint64(len(g.stripes))]
	m.Lock()
	return m.Unlock
}
