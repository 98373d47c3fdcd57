package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/groupcommit"
)

// SeenEvents remembers, for a day, the keys of vendor events MongoDB
// stored, so a vendor's retry is answered without a write. It is a cache
// in front of the events' unique key, never the judge: a key it lost, or
// never heard of (a crash between the store and here), goes to MongoDB,
// which refuses the second copy.
//
// Vendors post a thousand events a second; the questions and the keys to
// remember arriving while a pipeline is out go to Redis together in the
// next (groupcommit), not one round trip per event.
type SeenEvents struct {
	rdb      goredis.UniversalClient
	prefix   string
	exists   *groupcommit.Batcher[string, bool]
	remember *groupcommit.Batcher[string, bool]
}

// maxKeyBatch bounds a pipeline.
const maxKeyBatch = 500

// seenFor is how long a stored event's key is remembered: vendors retry
// within minutes; a later copy still meets MongoDB's unique key.
const seenFor = 24 * time.Hour

func NewSeenEvents(rdb goredis.UniversalClient, name string) *SeenEvents {
	s := &SeenEvents{rdb: rdb, prefix: "kc:devev:" + name + ":"}
	s.exists = groupcommit.New(maxKeyBatch, s.existAll)
	s.remember = groupcommit.New(maxKeyBatch, s.rememberAll)
	return s
}

func (s *SeenEvents) Seen(ctx context.Context, key string) (bool, error) {
	return s.exists.Do(ctx, s.prefix+key)
}

func (s *SeenEvents) Remember(ctx context.Context, key string) error {
	_, err := s.remember.Do(ctx, s.prefix+key)
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
