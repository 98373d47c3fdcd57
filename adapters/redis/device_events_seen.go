package redis

import (
	"context"
	"fmt"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// SeenEvents remembers, for a day, the keys of vendor events MongoDB
// stored, so a vendor's retry is answered without a write. It is a cache
// in front of the events' unique key, never the judge: a key it lost, or
// never heard of (a crash between the store and here), goes to MongoDB,
// which refuses the second copy.
//
// Vendors post a thousand events a second; the questions and the keys to
// remember arriving within a moment of each other go to Redis in one
// pipeline each, not one round trip per event.
type SeenEvents struct {
	rdb      goredis.UniversalClient
	prefix   string
	exists   keyBatcher
	remember keyBatcher
}

// seenFor is how long a stored event's key is remembered: vendors retry
// within minutes; a later copy still meets MongoDB's unique key.
const seenFor = 24 * time.Hour

func NewSeenEvents(rdb goredis.UniversalClient, name string) *SeenEvents {
	s := &SeenEvents{rdb: rdb, prefix: "kc:devev:" + name + ":"}
	s.exists.run = s.existAll
	s.remember.run = s.rememberAll
	return s
}

func (s *SeenEvents) Seen(ctx context.Context, key string) (bool, error) {
	return s.exists.do(ctx, s.prefix+key)
}

func (s *SeenEvents) Remember(ctx context.Context, key string) error {
	_, err := s.remember.do(ctx, s.prefix+key)
	return err
}

func (s *SeenEvents) existAll(ctx context.Context, keys []string) ([]bool, error) {
	cmds := make([]*goredis.IntCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Exists(ctx, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redis: seen device events: %w", err)
	}
	out := make([]bool, len(keys))
	for i, c := range cmds {
		out[i] = c.Val() == 1
	}
	return out, nil
}

func (s *SeenEvents) rememberAll(ctx context.Context, keys []string) ([]bool, error) {
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, k := range keys {
			p.Set(ctx, k, "1", seenFor)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redis: remember device events: %w", err)
	}
	return make([]bool, len(keys)), nil
}

// keyBatcher gathers the keys asked about within keyGather of the first
// into one call of run, and answers each caller its own result.
type keyBatcher struct {
	run  func(ctx context.Context, keys []string) ([]bool, error)
	mu   sync.Mutex
	open *keyBatch
}

type keyBatch struct {
	keys []string
	res  []bool
	err  error
	done chan struct{}
}

const (
	maxKeyBatch = 500
	// keyGather is how long the first key of a batch waits for others.
	keyGather = time.Millisecond
)

func (b *keyBatcher) do(ctx context.Context, key string) (bool, error) {
	b.mu.Lock()
	kb := b.open
	if kb == nil {
		kb = &keyBatch{done: make(chan struct{})}
		b.open = kb
	}
	idx := len(kb.keys)
	kb.keys = append(kb.keys, key)
	if len(kb.keys) >= maxKeyBatch {
		b.open = nil // sealed: later keys start the next batch
	}
	b.mu.Unlock()
	if idx == 0 {
		// The first caller sends the batch, after others had a moment to
		// join; its cancellation must not fail theirs.
		time.Sleep(keyGather)
		b.mu.Lock()
		if b.open == kb {
			b.open = nil
		}
		b.mu.Unlock()
		kb.res, kb.err = b.run(context.WithoutCancel(ctx), kb.keys)
		close(kb.done)
	}
	select {
	case <-kb.done:
		if kb.err != nil {
			return false, kb.err
		}
		return kb.res[idx], nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
