package redis

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/throttle"
)

// BatchedLimiter counts events per key in windows shared by every
// replica, without a Redis round trip per event. It decides on a sliding
// estimate: the current window's count plus the previous window's,
// weighted by how much of the previous window the last period still
// covers. Fixed windows alone would let a client spend its whole budget
// at the end of one window and again at the start of the next, twice the
// limit within a second. The per-IP limit runs on
// every request, and a round trip there cost /v1/me about half its
// throughput (docs/benchmarks.md), so each replica counts locally and
// every interval adds its counts to Redis in one pipeline, reading back
// the totals of all replicas.
//
// The price is precision: between two flushes a replica decides on the
// totals it last read plus its own counts, so all replicas together can
// overshoot a limit by what they admit in one interval. For a limit whose
// purpose is to stop floods, not to meter, that is the right trade. When
// Redis cannot be reached each replica still enforces the limit on its
// own traffic.
type BatchedLimiter struct {
	rdb      goredis.Cmdable
	interval time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu     sync.Mutex
	counts map[string]*windowCount
}

type windowCount struct {
	window   int64 // index of the window, in units of the limit's period
	per      time.Duration
	limit    int64
	pending  int64 // admitted here, not yet added to Redis
	total    int64 // last known total of all replicas, plus what we flushed since
	previous int64 // what the window before this one ended with, as known here
}

// rollTo moves the count to window, keeping what the window just before
// it ended with.
func (c *windowCount) rollTo(window int64) {
	if c.window == window {
		return
	}
	previous := int64(0)
	if c.window == window-1 {
		previous = c.total + c.pending
	}
	*c = windowCount{window: window, per: c.per, limit: c.limit, previous: previous}
}

// wait is how long a request at now must wait for the estimate to leave
// room for it; zero when there is room now.
func (c *windowCount) wait(now time.Time) time.Duration {
	start := c.window * int64(c.per)
	elapsed := now.UnixNano() - start
	current := c.total + c.pending
	if current >= c.limit {
		return max(time.Duration(start+int64(c.per)-now.UnixNano()), time.Millisecond)
	}
	// The previous window's events, spread evenly over it, still count
	// for the part of it the last period covers (in floating point: a
	// limit times a period in nanoseconds can overflow an int64).
	// One more request fits while that share is at most the room left
	// after it.
	room := float64(c.limit - current - 1)
	per := float64(c.per)
	if float64(c.previous)*(per-float64(elapsed))/per <= room {
		return 0
	}
	// The instant that share falls to the room left.
	free := per - room*per/float64(c.previous)
	return max(time.Duration(free-float64(elapsed))+1, time.Millisecond)
}

// NewBatchedLimiter flushes every interval once Run is called.
func NewBatchedLimiter(rdb goredis.Cmdable, interval time.Duration, log *slog.Logger) *BatchedLimiter {
	return &BatchedLimiter{rdb: rdb, interval: interval, now: time.Now, log: log, counts: map[string]*windowCount{}}
}

// Allow implements throttle.Limiter; it never touches the network.
func (b *BatchedLimiter) Allow(_ context.Context, key string, l throttle.Limit) (time.Duration, error) {
	now := b.now()
	window := now.UnixNano() / int64(l.Per)
	id := key + "|" + strconv.Itoa(l.Count) + "/" + l.Per.String()
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.counts[id]
	if c == nil {
		c = &windowCount{window: window, per: l.Per, limit: int64(l.Count)}
		b.counts[id] = c
	}
	c.rollTo(window)
	if wait := c.wait(now); wait > 0 {
		return wait, nil
	}
	c.pending++
	return 0, nil
}

// Run flushes until ctx ends, then flushes once more.
func (b *BatchedLimiter) Run(ctx context.Context) {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			flushCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = b.Flush(flushCtx)
			cancel()
			return
		case <-t.C:
			if err := b.Flush(ctx); err != nil && ctx.Err() == nil {
				b.log.Warn("rate-limit counts not shared; limiting locally", "err", err)
			}
		}
	}
}

type flushItem struct {
	id     string
	window int64
	n      int64
	cmd    *goredis.IntCmd
}

// Flush adds local counts to Redis and reads back every replica's totals.
func (b *BatchedLimiter) Flush(ctx context.Context) error {
	current := b.now().UnixNano()
	b.mu.Lock()
	var batch []*flushItem
	for id, c := range b.counts {
		if window := current / int64(c.per); c.window < window {
			c.rollTo(window) // the window just past still weighs on this one
			if c.previous == 0 {
				delete(b.counts, id) // long past: nothing left to decide
				continue
			}
		}
		// Keys with news to share, and keys past half their limit, whose
		// totals from other replicas may soon refuse them; quiet keys far
		// from their limit cost nothing.
		if c.pending > 0 || 2*c.total >= c.limit {
			batch = append(batch, &flushItem{id: id, window: c.window, n: c.pending})
			c.total += c.pending
			c.pending = 0
		}
	}
	periods := make(map[string]time.Duration, len(batch))
	for _, it := range batch {
		periods[it.id] = b.counts[it.id].per
	}
	b.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	_, err := b.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, it := range batch {
			key := "ratewin:{" + it.id + "}:" + strconv.FormatInt(it.window, 10)
			it.cmd = p.IncrBy(ctx, key, it.n)
			p.PExpire(ctx, key, 2*periods[it.id])
		}
		return nil
	})
	if err != nil {
		return storeErr("flush rate-limit counts", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, it := range batch {
		if c := b.counts[it.id]; c != nil && c.window == it.window {
			c.total = max(c.total, it.cmd.Val())
		}
	}
	return nil
}
