package redis_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/test/testenv"
)

// Only the attempt holding a claim may renew, complete or release it, and
// a completed key answers with the response byte for byte.
func TestIdempotencyClaimBelongsToItsToken(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	store, ctx := redis.NewIdempotencyKeys(rdb), context.Background()
	user := "u-" + rand.Text()
	ref := idempotency.Ref{Scope: idempotency.Scope{UserID: user, Operation: "createOrder"}, Key: "{weird} key-1"}
	mine := idempotency.Attempt{Ref: ref, Fingerprint: "fp1", Token: "mine"}
	theirs := mine
	theirs.Token = "theirs"

	if ok, _, err := store.Claim(ctx, mine, time.Minute); !ok || err != nil {
		t.Fatalf("first claim: %v, %v", ok, err)
	}
	ok, found, err := store.Claim(ctx, theirs, time.Minute)
	if ok || err != nil || found.State != idempotency.Running || found.Fingerprint != "fp1" {
		t.Fatalf("second claim: %v, %+v, %v; want the running record", ok, found, err)
	}
	for name, step := range map[string]func() (bool, error){
		"extend":   func() (bool, error) { return store.Extend(ctx, theirs, time.Minute) },
		"complete": func() (bool, error) { return store.Complete(ctx, theirs, idempotency.Response{Status: 201}, time.Hour) },
		"release":  func() (bool, error) { return store.Release(ctx, theirs) },
	} {
		if ok, err := step(); ok || err != nil {
			t.Errorf("%s with another token: %v, %v; want refused", name, ok, err)
		}
	}
	if ok, err := store.Extend(ctx, mine, time.Minute); !ok || err != nil {
		t.Fatalf("extend: %v, %v", ok, err)
	}
	resp := idempotency.Response{
		Status: 201,
		Header: map[string]string{"Content-Type": "application/json", "Location": "/v1/orders/o1"},
		Body:   []byte("{\"id\":\"o1\",\"note\":\"助浴\"}\x00\xff"),
	}
	if ok, err := store.Complete(ctx, mine, resp, time.Hour); !ok || err != nil {
		t.Fatalf("complete: %v, %v", ok, err)
	}
	rec, err := store.Get(ctx, ref)
	if err != nil || rec.State != idempotency.Done || rec.Fingerprint != "fp1" || rec.Response.Status != 201 ||
		string(rec.Response.Body) != string(resp.Body) || rec.Response.Header["Location"] != "/v1/orders/o1" {
		t.Fatalf("record = %+v, %v; want the stored response", rec, err)
	}
	// Once done, the claim is gone: nobody renews or releases it.
	if ok, _ := store.Release(ctx, mine); ok {
		t.Error("released a completed key")
	}
	if ttl := rdb.PTTL(ctx, keyOf(t, rdb, user)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("ttl %s, want the hour Complete gave", ttl)
	}
}

// keyOf finds the user's one record and checks it is hash-tagged by the
// user, so that one user's records share a Redis Cluster slot.
func keyOf(t *testing.T, rdb goredis.UniversalClient, user string) string {
	t.Helper()
	keys := testenv.Keys(t, rdb, "idem:{u:"+user+"}:*")
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "idem:{u:"+user+"}:createOrder:") {
		t.Fatalf("keys %v; want one idem:{u:%s}:createOrder:… key", keys, user)
	}
	return keys[0]
}
