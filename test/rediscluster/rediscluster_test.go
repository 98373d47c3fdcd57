package rediscluster_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/test/rediscluster"
)

// The harness itself: a key written before a master is killed is read
// from its promoted replica, through the same client.
func TestClusterFailsOverToTheReplica(t *testing.T) {
	t.Parallel()
	c := rediscluster.StartCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rdb := c.Client(t)
	if n := len(c.Masters(ctx)); n != 3 {
		t.Fatalf("%d masters, want 3", n)
	}
	if err := rdb.Set(ctx, "{k}:a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	master, err := c.MasterOf(ctx, "{k}:a")
	if err != nil {
		t.Fatal(err)
	}
	// WAIT, on the key's own master (a cluster client sends a keyless
	// command to any node): the write has reached the replica.
	node, err := rdb.MasterForKey(ctx, "{k}:a")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := node.Wait(ctx, 1, time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT: %d replicas, %v", n, err)
	}
	start := time.Now()
	if err := c.Kill(master); err != nil {
		t.Fatal(err)
	}
	promoted, err := c.WaitFailover(ctx, master)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s killed; %s took over in %s", master, promoted, time.Since(start).Round(time.Millisecond))
	if now, _ := c.MasterOf(ctx, "{k}:a"); now != promoted {
		t.Fatalf("the key's slot is served by %s, want %s", now, promoted)
	}
	// Asked directly: a cluster client keeps its old slot map for up to
	// 10 s unless told to reload (kincare's does; see adapters/redis).
	direct := goredis.NewClient(&goredis.Options{Addr: promoted})
	defer direct.Close()
	if v, err := direct.Get(ctx, "{k}:a").Result(); err != nil || v != "1" {
		t.Fatalf("after failover: %q, %v", v, err)
	}
}

func TestSentinelPromotesTheReplica(t *testing.T) {
	t.Parallel()
	s := rediscluster.StartSentinel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rdb := s.Client(t)
	if err := rdb.Set(ctx, "a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.Wait(ctx, 1, time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT: %d replicas, %v", n, err)
	}
	start := time.Now()
	dead, err := s.KillMaster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	promoted, err := s.WaitFailover(ctx, dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s killed; sentinels promoted %s in %s", dead, promoted, time.Since(start).Round(time.Millisecond))
	if v, err := rdb.Get(ctx, "a").Result(); err != nil || v != "1" {
		t.Fatalf("after failover: %q, %v", v, err)
	}
}
