package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/domain/identity"
)

// PasswordFailures implements auth.PasswordFailures: one hash per phone
// holding the window's count from all clients ("all") and from each
// ("c:<client>"), expiring when the window that the first attempt opened
// ends. One key per phone, so the check and the count are one atomic
// script (and one slot on Redis Cluster).
type PasswordFailures struct{ rdb goredis.Cmdable }

func NewPasswordFailures(rdb goredis.Cmdable) *PasswordFailures { return &PasswordFailures{rdb: rdb} }

func passwordFailuresKey(p identity.Phone) string { return "pwfail:{" + p.String() + "}" }

// attemptPassword reserves one attempt unless the phone's or the
// client's budget is spent. Returns {allowed, phone's count,
// window's remaining ms}.
var attemptPassword = goredis.NewScript(`
local all = tonumber(redis.call('HGET', KEYS[1], 'all') or '0')
local mine = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if all >= tonumber(ARGV[2]) or mine >= tonumber(ARGV[3]) then
  return {0, all, redis.call('PTTL', KEYS[1])}
end
all = redis.call('HINCRBY', KEYS[1], 'all', 1)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {1, all, 0}
`)

// forgivePassword gives back one attempt of a window still open.
var forgivePassword = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for _, f in ipairs({'all', ARGV[1]}) do
  if tonumber(redis.call('HGET', KEYS[1], f) or '0') > 0 then redis.call('HINCRBY', KEYS[1], f, -1) end
end
return 1
`)

func (f *PasswordFailures) Attempt(ctx context.Context, phone identity.Phone, client string,
	g identity.PasswordGuessing) (auth.PasswordAttempt, error) {
	res, err := attemptPassword.Run(ctx, f.rdb, []string{passwordFailuresKey(phone)}, "c:"+client,
		g.PerPhone, g.PerClient, g.Window.Milliseconds()).Int64Slice()
	if err != nil {
		return auth.PasswordAttempt{}, storeErr("count password attempt", err)
	}
	out := auth.PasswordAttempt{Allowed: res[0] == 1, Failures: int(res[1])}
	if !out.Allowed {
		// A key without expiry cannot occur; a second is the least
		// honest answer if it did.
		out.RetryAfter = max(time.Duration(res[2])*time.Millisecond, time.Second)
	}
	return out, nil
}

func (f *PasswordFailures) Forgive(ctx context.Context, phone identity.Phone, client string) error {
	if err := forgivePassword.Run(ctx, f.rdb, []string{passwordFailuresKey(phone)}, "c:"+client).Err(); err != nil {
		return storeErr("give back password attempt", err)
	}
	return nil
}
