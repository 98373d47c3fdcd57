package redis_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/test/testenv"
)

// Two replicas sharing Redis: what each admits counts against the other
// after a flush, and together they stay within the limit plus what they
// admit between two flushes.
func TestBatchedLimiterIsSharedAcrossReplicas(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := redis.NewBatchedLimiter(rdb, time.Hour, quiet)
	b := redis.NewBatchedLimiter(rdb, time.Hour, quiet)
	ctx := context.Background()
	key := "ip:" + testenv.Phone()
	limit := throttle.Limit{Count: 100, Per: time.Hour}

	admit := func(l *redis.BatchedLimiter, n int) int {
		var ok atomic.Int32
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if wait, _ := l.Allow(ctx, key, limit); wait == 0 {
					ok.Add(1)
				}
			})
		}
		wg.Wait()
		return int(ok.Load())
	}
	if got := admit(a, 60); got != 60 {
		t.Fatalf("replica a admitted %d of 60 under a limit of 100", got)
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(ctx); err != nil { // b has nothing to add, and learns nothing yet
		t.Fatal(err)
	}
	// b has not read the shared total, so it admits up to the limit on
	// its own: this is the overshoot the design accepts...
	gotB := admit(b, 100)
	if gotB != 100 {
		t.Fatalf("replica b admitted %d", gotB)
	}
	// ...and after one flush each, both know the total and refuse.
	_ = b.Flush(ctx)
	_ = a.Flush(ctx)
	if got := admit(a, 10) + admit(b, 10); got != 0 {
		t.Fatalf("%d admitted after both replicas learnt the total of 160", got)
	}
	wait, _ := a.Allow(ctx, key, limit)
	if wait <= 0 || wait > time.Hour {
		t.Fatalf("retry after %s", wait)
	}
}

// Without Redis a replica still limits its own traffic.
func TestBatchedLimiterLimitsLocallyWhenRedisIsDown(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	l := redis.NewBatchedLimiter(rdb, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_ = rdb.Close()
	ctx := context.Background()
	// Per hour, not minute: a failing flush may take a while (a cluster
	// client retries), and a minute's window ending mid-test would
	// rightly admit five more.
	limit := throttle.Limit{Count: 5, Per: time.Hour}
	allowed := 0
	for range 8 {
		if wait, _ := l.Allow(ctx, "ip:10.0.0.1", limit); wait == 0 {
			allowed++
			if err := l.Flush(ctx); err == nil {
				t.Fatal("flush to a closed client succeeded")
			}
		}
	}
	if allowed != 5 {
		t.Fatalf("allowed %d of 8 under 5/hour with Redis down", allowed)
	}
}
