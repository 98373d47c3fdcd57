// Package throttle is the rate-limit port every use case and the HTTP
// adapter share, so a limit means the same thing wherever it is checked.
package throttle

import (
	"context"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Limit is Count events per period, with bursts up to Count.
type Limit struct {
	Count int
	Per   time.Duration
}

// Limiter counts events per key across every replica. Allow returns 0 when
// the event is allowed, or how long to wait.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit) (retryAfter time.Duration, err error)
}

// Check applies every limit to key and fails with rate_limited on the
// first that refuses.
func Check(ctx context.Context, lim Limiter, key string, limits ...Limit) error {
	for _, l := range limits {
		if l.Count <= 0 {
			continue // a zero limit is switched off by configuration
		}
		wait, err := lim.Allow(ctx, key, l)
		if err != nil {
			return fmt.Errorf("rate limit %s: %w", key, err)
		}
		if wait > 0 {
			return fault.ErrRateLimited.Retry(wait)
		}
	}
	return nil
}
