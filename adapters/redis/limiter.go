package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/throttle"
)

// Limiter implements throttle.Limiter with GCRA: one atomic round trip
// per check, shared by every replica, bursts up to the limit's count.
//
// Its decisions follow the clock it is given, not Redis's: each key holds
// the instant from which the limit's budget is whole again (the
// "theoretical arrival time"), written and compared in the app's time.
// For one code a minute that is the instant the next code may be sent.
// In production the clock is the wall clock; a development server's
// moved clock (adapters/clock) moves the limits with it, so a test of "a
// new code is refused until a minute has passed" moves its clock instead
// of waiting. Replicas' clocks differ by what NTP leaves, milliseconds.
type Limiter struct {
	rdb goredis.Scripter
	now func() time.Time
}

func NewLimiter(rdb goredis.Scripter, now func() time.Time) *Limiter {
	return &Limiter{rdb: rdb, now: now}
}

// gcra admits one event at ARGV[1] (now, µs) against a limit emitting
// one event per ARGV[2] µs with bursts of ARGV[3] µs (the whole period).
// Times go to Redis as whole µs (string.format): Lua would write a bare
// number with 14 digits, and now has 16.
// It returns 0 when admitted, else the µs to wait. The key's expiry only
// cleans up: it outlives the instant it holds by one period, so a clock
// that runs slower than the wall clock (a test clock standing still)
// still finds it.
var gcra = goredis.NewScript(`
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then tat = math.max(tonumber(stored), now) end
local newTat = tat + interval
local allowAt = newTat - period
if allowAt > now then return allowAt - now end
redis.call('SET', KEYS[1], string.format('%d', newTat), 'PX', math.ceil((newTat - now + period) / 1000))
return 0
`)

func (l *Limiter) Allow(ctx context.Context, key string, lim throttle.Limit) (time.Duration, error) {
	count := int64(max(lim.Count, 1))
	interval := lim.Per.Microseconds() / count
	wait, err := gcra.Run(ctx, l.rdb, []string{fmt.Sprintf("gcra:%s:%d/%s", key, lim.Count, lim.Per)},
		l.now().UnixMicro(), interval, interval*count).Int64()
	if err != nil {
		return 0, storeErr("rate limit", err)
	}
	if wait <= 0 {
		return 0, nil
	}
	return max(time.Duration(wait)*time.Microsecond, time.Millisecond), nil
}
