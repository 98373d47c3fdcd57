package idempotency_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/test/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// booking is a use case's work: it counts its runs and answers 201 with
// the run number, so a replay is told apart from a second run.
type booking struct {
	runs  atomic.Int32
	delay time.Duration
}

func (b *booking) work(context.Context) (idempotency.Response, error) {
	n := b.runs.Add(1)
	time.Sleep(b.delay)
	return idempotency.Response{
		Status: 201,
		Header: map[string]string{"Content-Type": "application/json", "Location": fmt.Sprintf("/v1/bookings/b%d", n)},
		Body:   fmt.Appendf(nil, `{"id":"b%d"}`, n),
	}, nil
}

func holdRef(user, key string) idempotency.Ref {
	return idempotency.Ref{Scope: idempotency.Scope{UserID: user, Operation: "createHold"}, Key: idempotency.Key(key)}
}

// newUser keeps tests that share a real Redis from sharing keys.
func newUser() string { return "u-" + rand.Text() }

func holdFingerprint(body string) idempotency.Fingerprint {
	return idempotency.FingerprintOf(idempotency.Request{
		Method: "POST", Route: "/v1/slots/{slotId}/holds", Params: map[string]string{"slotId": "s1"}, Body: []byte(body),
	})
}

func newGuard(t *testing.T, o idempotency.Options) *idempotency.Guard {
	rdb, _ := testenv.Redis(t)
	return idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quiet, o)
}

// A parent's app retries a hold 50 times at once (flaky network, double
// taps): one hold is made, and every request gets its answer.
func TestFiftyConcurrentRetriesMakeOneHold(t *testing.T) {
	g := newGuard(t, idempotency.Options{})
	b := &booking{delay: 50 * time.Millisecond}
	ref, fp := holdRef(newUser(), "k-50"), holdFingerprint(`{"childId":"c1"}`)
	var replayed atomic.Int32
	bodies := make([]string, 50)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() {
			out, err := g.Do(context.Background(), ref, fp, b.work)
			if err != nil {
				t.Error(err)
				return
			}
			if out.Replayed {
				replayed.Add(1)
			}
			bodies[i] = fmt.Sprintf("%d %s %s", out.Response.Status, out.Response.Header["Location"], out.Response.Body)
		})
	}
	wg.Wait()
	if n := b.runs.Load(); n != 1 {
		t.Fatalf("the hold was made %d times; want once", n)
	}
	if n := replayed.Load(); n != 49 {
		t.Errorf("%d of 50 responses were replays; want 49", n)
	}
	for i, got := range bodies {
		if got != bodies[0] {
			t.Errorf("response %d = %q, want %q like the first", i, got, bodies[0])
		}
	}
}

func TestTheSameKeyForAnotherRequestIsRefused(t *testing.T) {
	g := newGuard(t, idempotency.Options{})
	b := &booking{}
	ref := holdRef(newUser(), "k-reuse")
	if _, err := g.Do(context.Background(), ref, holdFingerprint(`{"childId":"c1"}`), b.work); err != nil {
		t.Fatal(err)
	}
	_, err := g.Do(context.Background(), ref, holdFingerprint(`{"childId":"c2"}`), b.work)
	if !fault.Is(err, idempotency.ErrKeyReused) {
		t.Fatalf("another body with the same key: %v, want idempotency_key_reused", err)
	}
	if b.runs.Load() != 1 {
		t.Fatal("the refused request ran")
	}
}

// Keys are scoped by user and operation: the same UUID from two phones, or
// on two operations, are two keys.
func TestKeysOfDifferentUsersAndOperationsAreIndependent(t *testing.T) {
	g := newGuard(t, idempotency.Options{})
	b := &booking{}
	fp := holdFingerprint(`{"childId":"c1"}`)
	mother, father := holdRef(newUser(), "same-key"), holdRef(newUser(), "same-key")
	other := mother
	other.Scope.Operation = "createOrder"
	for _, ref := range []idempotency.Ref{mother, father, other} {
		out, err := g.Do(context.Background(), ref, fp, b.work)
		if err != nil || out.Replayed {
			t.Fatalf("%+v: %+v, %v; want a fresh run", ref.Scope, out, err)
		}
	}
	if n := b.runs.Load(); n != 3 {
		t.Fatalf("%d runs, want 3", n)
	}
	if _, err := g.Do(context.Background(), holdRef("", "k"), fp, b.work); !fault.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("a key without a user: %v", err)
	}
}

// A 5xx, an error or a panic is not the answer to the request: the key
// is released and the retry runs again. A 4xx is the answer.
func TestAFailedFirstAttemptLetsTheRetryRun(t *testing.T) {
	g := newGuard(t, idempotency.Options{})
	ctx, fp := context.Background(), holdFingerprint(`{}`)
	fails := map[string]func(context.Context) (idempotency.Response, error){
		"5xx": func(context.Context) (idempotency.Response, error) { return idempotency.Response{Status: 503}, nil },
		"error": func(context.Context) (idempotency.Response, error) {
			return idempotency.Response{}, errors.New("mongo down")
		},
		"panic": func(context.Context) (idempotency.Response, error) { panic("bug") },
		"429":   func(context.Context) (idempotency.Response, error) { return idempotency.Response{Status: 429}, nil },
	}
	for name, fail := range fails {
		t.Run(name, func(t *testing.T) {
			ref := holdRef(newUser(), "k-"+name)
			func() {
				defer func() { _ = recover() }()
				_, _ = g.Do(ctx, ref, fp, fail)
			}()
			b := &booking{}
			out, err := g.Do(ctx, ref, fp, b.work)
			if err != nil || out.Replayed || b.runs.Load() != 1 {
				t.Fatalf("retry after %s: %+v, %v, runs %d; want a fresh run", name, out, err, b.runs.Load())
			}
		})
	}
	t.Run("4xx is kept", func(t *testing.T) {
		ref := holdRef(newUser(), "k-422")
		full := func(context.Context) (idempotency.Response, error) {
			return idempotency.Response{Status: 409, Body: []byte(`{"code":"slot_full"}`)}, nil
		}
		if _, err := g.Do(ctx, ref, fp, full); err != nil {
			t.Fatal(err)
		}
		b := &booking{}
		out, err := g.Do(ctx, ref, fp, b.work)
		if err != nil || !out.Replayed || out.Response.Status != 409 || b.runs.Load() != 0 {
			t.Fatalf("retry after a 409: %+v, %v, runs %d; want the 409 replayed", out, err, b.runs.Load())
		}
	})
}

