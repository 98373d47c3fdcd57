package idempotency

import (
	"context"
	crand "crypto/rand"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Defaults of Options: invariant 4's 24 h, a lease a live attempt renews
// long before it lapses, and a wait shorter than the HTTP write timeout.
const (
	DefaultTTL   = 24 * time.Hour
	DefaultLease = 15 * time.Second
	DefaultWait  = 10 * time.Second
)

// Options tune a Guard; zero values take the defaults.
type Options struct {
	// TTL is how long a stored response is replayed.
	TTL time.Duration
	// Lease is how long a claim outlives an attempt that stopped renewing
	// it (its process died): after that a retry runs again.
	Lease time.Duration
	// Wait is how long a request waits for the first attempt with its
	// key before it is told to come back (ErrInProgress).
	Wait time.Duration
}

// Retry-After of ErrInProgress, and the bounds of the polling backoff.
const (
	retryInProgress = time.Second
	firstPoll       = 10 * time.Millisecond
	maxPoll         = 250 * time.Millisecond
	storeTimeout    = 5 * time.Second
)

// Guard runs work once per key.
type Guard struct {
	store Store
	log   *slog.Logger
	o     Options
}

func NewGuard(store Store, log *slog.Logger, o Options) *Guard {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	return &Guard{store: store, log: log, o: o}
}

// Outcome is what a guarded request answers.
type Outcome struct {
	Response Response
	// Replayed is true when Response is the stored answer of an earlier
	// request with the key.
	Replayed bool
}

// Do runs work unless a request with the same ref already did:
//
//   - the first request claims the key, runs work, and stores a Storable
//     response; a failed attempt (error, 5xx, panic) releases the key so
//     that a retry runs again;
//   - a later request with the same fingerprint gets the stored response,
//     waiting up to Options.Wait while the first is still running, and
//     ErrInProgress after that;
//   - a request with another fingerprint gets ErrKeyReused.
//
// When the store cannot be reached Do fails with fault.ErrUnavailable
// (or the store's own fault.ErrStoreUnavailable, which tells the client
// when to retry) rather than run work unguarded.
func (g *Guard) Do(ctx context.Context, ref Ref, fp Fingerprint, work func(context.Context) (Response, error)) (Outcome, error) {
	if ref.Scope.UserID == "" || ref.Scope.Operation == "" {
		// An unscoped key would be shared by everyone who sent it.
		return Outcome{}, fault.ErrUnauthenticated
	}
	a := Attempt{Ref: ref, Fingerprint: fp, Token: crand.Text()}
	deadline := time.Now().Add(g.o.Wait)
	pause := firstPoll
	var rec Record
	for {
		if rec.State == Absent {
			claimed, found, err := g.store.Claim(ctx, a, g.o.Lease)
			if err != nil {
				return Outcome{}, unreachable(err)
			}
			if claimed {
				return g.run(ctx, a, work)
			}
			rec = found
		}
		if rec.Fingerprint != fp {
			return Outcome{}, ErrKeyReused
		}
		if rec.State == Done {
			return Outcome{Response: rec.Response, Replayed: true}, nil
		}
		if !time.Now().Before(deadline) {
			return Outcome{}, ErrInProgress.Retry(retryInProgress)
		}
		if err := sleep(ctx, min(jitter(pause), time.Until(deadline))); err != nil {
			return Outcome{}, err
		}
		pause = min(2*pause, maxPoll)
		var err error
		if rec, err = g.store.Get(ctx, ref); err != nil {
			return Outcome{}, unreachable(err)
		}
	}
}

// run does the claimed work, renewing the lease meanwhile, then stores
// or releases. Neither step may be skipped because the caller's context
// ended: a dangling claim blocks the key until its lease lapses.
func (g *Guard) run(ctx context.Context, a Attempt, work func(context.Context) (Response, error)) (Outcome, error) {
	stop := g.keepAlive(ctx, a)
	settled := false
	defer func() {
		stop()
		if !settled { // work panicked
			g.release(ctx, a)
		}
	}()
	resp, err := work(ctx)
	stop()
	settled = true
	if err != nil || !resp.Storable() {
		g.release(ctx, a)
		return Outcome{Response: resp}, err
	}
	g.complete(ctx, a, resp)
	return Outcome{Response: resp}, nil
}

// keepAlive renews the lease at a third of its length until stopped, so
// that only an attempt whose process died loses its claim. stop waits for
// the renewer to finish and may be called more than once.
func (g *Guard) keepAlive(ctx context.Context, a Attempt) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(max(g.o.Lease/3, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				c, cancel := context.WithTimeout(detached(ctx), storeTimeout)
				ok, err := g.store.Extend(c, a, g.o.Lease)
				cancel()
				if err != nil {
					g.log.WarnContext(ctx, "idempotency: lease not renewed", "operation", a.Ref.Scope.Operation, "err", err)
				} else if !ok {
					g.log.WarnContext(ctx, "idempotency: claim lost while running", "operation", a.Ref.Scope.Operation)
					return
				}
			}
		}
	}()
	stopped := false
	return func() {
		if !stopped {
			stopped = true
			close(done)
			<-exited
		}
	}
}

func (g *Guard) complete(ctx context.Context, a Attempt, r Response) {
	c, cancel := context.WithTimeout(detached(ctx), storeTimeout)
	defer cancel()
	ok, err := g.store.Complete(c, a, r.clone(), g.o.TTL)
	switch {
	case err != nil:
		// The client still gets its answer; a retry after the lease
		// lapses runs again, as it would had this process died.
		g.log.ErrorContext(ctx, "idempotency: response not stored", "operation", a.Ref.Scope.Operation, "err", err)
	case !ok:
		g.log.WarnContext(ctx, "idempotency: claim lapsed before the response was stored", "operation", a.Ref.Scope.Operation)
	}
}

func (g *Guard) release(ctx context.Context, a Attempt) {
	c, cancel := context.WithTimeout(detached(ctx), storeTimeout)
	defer cancel()
	if _, err := g.store.Release(c, a); err != nil {
		g.log.WarnContext(ctx, "idempotency: claim not released; it lapses with its lease", "operation", a.Ref.Scope.Operation, "err", err)
	}
}

func detached(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// jitter spreads waiters' polls over [d/2, d).
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// unreachable is the store failing: the store's own unavailable fault
// when it said what happened (store_unavailable, with Retry-After), else
// fault.ErrUnavailable.
func unreachable(err error) error {
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Unavailable {
		return err
	}
	return fault.ErrUnavailable.Wrap(err)
}
