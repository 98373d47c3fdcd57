package redis_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/test/testenv"
)

// The ladders' timers: what is due comes back by deadline; a Redis that
// lost everything says it must be loaded again, and loading keeps a
// timer set meanwhile.
func TestIncidentTimersAreDueByDeadlineAndKnowWhenLost(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	ctx := context.Background()
	timers := redis.NewIncidentTimers(rdb, "timers-"+t.Name()+time.Now().Format("150405.000000000"))
	t0 := time.Now().Truncate(time.Millisecond)
	if built, err := timers.Built(ctx); err != nil || built {
		t.Fatalf("a new deployment's timers are built (%v, %v)", built, err)
	}
	if err := timers.Load(ctx, map[string]time.Time{"a": t0.Add(2 * time.Minute), "b": t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := timers.Set(ctx, "c", t0.Add(7*time.Minute)); err != nil {
		t.Fatal(err)
	}
	due := func(at time.Duration) []string {
		ids, err := timers.Due(ctx, t0.Add(at), 10)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := due(59 * time.Second); len(got) != 0 {
		t.Fatalf("due before any deadline: %v", got)
	}
	if got := due(2 * time.Minute); !slices.Equal(got, []string{"b", "a"}) {
		t.Fatalf("due at 2 minutes: %v, want b then a", got)
	}
	if err := timers.Clear(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got := due(time.Hour); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("due at an hour: %v", got)
	}
	if built, _ := timers.Built(ctx); !built {
		t.Fatal("loaded timers say they are not built")
	}
}
