package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/throttle"
)

// Limiter implements throttle.Limiter with redis_rate's GCRA script: one
// atomic round trip per check, shared by every replica, bursts up to the
// limit's count.
type Limiter struct{ l *redis_rate.Limiter }

func NewLimiter(rdb goredis.UniversalClient) *Limiter { return &Limiter{l: redis_rate.NewLimiter(rdb)} }

func (l *Limiter) Allow(ctx context.Context, key string, lim throttle.Limit) (time.Duration, error) {
	res, err := l.l.Allow(ctx, fmt.Sprintf("%s:%d/%s", key, lim.Count, lim.Per),
		redis_rate.Limit{Rate: lim.Count, Burst: lim.Count, Period: lim.Per})
	if err != nil {
		return 0, storeErr("rate limit", err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}
