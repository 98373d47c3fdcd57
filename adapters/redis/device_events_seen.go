package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// SeenEvents remembers, for a day, the keys of vendor events MongoDB
// stored, so a vendor's retry is answered without a write. It is a cache
// in front of the events' unique key, never the judge: a key it lost, or
// never heard of (a crash between the store and here), goes to MongoDB,
// which refuses the second copy.
type SeenEvents struct {
	rdb    goredis.UniversalClient
	prefix string
}

// seenFor is how long a stored event's key is remembered: vendors retry
// within minutes; a later copy still meets MongoDB's unique key.
const seenFor = 24 * time.Hour

func NewSeenEvents(rdb goredis.UniversalClient, name string) *SeenEvents {
	return &SeenEvents{rdb: rdb, prefix: "kc:devev:" + name + ":"}
}

func (s *SeenEvents) Seen(ctx context.Context, key string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.prefix+key).Result()
	if err != nil {
		return false, fmt.Errorf("redis: seen device event: %w", err)
	}
	return n == 1, nil
}

func (s *SeenEvents) Remember(ctx context.Context, key string) error {
	if err := s.rdb.Set(ctx, s.prefix+key, "1", seenFor).Err(); err != nil {
		return fmt.Errorf("redis: remember device event: %w", err)
	}
	return nil
}
