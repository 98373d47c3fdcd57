package embedded_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/embedded"
)

// The clock moves in steps, but a key still expires when the clock
// passes its TTL, and FastForward's lead is kept by the steps after it.
func TestEmbeddedRedisExpiresOnItsClock(t *testing.T) {
	r, err := embedded.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	rdb := goredis.NewClient(&goredis.Options{Addr: r.URL()[len("redis://"):]})
	defer rdb.Close()
	if err := rdb.Set(ctx, "short", "1", 10*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "long", "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	r.FastForward(11 * time.Second)
	if n := rdb.Exists(ctx, "short").Val(); n != 0 {
		t.Errorf("a 10 s key outlived 11 s")
	}
	if n := rdb.Exists(ctx, "long").Val(); n != 1 {
		t.Errorf("an hour's key expired after 11 s")
	}
	r.FastForward(2 * time.Hour)
	if n := rdb.Exists(ctx, "long").Val(); n != 0 {
		t.Errorf("an hour's key outlived two hours")
	}
	r.Close() // twice is harmless
}
