// Package groupcommit sends single requests to a store in batches, one
// batch at a time — a group commit: the first request to find nothing
// being sent goes at once, alone, and the requests arriving while a batch
// is out gather into the next, sent as soon as it returns. A lone request
// waits for nothing; under load the batches grow with it, so a store's
// fixed cost per call (a round trip, a transaction and its fsync) is paid
// once per batch instead of once per request.
//
// It knows nothing of the stores or of kincare: the adapters that use it
// (the device events' writes in MongoDB, their seen-checks in Redis, the
// devices' lookups) say what one batch is.
package groupcommit

import (
	"context"
	"fmt"
	"sync"
)

// Batcher gathers keys into calls of run, at most max keys each. run
// answers one result per key, in the keys' order; an error fails every
// key of its batch.
type Batcher[K, R any] struct {
	run func(ctx context.Context, keys []K) ([]R, error)
	max int

	mu sync.Mutex
	// pending are the batches waiting to be sent, oldest first; the last
	// takes new keys until it is full.
	pending []*batch[K, R]
	// busy is true while a batch is out; whoever sent it sends the next.
	busy bool
}

type batch[K, R any] struct {
	keys []K
	res  []R
	err  error
	done chan struct{}
}

// New is a Batcher of at most max keys per call of run.
func New[K, R any](max int, run func(ctx context.Context, keys []K) ([]R, error)) *Batcher[K, R] {
	return &Batcher[K, R]{run: run, max: max}
}

// Do sends key with the others of its batch and answers its result. The
// batch is sent whatever happens to ctx once it has started (others wait
// for it); Do itself stops waiting when ctx ends.
func (b *Batcher[K, R]) Do(ctx context.Context, key K) (R, error) {
	b.mu.Lock()
	var bt *batch[K, R]
	if n := len(b.pending); n > 0 && len(b.pending[n-1].keys) < b.max {
		bt = b.pending[n-1]
	} else {
		bt = &batch[K, R]{done: make(chan struct{})}
		b.pending = append(b.pending, bt)
	}
	idx := len(bt.keys)
	bt.keys = append(bt.keys, key)
	start := !b.busy
	b.busy = true
	b.mu.Unlock()
	if start {
		// Nothing was out, so nothing was pending before: the batch is
		// this key's alone so far, sent now.
		b.sendNext(context.WithoutCancel(ctx))
	}
	var zero R
	select {
	case <-bt.done:
		if bt.err != nil {
			return zero, bt.err
		}
		return bt.res[idx], nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// sendNext sends the oldest pending batch, then hands the next, if any
// gathered meanwhile, to a goroutine of its own, so the caller that sent
// this one answers without waiting for others' batches.
func (b *Batcher[K, R]) sendNext(ctx context.Context) {
	b.mu.Lock()
	bt := b.pending[0]
	b.pending[0] = nil
	b.pending = b.pending[1:]
	b.mu.Unlock()
	bt.res, bt.err = b.run(ctx, bt.keys)
	if bt.err == nil && len(bt.res) != len(bt.keys) {
		bt.err = fmt.Errorf("groupcommit: %d results for %d keys", len(bt.res), len(bt.keys))
	}
	close(bt.done)
	b.mu.Lock()
	more := len(b.pending) > 0
	b.busy = more
	b.mu.Unlock()
	if more {
		go b.sendNext(ctx)
	}
}
