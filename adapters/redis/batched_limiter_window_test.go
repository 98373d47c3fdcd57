package redis

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kincare/kincare/app/throttle"
)

// A client that spent its budget at the end of one window does not get
// it again at the start of the next: the previous window still weighs on
// the next, fading as it passes, so the budget comes back at the limit's
// pace.
func TestBatchedLimiterSlidesAcrossTheWindowsEdge(t *testing.T) {
	now := time.Unix(0, 0).Add(1_000_000 * time.Minute) // the start of a window
	b := &BatchedLimiter{now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		counts: map[string]*windowCount{}}
	limit := throttle.Limit{Count: 5, Per: time.Minute}
	allow := func() time.Duration {
		t.Helper()
		wait, err := b.Allow(context.Background(), "ip:198.51.100.7", limit)
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}

	now = now.Add(59 * time.Second) // the last second of a window
	for i := range 5 {
		if wait := allow(); wait != 0 {
			t.Fatalf("request %d of 5 waits %s", i+1, wait)
		}
	}
	if wait := allow(); wait != time.Second {
		t.Fatalf("the 6th in the same window waits %s, want the second left of it", wait)
	}

	// One second later a fixed window would start afresh with 5 more.
	now = now.Add(time.Second)
	wait := allow()
	if wait < 11*time.Second || wait > 12*time.Second+time.Millisecond {
		t.Fatalf("at the new window's start the 6th waits %s, want about 12 s (a fifth of the minute)", wait)
	}
	now = now.Add(wait)
	if w := allow(); w != 0 {
		t.Fatalf("after waiting the %s it was told, the request waits %s more", wait, w)
	}
	if w := allow(); w <= 0 {
		t.Fatal("a 2nd request was admitted right after the one the fading window let in")
	}

	// Two windows later nothing of the burst is left.
	now = now.Add(2 * time.Minute)
	for i := range 5 {
		if wait := allow(); wait != 0 {
			t.Fatalf("two windows later request %d of 5 waits %s", i+1, wait)
		}
	}
}
