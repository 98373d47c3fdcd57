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
	lim := redis.NewLimiter(rdb, time.Now)
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

// testClock is a clock the test sets.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}

// The limiter decides on the clock it is given, whatever Redis's clock
// says: one a minute is refused for exactly a minute of that clock.
func TestLimiterFollowsItsClock(t *testing.T) {
	rdb, mini := testenv.Redis(t)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	clk := &testClock{now: start}
	lim := redis.NewLimiter(rdb, clk.Now)
	ctx, key := context.Background(), "test:"+testenv.Phone()
	perMinute := throttle.Limit{Count: 1, Per: time.Minute}
	allow := func(at time.Duration, want time.Duration) {
		t.Helper()
		clk.set(start.Add(at))
		wait, err := lim.Allow(ctx, key, perMinute)
		if err != nil {
			t.Fatal(err)
		}
		if wait != want {
			t.Fatalf("at +%s: wait %s, want %s", at, wait, want)
		}
	}
	allow(0, 0)
	allow(0, time.Minute)
	allow(59*time.Second, time.Second)
	allow(59*time.Second+999*time.Millisecond, time.Millisecond)
	allow(time.Minute, 0)
	allow(time.Minute+30*time.Second, 30*time.Second)
	// A refusal spends nothing; a long pause does not bank more than the
	// burst.
	allow(10*time.Minute, 0)
	allow(10*time.Minute, time.Minute)

	// The key outlives the instant it holds, so a clock that stands still
	// while real time passes (a test server's) still finds it.
	if mini != nil {
		mini.FastForward(90 * time.Second)
		allow(10*time.Minute+time.Second, 59*time.Second)
	}
}

// Bursts up to the count, then one per count-th of the period.
func TestLimiterAllowsBurstsUpToItsCount(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	start := time.Now().Truncate(time.Second)
	clk := &testClock{now: start}
	lim := redis.NewLimiter(rdb, clk.Now)
	ctx, key := context.Background(), "test:"+testenv.Phone()
	fivePerHour := throttle.Limit{Count: 5, Per: time.Hour}
	for i := range 5 {
		if wait, err := lim.Allow(ctx, key, fivePerHour); err != nil || wait != 0 {
			t.Fatalf("event %d of a burst of 5: wait %s, %v", i+1, wait, err)
		}
	}
	if wait, err := lim.Allow(ctx, key, fivePerHour); err != nil || wait != 12*time.Minute {
		t.Fatalf("the sixth: wait %s, %v; want 12m", wait, err)
	}
	clk.set(start.Add(12 * time.Minute))
	if wait, err := lim.Allow(ctx, key, fivePerHour); err != nil || wait != 0 {
		t.Fatalf("12 minutes later: wait %s, %v; want 0", wait, err)
	}
	if wait, err := lim.Allow(ctx, key, fivePerHour); err != nil || wait != 12*time.Minute {
		t.Fatalf("and once more: wait %s, %v; want 12m", wait, err)
	}
}
