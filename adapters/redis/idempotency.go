package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/idempotency"
)

// IdempotencyKeys implements idempotency.Store: one hash per (user,
// operation, key) holding the request's fingerprint and, while an attempt
// runs, its token (t) under a lease; once done, the response's status
// (s), headers (h, JSON) and body (b) for the key's TTL. Every change is
// one script on one key, so it is atomic; keys carry the user as hash tag
// ({u:ID}) so one user's records share a Redis Cluster slot.
type IdempotencyKeys struct{ rdb goredis.Cmdable }

func NewIdempotencyKeys(rdb goredis.Cmdable) *IdempotencyKeys { return &IdempotencyKeys{rdb: rdb} }

// idempotencyKey hashes the client's key: it may be 255 characters of
// anything visible, braces included, and has no business in key names.
func idempotencyKey(ref idempotency.Ref) string {
	sum := sha256.Sum256([]byte(ref.Key))
	return "idem:{u:" + ref.Scope.UserID + "}:" + ref.Scope.Operation + ":" + hex.EncodeToString(sum[:])
}

// claimIdempotency takes an absent key for ARGV[2] (token) with fingerprint
// ARGV[1] for ARGV[3] ms, or returns what it found: {0, f, s, h, b}.
var claimIdempotency = goredis.NewScript(`
local found = redis.call('HMGET', KEYS[1], 'f', 's', 'h', 'b')
if not found[1] then
  redis.call('HSET', KEYS[1], 'f', ARGV[1], 't', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1}
end
return {0, found[1], found[2], found[3], found[4]}
`)

// extendIdempotency renews the lease of the claim held by token ARGV[1].
var extendIdempotency = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// releaseIdempotency drops the claim held by token ARGV[1].
var releaseIdempotency = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`)

// completeIdempotency stores the response if token ARGV[1] holds the
// claim, or if nobody does: when the lease lapsed unnoticed and no one
// took the key since, the work did run, so its response is the record.
var completeIdempotency = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'f', ARGV[2], 's', ARGV[3], 'h', ARGV[4], 'b', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`)

func (s *IdempotencyKeys) Claim(ctx context.Context, a idempotency.Attempt, lease time.Duration) (bool, idempotency.Record, error) {
	res, err := claimIdempotency.Run(ctx, s.rdb, []string{idempotencyKey(a.Ref)},
		string(a.Fingerprint), a.Token, lease.Milliseconds()).Slice()
	if err != nil {
		return false, idempotency.Record{}, storeErr("claim idempotency key", err)
	}
	if n, _ := res[0].(int64); n == 1 {
		return true, idempotency.Record{}, nil
	}
	rec, err := idempotencyRecord(res[1:])
	return false, rec, err
}

func (s *IdempotencyKeys) Get(ctx context.Context, ref idempotency.Ref) (idempotency.Record, error) {
	res, err := s.rdb.HMGet(ctx, idempotencyKey(ref), "f", "s", "h", "b").Result()
	if err != nil {
		return idempotency.Record{}, storeErr("read idempotency key", err)
	}
	return idempotencyRecord(res)
}

func (s *IdempotencyKeys) Extend(ctx context.Context, a idempotency.Attempt, lease time.Duration) (bool, error) {
	n, err := extendIdempotency.Run(ctx, s.rdb, []string{idempotencyKey(a.Ref)}, a.Token, lease.Milliseconds()).Int()
	if err != nil {
		return false, storeErr("extend idempotency lease", err)
	}
	return n == 1, nil
}

func (s *IdempotencyKeys) Complete(ctx context.Context, a idempotency.Attempt, r idempotency.Response, ttl time.Duration) (bool, error) {
	header, err := json.Marshal(r.Header)
	if err != nil {
		return false, fmt.Errorf("redis: encode idempotent response: %w", err)
	}
	n, err := completeIdempotency.Run(ctx, s.rdb, []string{idempotencyKey(a.Ref)},
		a.Token, string(a.Fingerprint), r.Status, header, r.Body, ttl.Milliseconds()).Int()
	if err != nil {
		return false, storeErr("store idempotent response", err)
	}
	return n == 1, nil
}

func (s *IdempotencyKeys) Release(ctx context.Context, a idempotency.Attempt) (bool, error) {
	n, err := releaseIdempotency.Run(ctx, s.rdb, []string{idempotencyKey(a.Ref)}, a.Token).Int()
	if err != nil {
		return false, storeErr("release idempotency key", err)
	}
	return n == 1, nil
}

var errBadIdempotencyRecord = errors.New("redis: malformed idempotency record")

// idempotencyRecord reads the fields f, s, h, b (nil when absent).
func idempotencyRecord(v []any) (idempotency.Record, error) {
	if len(v) != 4 {
		return idempotency.Record{}, errBadIdempotencyRecord
	}
	f, _ := v[0].(string)
	if f == "" {
		return idempotency.Record{State: idempotency.Absent}, nil
	}
	rec := idempotency.Record{State: idempotency.Running, Fingerprint: idempotency.Fingerprint(f)}
	status, ok := v[1].(string)
	if !ok {
		return rec, nil
	}
	code, err := strconv.Atoi(status)
	if err != nil {
		return idempotency.Record{}, fmt.Errorf("%w: status %q", errBadIdempotencyRecord, status)
	}
	header, _ := v[2].(string)
	body, _ := v[3].(string)
	resp := idempotency.Response{Status: code, Body: []byte(body)}
	if header != "" {
		if err := json.Unmarshal([]byte(header), &resp.Header); err != nil {
			return idempotency.Record{}, fmt.Errorf("%w: headers: %v", errBadIdempotencyRecord, err)
		}
	}
	rec.State, rec.Response = idempotency.Done, resp
	return rec, nil
}