// A retry that arrives while the first is still running waits for it; past
// the wait it is told to come back later.
func TestARetryDuringALongFirstAttemptGetsInProgress(t *testing.T) {
	g := newGuard(t, idempotency.Options{Wait: 200 * time.Millisecond, Lease: 300 * time.Millisecond})
	ref, fp := holdRef(newUser(), "k-slow"), holdFingerprint(`{}`)
	release, started := make(chan struct{}), make(chan struct{})
	first := make(chan idempotency.Outcome)
	go func() {
		out, _ := g.Do(context.Background(), ref, fp, func(ctx context.Context) (idempotency.Response, error) {
			close(started)
			<-release // longer than the lease: it must be renewed
			return idempotency.Response{Status: 201, Body: []byte("first")}, nil
		})
		first <- out
	}()
	<-started
	time.Sleep(time.Second) // three leases
	b := &booking{}
	start := time.Now()
	_, err := g.Do(context.Background(), ref, fp, b.work)
	fe, _ := fault.As(err)
	if !fault.Is(err, idempotency.ErrInProgress) || fe.RetryAfter <= 0 {
		t.Fatalf("retry during the first: %v; want idempotency_key_in_progress with Retry-After", err)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("gave up after %s; want the 200ms wait", waited)
	}
	if _, err := g.Do(context.Background(), ref, holdFingerprint(`{"other":1}`), b.work); !fault.Is(err, idempotency.ErrKeyReused) {
		t.Errorf("another body during the first: %v; want idempotency_key_reused", err)
	}
	close(release)
	<-first
	out, err := g.Do(context.Background(), ref, fp, b.work)
	if err != nil || !out.Replayed || string(out.Response.Body) != "first" || b.runs.Load() != 0 {
		t.Fatalf("after the first finished: %+v, %v; want its response replayed", out, err)
	}
}

// An attempt whose process died holds the key only until its lease lapses.
func TestAClaimOfADeadProcessLapses(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	store := redis.NewIdempotencyKeys(rdb)
	ref, fp := holdRef(newUser(), "k-dead"), holdFingerprint(`{}`)
	dead := idempotency.Attempt{Ref: ref, Fingerprint: fp, Token: "dead"}
	if ok, _, err := store.Claim(context.Background(), dead, 200*time.Millisecond); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	g := idempotency.NewGuard(store, quiet, idempotency.Options{Wait: 2 * time.Second})
	b := &booking{}
	out, err := g.Do(context.Background(), ref, fp, b.work)
	if err != nil || out.Replayed || b.runs.Load() != 1 {
		t.Fatalf("after the lease lapsed: %+v, %v; want a fresh run", out, err)
	}
	// The dead attempt, should it wake, cannot overwrite nor release it.
	if ok, _ := store.Complete(context.Background(), dead, idempotency.Response{Status: 201}, time.Hour); ok {
		t.Error("a lapsed attempt completed a key another attempt holds")
	}
	if ok, _ := store.Release(context.Background(), dead); ok {
		t.Error("a lapsed attempt released a key another attempt holds")
	}
	if rec, _ := store.Get(context.Background(), ref); rec.State != idempotency.Done || string(rec.Response.Body) != `{"id":"b1"}` {
		t.Errorf("record = %+v; want the live attempt's response", rec)
	}
}

// Keys live 24 h: after that the same key makes a new hold.
func TestKeysExpireAfter24Hours(t *testing.T) {
	rdb, mini := testenv.Redis(t)
	if mini == nil {
		t.Skip("needs the embedded clock")
	}
	g := idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quiet, idempotency.Options{})
	b := &booking{}
	ref, fp := holdRef(newUser(), "k-ttl"), holdFingerprint(`{}`)
	_, _ = g.Do(context.Background(), ref, fp, b.work)
	mini.FastForward(23 * time.Hour)
	if out, _ := g.Do(context.Background(), ref, fp, b.work); !out.Replayed {
		t.Fatal("replay within 24 h ran again")
	}
	mini.FastForward(24*time.Hour + time.Second)
	out, err := g.Do(context.Background(), ref, fp, b.work)
	if err != nil || out.Replayed || b.runs.Load() != 2 {
		t.Fatalf("after 24 h: %+v, %v, runs %d; want a fresh run", out, err, b.runs.Load())
	}
}

// Without Redis nothing runs unguarded, and the client is told to come
// back (503 store_unavailable with Retry-After), not that it erred.
func TestAnUnreachableStoreRefusesRatherThanRunsTwice(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	g := idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quiet, idempotency.Options{})
	b := &booking{}
	_, err := g.Do(context.Background(), holdRef(newUser(), "k"), holdFingerprint(`{}`), b.work)
	if fe, ok := fault.As(err); !ok || !fault.Is(err, fault.ErrStoreUnavailable) || fe.RetryAfter <= 0 || b.runs.Load() != 0 {
		t.Fatalf("err %v, runs %d; want store_unavailable with a Retry-After and no run", err, b.runs.Load())
	}
}
