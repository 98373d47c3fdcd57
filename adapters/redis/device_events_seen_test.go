package redis_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/test/testenv"
)

// Many events asked about and remembered at once, through the batched
// pipelines: each answer is its own key's — remembered keys are seen,
// the others are not.
func TestSeenEventsAnswerEachKeyInABatch(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	ctx := context.Background()
	seen := redis.NewSeenEvents(rdb, "seen-"+time.Now().Format("150405.000000000"))
	const n = 1200 // more than one batch
	var wg sync.WaitGroup
	for i := range n {
		if i%2 == 0 {
			wg.Go(func() {
				if err := seen.Remember(ctx, fmt.Sprint("acme:", i)); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	for i := range n {
		wg.Go(func() {
			got, err := seen.Seen(ctx, fmt.Sprint("acme:", i))
			if err != nil {
				t.Error(err)
			}
			if want := i%2 == 0; got != want {
				t.Errorf("event %d seen %v, want %v", i, got, want)
			}
		})
	}
	wg.Wait()
}
