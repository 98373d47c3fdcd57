package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/domain/identity"
)

// OTPs implements auth.OTPs: one hash per phone holding the code's digest
// and the wrong attempts so far, expiring with the code.
type OTPs struct{ rdb goredis.Cmdable }

func NewOTPs(rdb goredis.Cmdable) *OTPs { return &OTPs{rdb: rdb} }

func otpKey(p identity.Phone) string { return "otp:{" + p.String() + "}" }

// Issue replaces any pending code, and with it the attempt count.
func (o *OTPs) Issue(ctx context.Context, phone identity.Phone, digest string, ttl time.Duration) error {
	key := otpKey(phone)
	_, err := o.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, key)
		p.HSet(ctx, key, "d", digest, "a", 0)
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return storeErr("issue otp", err)
	}
	return nil
}

// verifyOTP judges one attempt atomically: concurrent guesses cannot
// share a stale attempt count, and a correct code is consumed by exactly
// one of them. Returns {verdict, attemptsLeft, lockedForMillis}; verdicts
// as identity.OTPVerdict.
var verifyOTP = goredis.NewScript(`
local digest = redis.call('HGET', KEYS[1], 'd')
if not digest then return {2, 0, 0} end
local max = tonumber(ARGV[2])
local tries = tonumber(redis.call('HGET', KEYS[1], 'a'))
if tries >= max then return {3, 0, redis.call('PTTL', KEYS[1])} end
if digest == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {0, 0, 0}
end
tries = redis.call('HINCRBY', KEYS[1], 'a', 1)
if tries >= max then return {3, 0, redis.call('PTTL', KEYS[1])} end
return {1, max - tries, 0}
`)

func (o *OTPs) Verify(ctx context.Context, phone identity.Phone, digest string, maxAttempts int) (auth.OTPCheck, error) {
	res, err := verifyOTP.Run(ctx, o.rdb, []string{otpKey(phone)}, digest, maxAttempts).Int64Slice()
	if err != nil {
		return auth.OTPCheck{}, storeErr("verify otp", err)
	}
	return auth.OTPCheck{
		Verdict:      identity.OTPVerdict(res[0]),
		AttemptsLeft: int(res[1]),
		LockedFor:    time.Duration(max(res[2], 0)) * time.Millisecond,
	}, nil
}
