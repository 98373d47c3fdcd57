package redis_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

func phone(t *testing.T) identity.Phone {
	p, err := identity.ParsePhone(testenv.Phone())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCodeLocksAfterFiveWrongTries(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	otps, ctx, p := redis.NewOTPs(rdb), context.Background(), phone(t)
	if err := otps.Issue(ctx, p, "right", identity.OTPTTL); err != nil {
		t.Fatal(err)
	}
	for try := 1; try <= 4; try++ {
		c, err := otps.Verify(ctx, p, "wrong", identity.OTPMaxAttempts)
		if err != nil || c.Verdict != identity.OTPWrong || c.AttemptsLeft != 5-try {
			t.Fatalf("try %d: %+v, %v", try, c, err)
		}
	}
	c, _ := otps.Verify(ctx, p, "wrong", identity.OTPMaxAttempts)
	if c.Verdict != identity.OTPLockedOut || c.LockedFor <= 0 || c.LockedFor > identity.OTPTTL {
		t.Fatalf("fifth wrong try: %+v", c)
	}
	if c, _ := otps.Verify(ctx, p, "right", identity.OTPMaxAttempts); c.Verdict != identity.OTPLockedOut {
		t.Fatalf("right code after lock: %+v", c)
	}
	// A new code starts a new budget.
	_ = otps.Issue(ctx, p, "fresh", identity.OTPTTL)
	if c, _ := otps.Verify(ctx, p, "fresh", identity.OTPMaxAttempts); c.Verdict != identity.OTPAccepted {
		t.Fatalf("fresh code: %+v", c)
	}
}

// Of many concurrent submissions of the right code, exactly one logs in.
func TestCodeIsConsumedExactlyOnce(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	otps, ctx, p := redis.NewOTPs(rdb), context.Background(), phone(t)
	if err := otps.Issue(ctx, p, "right", identity.OTPTTL); err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			c, err := otps.Verify(ctx, p, "right", identity.OTPMaxAttempts)
			if err != nil {
				t.Error(err)
			}
			if c.Verdict == identity.OTPAccepted {
				accepted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := accepted.Load(); n != 1 {
		t.Fatalf("%d of 50 concurrent verifications accepted the code; want 1", n)
	}
}

func TestCodeExpires(t *testing.T) {
	rdb, mini := testenv.Redis(t)
	if mini == nil {
		t.Skip("needs the embedded clock")
	}
	otps, ctx, p := redis.NewOTPs(rdb), context.Background(), phone(t)
	_ = otps.Issue(ctx, p, "right", identity.OTPTTL)
	mini.FastForward(identity.OTPTTL + time.Second)
	if c, _ := otps.Verify(ctx, p, "right", identity.OTPMaxAttempts); c.Verdict != identity.OTPNoCode {
		t.Fatalf("expired code: %+v", c)
	}
}

// Concurrent callers share one budget: 1 per minute means 1, not 1 each.
func TestLimiterIsSharedByConcurrentCallers(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	lim := redis.NewLimiter(rdb)
	key := "test:" + testenv.Phone()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if err := throttle.Check(context.Background(), lim, key, throttle.Limit{Count: 5, Per: time.Hour}); err == nil {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 5 {
		t.Fatalf("%d of 40 allowed under a limit of 5/hour", n)
	}
	wait, err := lim.Allow(context.Background(), key, throttle.Limit{Count: 5, Per: time.Hour})
	if err != nil || wait <= 0 || wait > 12*time.Minute {
		t.Fatalf("retry after %s, %v; want (0, 12m]", wait, err)
	}
}
