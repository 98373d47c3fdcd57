package redis_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

var guessing = identity.PasswordGuessing{Window: 15 * time.Minute, PerPhone: 10, PerClient: 5, WarnAt: 5}

// Forty guesses sent at once from one client get its five attempts; from
// forty clients, the phone's ten. A refused attempt counts nothing.
func TestPasswordAttemptsAreBudgetedAtomically(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	f, ctx := redis.NewPasswordFailures(rdb), context.Background()
	for _, c := range []struct {
		name    string
		client  func(i int) string
		allowed int32
	}{
		{"one client", func(int) string { return "198.51.100.7" }, 5},
		{"forty clients", func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }, 10},
	} {
		p := phone(t)
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				a, err := f.Attempt(ctx, p, c.client(i), guessing)
				if err != nil {
					t.Error(err)
				}
				if a.Allowed {
					allowed.Add(1)
				} else if a.RetryAfter <= 0 || a.RetryAfter > guessing.Window {
					t.Errorf("%s: refused with Retry-After %s", c.name, a.RetryAfter)
				}
			})
		}
		wg.Wait()
		if allowed.Load() != c.allowed {
			t.Errorf("%s: %d of 40 attempts allowed, want %d", c.name, allowed.Load(), c.allowed)
		}
	}
}

// A client that spent its budget is refused; another client is not, and
// sees the phone's count; a forgiven attempt is given back to both.
func TestPasswordFailuresCountPerPhoneAndPerClient(t *testing.T) {
	rdb, mini := testenv.Redis(t)
	f, ctx, p := redis.NewPasswordFailures(rdb), context.Background(), phone(t)
	for i := 1; i <= 5; i++ {
		a, err := f.Attempt(ctx, p, "stranger", guessing)
		if err != nil || !a.Allowed || a.Failures != i {
			t.Fatalf("attempt %d: %+v, %v", i, a, err)
		}
	}
	if a, _ := f.Attempt(ctx, p, "stranger", guessing); a.Allowed {
		t.Fatal("a sixth attempt from the same client was allowed")
	}
	a, err := f.Attempt(ctx, p, "owner", guessing)
	if err != nil || !a.Allowed || a.Failures != 6 {
		t.Fatalf("another client: %+v, %v; want allowed as the phone's 6th", a, err)
	}
	if err := f.Forgive(ctx, p, "owner"); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.Attempt(ctx, p, "owner", guessing); !a.Allowed || a.Failures != 6 {
		t.Fatalf("after forgiving: %+v, want the 6th again", a)
	}
	if mini == nil {
		return // the rest needs the embedded clock
	}
	mini.FastForward(guessing.Window + time.Second)
	if a, _ := f.Attempt(ctx, p, "stranger", guessing); !a.Allowed || a.Failures != 1 {
		t.Fatalf("a new window: %+v, want a fresh budget", a)
	}
	// Forgiving in a window that has ended creates nothing.
	q := phone(t)
	if err := f.Forgive(ctx, q, "owner"); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, "pwfail:{"+q.String()+"}").Result(); n != 0 {
		t.Fatal("forgiving without a window created a key that never expires")
	}
}
