package redis_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/rediscluster"
	"github.com/kincare/kincare/test/testenv"
)

// engine is a reservation engine on a test Redis, with the clock the
// tests pass in: expiry is decided by the caller's now, so tests move it
// instead of waiting. It starts at the wall clock because the keys'
// own TTLs (an hour past a hold's expiry, the slot's ForgetAt) follow
// the server's.
type engine struct {
	t    *testing.T
	ctx  context.Context
	eng  *redis.Reservations
	rdb  goredis.UniversalClient
	mini *embedded.Redis
	now  time.Time
}

func newEngine(t *testing.T) *engine {
	rdb, mini := testenv.Redis(t)
	return &engine{t: t, ctx: context.Background(), eng: redis.NewReservations(rdb, t.Name()), rdb: rdb, mini: mini,
		now: time.Now().UTC().Truncate(time.Millisecond)}
}

// onCluster says whether the test's Redis is a cluster: CI runs this
// suite against a shared one too (REDIS_CLUSTER_ADDRS), where other
// tests flush the scripts and a node the warm-up did not reach answers
// NOSCRIPT first, as on a new cluster, so round trips are not counted.
func (e *engine) onCluster() bool {
	_, ok := e.rdb.(*goredis.ClusterClient)
	return ok
}

var uniqueSeq atomic.Int64

// unique names slots and users apart from other tests (and test
// binaries) sharing a real Redis. No "_": it joins a hold id's parts.
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano(), uniqueSeq.Add(1))
}

// slot is synced at version 1 with capacity total (quota of them 普惠),
// holds of 10 minutes, two per user, closing in a day.
func (e *engine) slot(total, quota int) reservations.SlotState {
	e.t.Helper()
	st := reservations.SlotState{
		SlotID: unique("slot"), Version: 1,
		Capacity: reservation.Capacity{Total: total, InclusiveQuota: quota},
		Rules: reservation.Rules{HoldTTL: 10 * time.Minute, MaxHoldsPerUser: 2,
			HoldsCloseAt: e.now.Add(24 * time.Hour)},
		ForgetAt: e.now.Add(48 * time.Hour),
	}
	e.sync(st)
	return st
}

func (e *engine) sync(st reservations.SlotState) {
	e.t.Helper()
	if err := e.eng.Sync(e.ctx, st); err != nil {
		e.t.Fatal(err)
	}
}

func (e *engine) request(slotID, userID string, tier reservation.Tier) reservations.HoldRequest {
	return reservations.HoldRequest{HoldID: reservation.HoldID(slotID, unique("h")), SlotID: slotID,
		UserID: userID, Tier: tier, Fingerprint: string(tier), Now: e.now}
}

// hold takes a fresh hold and fails the test unless it is granted.
func (e *engine) hold(slotID, userID string, tier reservation.Tier) reservation.Hold {
	e.t.Helper()
	res, err := e.eng.Hold(e.ctx, e.request(slotID, userID, tier))
	if err != nil || res.Replayed || res.Hold.Status != reservation.Held {
		e.t.Fatalf("hold %s for %s: %+v, %v", tier, userID, res, err)
	}
	return res.Hold
}

// refused tries a fresh hold and fails the test unless it gets want.
func (e *engine) refused(req reservations.HoldRequest, want error) {
	e.t.Helper()
	if res, err := e.eng.Hold(e.ctx, req); !errors.Is(err, want) {
		e.t.Fatalf("hold %s for %s: %+v, %v; want %v", req.Tier, req.UserID, res, err, want)
	}
}

func (e *engine) remaining(slotID string) reservations.Remaining {
	e.t.Helper()
	rs, err := e.eng.Remaining(e.ctx, []string{slotID}, e.now)
	if err != nil || len(rs) != 1 {
		e.t.Fatalf("remaining: %v, %v", rs, err)
	}
	return rs[0]
}

func (e *engine) lookup(holdID string) reservation.Hold {
	e.t.Helper()
	h, ok, err := e.eng.Lookup(e.ctx, holdID, e.now)
	if err != nil || !ok {
		e.t.Fatalf("lookup %s: %+v, %v, %v", holdID, h, ok, err)
	}
	return h
}

// lose drops everything Redis knows of a slot, as a restart without
// persistence or a FLUSHALL would; on a shared server only the slot's
// keys go, so other tests keep theirs.
func (e *engine) lose(slotID string) {
	e.t.Helper()
	if e.mini != nil {
		if err := e.rdb.FlushAll(e.ctx).Err(); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	testenv.DeleteKeys(e.t, e.rdb, "kc:{slot:"+slotID+"}:*")
}

func TestHoldIsGrantedOnceAndReplayedUnderItsID(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	mother := unique("mother")
	req := e.request(st.SlotID, mother, reservation.Market)
	first, err := e.eng.Hold(e.ctx, req)
	if err != nil || first.Replayed {
		t.Fatalf("first hold: %+v, %v", first, err)
	}
	want := reservation.Hold{ID: req.HoldID, SlotID: st.SlotID, UserID: mother, Tier: reservation.Market,
		ExpiresAt: e.now.Add(10 * time.Minute), Status: reservation.Held}
	if first.Hold != want {
		t.Fatalf("granted %+v; want %+v", first.Hold, want)
	}
	// go-redis retrying the script after a timeout, or the parent's app
	// retrying the request, finds the same hold and takes nothing more.
	for range 3 {
		again, err := e.eng.Hold(e.ctx, req)
		if err != nil || !again.Replayed || again.Hold != want {
			t.Fatalf("replay: %+v, %v", again, err)
		}
	}
	if r := e.remaining(st.SlotID); r.Market != 1 || r.Inclusive != 1 {
		t.Fatalf("after one hold and its replays: %+v; want 1 market, 1 inclusive left", r)
	}
	other := req
	other.Tier, other.Fingerprint = reservation.Inclusive, string(reservation.Inclusive)
	e.refused(other, reservations.ErrFingerprintMismatch)
	// A replay of a lapsed hold says so instead of granting it again.
	req.Now = e.now.Add(11 * time.Minute)
	if again, err := e.eng.Hold(e.ctx, req); err != nil || !again.Replayed || again.Hold.Status != reservation.Expired {
		t.Fatalf("replay after expiry: %+v, %v", again, err)
	}
}

func TestHoldOnAnUnknownSlotAsksForItsState(t *testing.T) {
	e := newEngine(t)
	e.refused(e.request(unique("slot"), unique("mother"), reservation.Market), reservations.ErrStateMissing)
}

// Invariant 1 in Redis: capacity 3 with a 普惠 quota of 1 is two market
// units and one 普惠; market demand cannot take the 普惠 place.
func TestTierPoolsAreKeptApart(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	e.hold(st.SlotID, unique("a"), reservation.Market)
	e.hold(st.SlotID, unique("b"), reservation.Market)
	e.refused(e.request(st.SlotID, unique("c"), reservation.Market), reservation.ErrSlotFull)
	e.hold(st.SlotID, unique("c"), reservation.Inclusive)
	e.refused(e.request(st.SlotID, unique("d"), reservation.Inclusive), reservation.ErrSlotFull)
	if r := e.remaining(st.SlotID); !r.Known || r.Market != 0 || r.Inclusive != 0 {
		t.Fatalf("remaining %+v; want none", r)
	}
}

func TestAnExpiredHoldGivesItsUnitBack(t *testing.T) {
	e := newEngine(t)
	st := e.slot(1, 0)
	first := e.hold(st.SlotID, unique("a"), reservation.Market)
	e.refused(e.request(st.SlotID, unique("b"), reservation.Market), reservation.ErrSlotFull)
	e.now = first.ExpiresAt
	if r := e.remaining(st.SlotID); r.Market != 1 {
		t.Fatalf("remaining at expiry: %+v; want the unit back", r)
	}
	e.hold(st.SlotID, unique("b"), reservation.Market)
	if h := e.lookup(first.ID); h.Status != reservation.Expired {
		t.Fatalf("lapsed hold: %+v", h)
	}
	if _, err := e.eng.Claim(e.ctx, first.ID, first.UserID, e.now, time.Minute); !errors.Is(err, reservation.ErrHoldExpired) {
		t.Fatalf("claiming a lapsed hold: %v", err)
	}
}

func TestOneUserHoldsAtMostTheCapOnASlot(t *testing.T) {
	e := newEngine(t)
	st := e.slot(10, 0)
	twinsMother := unique("mother")
	first := e.hold(st.SlotID, twinsMother, reservation.Market)
	e.hold(st.SlotID, twinsMother, reservation.Market)
	e.refused(e.request(st.SlotID, twinsMother, reservation.Market), reservation.ErrHoldLimit)
	if _, err := e.eng.Release(e.ctx, first.ID, twinsMother, e.now); err != nil {
		t.Fatal(err)
	}
	e.hold(st.SlotID, twinsMother, reservation.Market)
	e.refused(e.request(st.SlotID, twinsMother, reservation.Market), reservation.ErrHoldLimit)
	e.hold(st.SlotID, unique("other"), reservation.Market)
}

// Invariant 2: one user holds at most N at once per slot kind, across
// slots; a refused hold leaves no trace, and a replayed one is not
// counted twice.
func TestOneUserHoldsAtMostTheKindCapAcrossSlots(t *testing.T) {
	e := newEngine(t)
	mother := unique("mother")
	slots := []string{e.slot(5, 0).SlotID, e.slot(5, 0).SlotID, e.slot(5, 0).SlotID}
	kinded := func(slotID string) reservations.HoldRequest {
		r := e.request(slotID, mother, reservation.Market)
		r.Kind, r.KindLimit = "childcare_offering", 2
		return r
	}
	a, b, c := kinded(slots[0]), kinded(slots[1]), kinded(slots[2])
	for _, r := range []reservations.HoldRequest{a, b} {
		if _, err := e.eng.Hold(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	e.refused(c, reservation.ErrHoldLimit)
	if _, ok, _ := e.eng.Lookup(e.ctx, c.HoldID, e.now); ok {
		t.Fatal("the hold refused by the kind cap was kept")
	}
	if r := e.remaining(slots[2]); r.Market != 5 {
		t.Fatalf("the refused hold took a unit: %+v", r)
	}
	if res, err := e.eng.Hold(e.ctx, a); err != nil || !res.Replayed {
		t.Fatalf("a replay at the kind cap: %+v, %v", res, err)
	}
	// Another kind has its own cap.
	other := c
	other.Kind = "parenting_class"
	if _, err := e.eng.Hold(e.ctx, other); err != nil {
		t.Fatal(err)
	}
	// Releasing one frees a place under the cap; the refused id, tried
	// again, is judged afresh.
	if _, err := e.eng.Release(e.ctx, a.HoldID, mother, e.now); err != nil {
		t.Fatal(err)
	}
	c.HoldID = reservation.HoldID(slots[2], unique("h"))
	if res, err := e.eng.Hold(e.ctx, c); err != nil || res.Replayed {
		t.Fatalf("after a release: %+v, %v", res, err)
	}
	d := kinded(slots[0])
	e.refused(d, reservation.ErrHoldLimit)
	// Lapsed holds stop counting.
	e.now = e.now.Add(10 * time.Minute)
	d.Now = e.now
	if _, err := e.eng.Hold(e.ctx, d); err != nil {
		t.Fatalf("after the holds lapsed: %v", err)
	}
}

func TestAClosedSlotTakesNoHolds(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	e.now = st.Rules.HoldsCloseAt
	e.refused(e.request(st.SlotID, unique("late"), reservation.Market), reservation.ErrSlotClosed)
	promoted := e.request(st.SlotID, unique("waiter"), reservation.Market)
	promoted.Promoted = true
	e.refused(promoted, reservation.ErrSlotClosed)
}

// While people wait for a tier, a unit of it that comes free goes to
// them (by promotion), not to whoever asks first.
func TestTheWaitlistGoesFirst(t *testing.T) {
	e := newEngine(t)
	st := e.slot(5, 3)
	st.Version, st.Waiting = 2, map[reservation.Tier]int{reservation.Market: 1}
	e.sync(st)
	e.refused(e.request(st.SlotID, unique("newcomer"), reservation.Market), reservation.ErrSlotFull)
	e.hold(st.SlotID, unique("inclusive"), reservation.Inclusive)
	// A promoted hold passes the waitlist and the user's cap.
	waiter := unique("waiter")
	e.hold(st.SlotID, waiter, reservation.Inclusive)
	e.hold(st.SlotID, waiter, reservation.Inclusive)
	promoted := e.request(st.SlotID, waiter, reservation.Market)
	promoted.Promoted = true
	res, err := e.eng.Hold(e.ctx, promoted)
	if err != nil || !res.Hold.Promoted {
		t.Fatalf("promoted hold: %+v, %v", res, err)
	}
	if r := e.remaining(st.SlotID); r.WaitingM != 1 || r.WaitingInc != 0 || r.Market != 1 || r.Inclusive != 0 {
		t.Fatalf("remaining %+v", r)
	}
}

func TestClaimReleaseAndLookupFollowAHold(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	mother, stranger := unique("mother"), unique("stranger")
	h := e.hold(st.SlotID, mother, reservation.Inclusive)

	// Claiming keeps the hold live for the grace, never shortens it.
	e.now = h.ExpiresAt.Add(-time.Second)
	claimed, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, 30*time.Second)
	if err != nil || claimed.Status != reservation.Held || !claimed.ExpiresAt.Equal(e.now.Add(30*time.Second)) {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	again, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, 10*time.Millisecond)
	if err != nil || again != claimed {
		t.Fatalf("claim again: %+v, %v; want %+v", again, err, claimed)
	}
	e.now = h.ExpiresAt.Add(time.Second)
	if r := e.remaining(st.SlotID); r.Inclusive != 0 {
		t.Fatalf("a claimed hold lapsed at its first expiry: %+v", r)
	}
	if got := e.lookup(h.ID); got != claimed {
		t.Fatalf("lookup %+v; want %+v", got, claimed)
	}

	for _, err := range []error{
		func() error { _, err := e.eng.Claim(e.ctx, h.ID, stranger, e.now, time.Minute); return err }(),
		func() error { _, err := e.eng.Release(e.ctx, h.ID, stranger, e.now); return err }(),
		func() error {
			_, err := e.eng.Claim(e.ctx, reservation.HoldID(st.SlotID, "nope"), mother, e.now, 0)
			return err
		}(),
		func() error { _, err := e.eng.Release(e.ctx, "not-a-hold-id", mother, e.now); return err }(),
	} {
		if !errors.Is(err, reservation.ErrHoldNotFound) {
			t.Fatalf("someone else's or no hold: %v", err)
		}
	}
	if _, ok, err := e.eng.Lookup(e.ctx, reservation.HoldID(st.SlotID, "nope"), e.now); ok || err != nil {
		t.Fatalf("lookup of no hold: %v, %v", ok, err)
	}

	released, err := e.eng.Release(e.ctx, h.ID, mother, e.now)
	if err != nil || released.Status != reservation.Released {
		t.Fatalf("release: %+v, %v", released, err)
	}
	if r := e.remaining(st.SlotID); r.Inclusive != 1 {
		t.Fatalf("released unit not back: %+v", r)
	}
	if again, err := e.eng.Release(e.ctx, h.ID, mother, e.now); err != nil || again != released {
		t.Fatalf("release again: %+v, %v", again, err)
	}
	if _, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, time.Minute); !errors.Is(err, reservation.ErrHoldReleased) {
		t.Fatalf("claiming a released hold: %v", err)
	}
	if got := e.lookup(h.ID); got.Status != reservation.Released {
		t.Fatalf("lookup of a released hold: %+v", got)
	}

	// A lapsed hold may be released; it changes no count.
	lapsed := e.hold(st.SlotID, mother, reservation.Market)
	e.now = lapsed.ExpiresAt
	if got, err := e.eng.Release(e.ctx, lapsed.ID, mother, e.now); err != nil || got.Status != reservation.Released {
		t.Fatalf("releasing a lapsed hold: %+v, %v", got, err)
	}
	if r := e.remaining(st.SlotID); r.Market != 2 || r.Inclusive != 1 {
		t.Fatalf("remaining %+v", r)
	}
}

func TestASeatedHoldIsBooked(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	st.Rules.MaxHoldsPerUser = 1
	st.Version = 2
	e.sync(st)
	mother := unique("mother")
	kinded := e.request(st.SlotID, mother, reservation.Market)
	kinded.Kind, kinded.KindLimit = "childcare_offering", 1
	res, err := e.eng.Hold(e.ctx, kinded)
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hold
	if _, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, time.Minute); err != nil {
		t.Fatal(err)
	}
	st.Version, st.Seated = 3, map[reservation.Tier][]string{reservation.Market: {h.ID}}
	e.sync(st)

	if got, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, time.Minute); err != nil || got.Status != reservation.Booked {
		t.Fatalf("claiming a seated hold: %+v, %v", got, err)
	}
	if _, err := e.eng.Release(e.ctx, h.ID, mother, e.now); !errors.Is(err, reservation.ErrHoldConfirmed) {
		t.Fatalf("releasing a seated hold: %v", err)
	}
	if got := e.lookup(h.ID); got.Status != reservation.Booked {
		t.Fatalf("lookup of a seated hold: %+v", got)
	}
	// The seat counts once, and the hold no longer counts against the
	// user's caps on the slot or on its kind.
	if r := e.remaining(st.SlotID); r.Market != 1 {
		t.Fatalf("remaining %+v; want 1 (the seat counted once)", r)
	}
	e.hold(st.SlotID, mother, reservation.Market)
	elsewhere := e.slot(3, 1)
	next := e.request(elsewhere.SlotID, mother, reservation.Market)
	next.Kind, next.KindLimit = kinded.Kind, 1
	if _, err := e.eng.Hold(e.ctx, next); err != nil {
		t.Fatalf("kind cap after a booking: %v", err)
	}

	// A booking cancelled later leaves the seats; its hold stays booked
	// and cannot be claimed into a second seat.
	st.Version, st.Seated = 4, nil
	e.sync(st)
	if got, err := e.eng.Claim(e.ctx, h.ID, mother, e.now, time.Minute); err != nil || got.Status != reservation.Booked {
		t.Fatalf("claiming the hold of a cancelled booking: %+v, %v", got, err)
	}
	if r := e.remaining(st.SlotID); r.Market != 1 {
		t.Fatalf("remaining %+v; want 1 (a live hold)", r)
	}
}

// A slow writer cannot undo a later one.
func TestSyncIgnoresAnOlderVersion(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	st.Version, st.Capacity = 5, reservation.Capacity{Total: 8, InclusiveQuota: 2}
	e.sync(st)
	older := st
	older.Version, older.Capacity = 4, reservation.Capacity{Total: 1}
	e.sync(older)
	same := st
	same.Capacity = reservation.Capacity{Total: 2}
	e.sync(same)
	if r := e.remaining(st.SlotID); r.Market != 6 || r.Inclusive != 2 {
		t.Fatalf("remaining %+v; want version 5's 6 + 2", r)
	}
	newer := st
	newer.Version, newer.Capacity = 6, reservation.Capacity{Total: 1}
	e.sync(newer)
	if r := e.remaining(st.SlotID); r.Market != 1 || r.Inclusive != 0 {
		t.Fatalf("remaining %+v; want version 6's 1 + 0", r)
	}
}

// Invariant 1 after a FLUSHALL: Redis answers "state missing" until it is
// rebuilt from MongoDB, and the rebuild brings back seats and the holds
// given from the waitlist.
func TestLostStateIsRebuiltFromTheTruth(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 1)
	seated := e.hold(st.SlotID, unique("a"), reservation.Market)
	e.hold(st.SlotID, unique("b"), reservation.Market)
	waiter := unique("waiter")
	promotion := reservation.Promotion{HoldID: reservation.HoldID(st.SlotID, unique("p")), UserID: waiter,
		Tier: reservation.Inclusive, ExpiresAt: e.now.Add(5 * time.Minute)}
	st.Version = 2
	st.Seated = map[reservation.Tier][]string{reservation.Market: {seated.ID}}
	st.Promotions = []reservation.Promotion{promotion}
	e.sync(st)
	if r := e.remaining(st.SlotID); r.Market != 0 || r.Inclusive != 0 {
		t.Fatalf("before the loss: %+v", r)
	}

	e.lose(st.SlotID)
	e.refused(e.request(st.SlotID, unique("c"), reservation.Market), reservations.ErrStateMissing)
	if r := e.remaining(st.SlotID); r.Known {
		t.Fatalf("remaining of a lost slot: %+v", r)
	}
	e.sync(st)
	// The seat and the promotion are back; b's plain hold is lost (minutes
	// of intent, never a booking), so its unit is free.
	if r := e.remaining(st.SlotID); !r.Known || r.Market != 1 || r.Inclusive != 0 {
		t.Fatalf("after the rebuild: %+v", r)
	}
	got := e.lookup(promotion.HoldID)
	want := reservation.Hold{ID: promotion.HoldID, SlotID: st.SlotID, UserID: waiter, Tier: reservation.Inclusive,
		ExpiresAt: promotion.ExpiresAt, Status: reservation.Held, Promoted: true}
	if got != want {
		t.Fatalf("restored promotion %+v; want %+v", got, want)
	}
	if _, err := e.eng.Claim(e.ctx, promotion.HoldID, waiter, e.now, time.Minute); err != nil {
		t.Fatal(err)
	}
	// A promotion its user turned down is not given back by a later sync.
	if _, err := e.eng.Release(e.ctx, promotion.HoldID, waiter, e.now); err != nil {
		t.Fatal(err)
	}
	st.Version = 3
	e.sync(st)
	if got := e.lookup(promotion.HoldID); got.Status != reservation.Released {
		t.Fatalf("a released promotion came back: %+v", got)
	}
	if r := e.remaining(st.SlotID); r.Inclusive != 1 {
		t.Fatalf("remaining %+v", r)
	}
}

// Availability of a week of slots is one round trip, even after the
// server forgot its scripts.
func TestRemainingOfManySlotsIsOneRoundTrip(t *testing.T) {
	e := newEngine(t)
	a, b := e.slot(3, 1), e.slot(5, 0)
	e.hold(a.SlotID, unique("m"), reservation.Inclusive)
	e.hold(b.SlotID, unique("m"), reservation.Market)
	unknown := unique("slot")
	var trips atomic.Int32
	e.rdb.AddHook(countingHook{&trips})
	// A server that does not know the script costs a load and a second
	// pipeline; one that does, a single round trip.
	for _, step := range []struct {
		name     string
		flush    bool
		maxTrips int32
	}{{"cold", false, 3}, {"warm", false, 1}, {"scripts flushed", true, 3}} {
		if step.flush {
			if err := e.rdb.ScriptFlush(e.ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		trips.Store(0)
		got, err := e.eng.Remaining(e.ctx, []string{a.SlotID, unknown, b.SlotID}, e.now)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want := []reservations.Remaining{
			{SlotID: a.SlotID, Known: true, Market: 2, Inclusive: 0},
			{SlotID: unknown},
			{SlotID: b.SlotID, Known: true, Market: 4},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: remaining %+v; want %+v", step.name, got, want)
		}
		if n := trips.Load(); n > step.maxTrips {
			t.Fatalf("%s: %d round trips; want at most %d", step.name, n, step.maxTrips)
		}
	}
}

type countingHook struct{ n *atomic.Int32 }

func (h countingHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h countingHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}

func (h countingHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// Invariant 1 under load: 200 parents, each trying five times (every
// other try a retry of the one before), race for 10 places of which 4 are
// 普惠. Exactly 10 are held, at most 4 of them 普惠; seating them all
// leaves nothing to hold.
func TestConcurrentHoldsNeverOversell(t *testing.T) {
	e := newEngine(t)
	st := e.slot(10, 4)
	var mu sync.Mutex
	granted := map[string]reservation.Hold{}
	var wg sync.WaitGroup
	for g := range 200 {
		tier := reservation.Tiers[g%2]
		user := unique("parent")
		wg.Go(func() {
			var req reservations.HoldRequest
			for try := range 5 {
				if try%2 == 0 {
					req = e.request(st.SlotID, user, tier)
				}
				res, err := e.eng.Hold(e.ctx, req)
				switch {
				case err == nil:
					mu.Lock()
					if prev, ok := granted[res.Hold.ID]; ok && prev != res.Hold {
						t.Errorf("replay %+v differs from %+v", res.Hold, prev)
					}
					granted[res.Hold.ID] = res.Hold
					mu.Unlock()
				case !errors.Is(err, reservation.ErrSlotFull) && !errors.Is(err, reservation.ErrHoldLimit):
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	seated := map[reservation.Tier][]string{}
	for id, h := range granted {
		seated[h.Tier] = append(seated[h.Tier], id)
	}
	if len(granted) != 10 || len(seated[reservation.Inclusive]) > 4 || len(seated[reservation.Market]) > 6 {
		t.Fatalf("granted %d holds (%d 普惠, %d market); want 10, at most 4 普惠",
			len(granted), len(seated[reservation.Inclusive]), len(seated[reservation.Market]))
	}
	st.Version, st.Seated = 2, seated
	e.sync(st)
	if r := e.remaining(st.SlotID); r.Market != 0 || r.Inclusive != 0 {
		t.Fatalf("remaining after seating every hold: %+v", r)
	}
	for _, tier := range reservation.Tiers {
		e.refused(e.request(st.SlotID, unique("late"), tier), reservation.ErrSlotFull)
	}
	e.now = e.now.Add(time.Hour) // holds would have lapsed; seats do not
	for _, tier := range reservation.Tiers {
		e.refused(e.request(st.SlotID, unique("later"), tier), reservation.ErrSlotFull)
	}
}

// Redis keeps nothing of a slot forever: its keys go at ForgetAt, a
// hold's an hour after it lapses, even keys made after the last sync.
func TestEveryKeyOfASlotExpires(t *testing.T) {
	e := newEngine(t)
	st := e.slot(4, 2)
	mother := unique("mother")
	kinded := e.request(st.SlotID, mother, reservation.Inclusive)
	kinded.Kind, kinded.KindLimit = "childcare_offering", 2
	if _, err := e.eng.Hold(e.ctx, kinded); err != nil {
		t.Fatal(err)
	}
	e.hold(st.SlotID, unique("father"), reservation.Market)
	keys := testenv.Keys(e.t, e.rdb, "kc:{slot:"+st.SlotID+"}:*")
	keys = append(keys, "kc:{user:"+mother+"}:holds:childcare_offering")
	if len(keys) < 7 { // m, h, hi, two users' zsets, two holds, the kind's zset
		t.Fatalf("keys %v", keys)
	}
	// miniredis turns the script's expiry instant into a TTL on its own
	// clock and rounds, so a key may read a millisecond over the bound.
	const bound = 48*time.Hour + time.Second
	for _, k := range keys {
		if ttl, err := e.rdb.PTTL(e.ctx, k).Result(); err != nil || ttl <= 0 || ttl > bound {
			t.Errorf("%s: ttl %v, %v", k, ttl, err)
		}
	}
}

// A request that names no kind counts against the kind the slot was
// synced with, and seating the hold frees its place under the cap.
func TestTheSlotsOwnKindCountsWhenTheRequestNamesNone(t *testing.T) {
	e := newEngine(t)
	mother := unique("mother")
	var slots []reservations.SlotState
	for range 3 {
		st := e.slot(5, 0)
		st.Kind, st.Version = "childcare_offering", 2
		e.sync(st)
		slots = append(slots, st)
	}
	req := func(st reservations.SlotState) reservations.HoldRequest {
		r := e.request(st.SlotID, mother, reservation.Market)
		r.KindLimit = 2
		return r
	}
	first := req(slots[0])
	for _, r := range []reservations.HoldRequest{first, req(slots[1])} {
		if _, err := e.eng.Hold(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	third := req(slots[2])
	e.refused(third, reservation.ErrHoldLimit)
	seated := slots[0]
	seated.Version = 3
	seated.Seated = map[reservation.Tier][]string{reservation.Market: {first.HoldID}}
	e.sync(seated)
	if _, err := e.eng.Hold(e.ctx, third); err != nil {
		t.Fatalf("a seated hold still counts against the kind cap: %v", err)
	}
}

// A retry of a hold that was seated before Redis lost its details finds
// the booking, and takes no second unit.
func TestARetryOfASeatedHoldWhoseDetailsWereLostTakesNothing(t *testing.T) {
	e := newEngine(t)
	st := e.slot(1, 0)
	req := e.request(st.SlotID, unique("mother"), reservation.Market)
	if _, err := e.eng.Hold(e.ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := e.rdb.Del(e.ctx, "kc:{slot:"+st.SlotID+"}:d:"+req.HoldID).Err(); err != nil {
		t.Fatal(err)
	}
	st.Version = 2
	st.Seated = map[reservation.Tier][]string{reservation.Market: {req.HoldID}}
	e.sync(st)
	res, err := e.eng.Hold(e.ctx, req)
	if err != nil || !res.Replayed || res.Hold.Status != reservation.Booked {
		t.Fatalf("retry of a seated hold: %+v, %v; want it replayed as booked", res, err)
	}
	if n := e.rdb.ZCard(e.ctx, "kc:{slot:"+st.SlotID+"}:h").Val(); n != 0 {
		t.Fatalf("%d live holds; the seat must be the only unit used", n)
	}
}

// LiveHolds lists the holds live now, with their holders, tiers and
// expiry: not the released, the seated, nor the lapsed.
func TestLiveHoldsAreThoseNeitherReleasedSeatedNorLapsed(t *testing.T) {
	e := newEngine(t)
	st := e.slot(5, 2)
	mother, father := unique("mother"), unique("father")
	live := e.hold(st.SlotID, mother, reservation.Inclusive)
	released := e.hold(st.SlotID, father, reservation.Market)
	seated := e.hold(st.SlotID, father, reservation.Market)
	if _, err := e.eng.Release(e.ctx, released.ID, father, e.now); err != nil {
		t.Fatal(err)
	}
	st.Version = 2
	st.Seated = map[reservation.Tier][]string{reservation.Market: {seated.ID}}
	e.sync(st)

	got, err := e.eng.LiveHolds(e.ctx, st.SlotID, e.now)
	if err != nil {
		t.Fatal(err)
	}
	want := reservation.Hold{ID: live.ID, SlotID: st.SlotID, UserID: mother, Tier: reservation.Inclusive,
		ExpiresAt: live.ExpiresAt, Status: reservation.Held}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("live holds %+v; want only %+v", got, want)
	}
	if got, err := e.eng.LiveHolds(e.ctx, st.SlotID, live.ExpiresAt); err != nil || len(got) != 0 {
		t.Fatalf("at its expiry: %+v, %v; want none", got, err)
	}
	if got, err := e.eng.LiveHolds(e.ctx, unique("slot"), e.now); err != nil || len(got) != 0 {
		t.Fatalf("an unknown slot: %+v, %v; want none", got, err)
	}
}

// A failover may lose the sync that seated a hold, so the promoted
// replica still counts it live; when its booking is then cancelled, the
// sync saying so drops it for good, even were it older than what Redis
// has, instead of leaving a place taken until the hold's expiry.
func TestAnUnseatedHoldNeverCountsAsLiveAgain(t *testing.T) {
	e := newEngine(t)
	st := e.slot(3, 0)
	parent := unique("parent")
	h := e.hold(st.SlotID, parent, reservation.Market)
	// MongoDB seated it (version 2) and then gave the seat back
	// (version 3); Redis heard of neither until now.
	st.Version, st.Unseated = 3, []string{h.ID}
	e.sync(st)
	if r := e.remaining(st.SlotID); r.Market != 3 {
		t.Fatalf("remaining %+v after the seat was given back; want all 3 places", r)
	}
	if got := e.lookup(h.ID); got.Status != reservation.Booked {
		t.Fatalf("the hold is %s; want booked, as a cancelled booking's hold is", got.Status)
	}
	if res, err := e.eng.Hold(e.ctx, reservations.HoldRequest{HoldID: h.ID, SlotID: st.SlotID, UserID: parent,
		Tier: reservation.Market, Fingerprint: string(reservation.Market), Now: e.now}); err != nil ||
		!res.Replayed || res.Hold.Status != reservation.Booked {
		t.Fatalf("the hold asked for again: %+v, %v; want it replayed as booked, not taken anew", res, err)
	}

	// The same from a writer older than what Redis has.
	h2 := e.hold(st.SlotID, parent, reservation.Market)
	st.Version, st.Unseated = 2, []string{h2.ID}
	e.sync(st)
	if r := e.remaining(st.SlotID); r.Market != 3 {
		t.Fatalf("remaining %+v after an older sync gave a seat back; want all 3 places", r)
	}
}

// After a grant on a slot the next hold there counts against the kind
// cap in the same round trip as the slot's script (reservations_kind.go).
// A wrong guess must leave the cap exactly as two round trips would: the
// count taken back when the slot refuses, the grant taken back over the
// cap, the count's expiry the hold's when the hold time changed.
func TestAHoldCountedAheadLeavesTheKindCapExact(t *testing.T) {
	e := newEngine(t)
	countedAhead(t, e, e.onCluster())
}

// On a cluster the slot's script and the count go to two nodes at once,
// each of which first has to be taught the scripts (NOSCRIPT).
func TestAHoldCountedAheadOnAClusterLeavesTheKindCapExact(t *testing.T) {
	e, _ := clusterEngine(t, rediscluster.StartCluster(t))
	countedAhead(t, e, true)
}

func countedAhead(t *testing.T, e *engine, cluster bool) {
	e.now = e.now.Add(700 * time.Microsecond) // a now between milliseconds, as the wall clock's
	mother, father, aunt := unique("mother"), unique("father"), unique("aunt")
	st := e.slot(5, 0)
	st.Rules.MaxHoldsPerUser = 3
	st.Version++
	e.sync(st)
	kinded := func(user string) reservations.HoldRequest {
		r := e.request(st.SlotID, user, reservation.Market)
		r.Kind, r.KindLimit = "childcare_offering", 2
		return r
	}
	counted := func(user string) []goredis.Z {
		t.Helper()
		z, err := e.rdb.ZRangeWithScores(e.ctx, "kc:{user:"+user+"}:holds:childcare_offering", 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	// Two holds on another slot teach the server both scripts.
	warm := e.slot(5, 0).SlotID
	for range 2 {
		r := e.request(warm, unique("warm"), reservation.Market)
		r.Kind, r.KindLimit = "childcare_offering", 2
		if _, err := e.eng.Hold(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	first := kinded(mother) // learns the slot grants, and its hold time
	if _, err := e.eng.Hold(e.ctx, first); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(-300 * time.Microsecond) // the same millisecond, an earlier fraction of it
	second := kinded(mother)                   // counted ahead, right first time
	trips := &commandCount{}
	e.rdb.AddHook(trips)
	res, err := e.eng.Hold(e.ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	// (On a new cluster the nodes learn the scripts first: NOSCRIPT.)
	if n := trips.n.Load(); n != 1 && !cluster {
		t.Errorf("a hold counted ahead took %d round trips; want 1", n)
	}
	if z := counted(mother); len(z) != 2 || int64(z[1].Score) != res.Hold.ExpiresAt.UnixMilli() {
		t.Fatalf("counted after two grants: %+v; want both, the second until %s", z, res.Hold.ExpiresAt)
	}
	// Over the cap: counted ahead, refused, and the grant taken back.
	third := kinded(mother)
	e.refused(third, reservation.ErrHoldLimit)
	if _, ok, _ := e.eng.Lookup(e.ctx, third.HoldID, e.now); ok || len(counted(mother)) != 2 {
		t.Fatalf("the hold over the kind cap was kept, or counted: %+v", counted(mother))
	}
	if r := e.remaining(st.SlotID); r.Market != 3 {
		t.Fatalf("the refused hold took a unit: %+v", r)
	}
	// The hold time changes: aunt's first hold is not counted ahead (the
	// last answer was a refusal) and teaches the old time; her second is
	// counted ahead with it, then set to the hold's own expiry.
	if _, err := e.eng.Hold(e.ctx, kinded(aunt)); err != nil {
		t.Fatal(err)
	}
	st.Rules.HoldTTL = 20 * time.Minute
	st.Version++
	e.sync(st)
	res, err = e.eng.Hold(e.ctx, kinded(aunt))
	if err != nil {
		t.Fatal(err)
	}
	if z := counted(aunt); len(z) != 2 || int64(z[1].Score) != res.Hold.ExpiresAt.UnixMilli() ||
		res.Hold.ExpiresAt.UnixMilli() != e.now.Add(20*time.Minute).UnixMilli() {
		t.Fatalf("aunt's count after the hold time changed: %+v; want the second until %s", z, res.Hold.ExpiresAt)
	}
	// The slot fills: the last place is father's, and the next hold he
	// asks for is counted ahead, refused by the slot, and uncounted.
	if _, err := e.eng.Hold(e.ctx, kinded(father)); err != nil {
		t.Fatal(err)
	}
	e.refused(kinded(father), reservation.ErrSlotFull)
	if z := counted(father); len(z) != 1 {
		t.Fatalf("father's count after a refusal: %+v; want his one hold", z)
	}
	// A replay of a live hold passes and keeps its count as it was.
	if res, err := e.eng.Hold(e.ctx, second); err != nil || !res.Replayed || len(counted(mother)) != 2 {
		t.Fatalf("a replay: %+v, %v, counted %+v", res, err, counted(mother))
	}
}

// commandCount counts round trips: a command alone or a pipeline.
type commandCount struct{ n atomic.Int64 }

func (c *commandCount) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (c *commandCount) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *commandCount) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// A hold counted ahead when Redis is gone is 503 store_unavailable, as
// a hold alone is: go-redis gives up dialling without marking the
// pipeline's commands, and that must not read as a malformed reply (500).
func TestAHoldCountedAheadOnAGoneRedisIsUnavailable(t *testing.T) {
	e := newEngine(t)
	if e.mini == nil {
		t.Skip("stops the server: the embedded one only")
	}
	st := e.slot(5, 0)
	kinded := func() reservations.HoldRequest {
		r := e.request(st.SlotID, unique("mother"), reservation.Market)
		r.Kind, r.KindLimit = "childcare_offering", 2
		return r
	}
	if _, err := e.eng.Hold(e.ctx, kinded()); err != nil {
		t.Fatal(err)
	}
	e.mini.Close()
	if _, err := e.eng.Hold(e.ctx, kinded()); !fault.Is(err, fault.ErrStoreUnavailable) {
		t.Fatalf("a hold counted ahead on a gone Redis: %v; want store_unavailable", err)
	}
}

func TestAHoldKeepsItsReminderInItsOwnRoundTrip(t *testing.T) {
	e := newEngine(t)
	keptReminders(t, e, e.onCluster())
}

// On a cluster the reminders' key is on a node of its own: the slot's
// script, the kind count and the reminder go to their nodes at once.
func TestAHoldKeepsItsReminderOnACluster(t *testing.T) {
	e, _ := clusterEngine(t, rediscluster.StartCluster(t))
	keptReminders(t, e, true)
}

// keptReminders: a granted hold keeps its reminder, due five minutes
// before it lapses, in the round trip that grants it once the slot has
// granted here before; a refused hold keeps none, a hold too short for a
// reminder keeps none, a replay keeps the first time, and a hold booked
// or let go is listed as no longer live.
func keptReminders(t *testing.T, e *engine, cluster bool) {
	before := 5 * time.Minute
	st := e.slot(3, 0)
	st.Rules.MaxHoldsPerUser = 3
	st.Version++
	e.sync(st)
	reminded := func(user string, kinded bool) reservations.HoldRequest {
		r := e.request(st.SlotID, user, reservation.Market)
		r.RemindBefore = before
		if kinded {
			r.Kind, r.KindLimit = "childcare_offering", 2
		}
		return r
	}
	kept := func() map[string]reservations.HoldReminder {
		t.Helper()
		due, err := e.eng.DueReminders(e.ctx, e.now.Add(time.Hour), e.now, 100)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]reservations.HoldReminder{}
		for _, r := range due {
			out[r.Hold.ID] = r
		}
		return out
	}
	// Two holds on another slot teach the server the scripts.
	warm := e.slot(5, 0).SlotID
	for range 2 {
		r := e.request(warm, unique("warm"), reservation.Market)
		r.Kind, r.KindLimit, r.RemindBefore = "childcare_offering", 2, before
		if _, err := e.eng.Hold(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.eng.ForgetReminders(e.ctx, slices.Collect(maps.Keys(kept()))); err != nil || len(kept()) != 0 {
		t.Fatalf("forgetting the warm-up's reminders: %v, %+v", err, kept())
	}
	mother, father, aunt, late := unique("mother"), unique("father"), unique("aunt"), unique("late")
	first := reminded(mother, true) // after the script: the slot has not granted here yet
	if _, err := e.eng.Hold(e.ctx, first); err != nil {
		t.Fatal(err)
	}
	trips := &commandCount{}
	e.rdb.AddHook(trips)
	second := reminded(father, true) // counted and reminded ahead
	if _, err := e.eng.Hold(e.ctx, second); err != nil {
		t.Fatal(err)
	}
	third := reminded(aunt, false) // reminded ahead, no kind cap to count
	if _, err := e.eng.Hold(e.ctx, third); err != nil {
		t.Fatal(err)
	}
	if n := trips.n.Load(); n != 2 && !cluster {
		t.Errorf("two holds granted and reminded ahead took %d round trips; want 2", n)
	}
	got := kept()
	for _, r := range []reservations.HoldRequest{first, second, third} {
		k, ok := got[r.HoldID]
		exp := e.now.Add(10 * time.Minute)
		if !ok || !k.Live || !k.Due.Equal(exp.Add(-before)) || k.Hold.UserID != r.UserID || !k.Hold.ExpiresAt.Equal(exp) ||
			k.Hold.Tier != reservation.Market || k.Kind != r.Kind && r.Kind != "" {
			t.Fatalf("kept for %s: %+v (%v); want it live, due %s", r.UserID, k, ok, exp.Add(-before))
		}
	}
	// The slot is full: the next hold is reminded ahead, refused, and its
	// reminder taken back.
	e.refused(reminded(late, true), reservation.ErrSlotFull)
	if got := kept(); len(got) != 3 {
		t.Fatalf("kept after a refusal: %+v; want the three granted holds' only", got)
	}
	// A replay later on keeps the first time.
	e.now = e.now.Add(time.Minute)
	if res, err := e.eng.Hold(e.ctx, second); err != nil || !res.Replayed {
		t.Fatalf("a replay: %+v, %v", res, err)
	}
	if k := kept()[second.HoldID]; !k.Due.Equal(e.now.Add(-time.Minute).Add(10 * time.Minute).Add(-before)) {
		t.Fatalf("a replay moved the reminder to %s", k.Due)
	}
	// Released and seated holds are listed as no longer live.
	if _, err := e.eng.Release(e.ctx, first.HoldID, mother, e.now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.Claim(e.ctx, second.HoldID, father, e.now, time.Minute); err != nil {
		t.Fatal(err)
	}
	st.Version, st.Seated = st.Version+1, map[reservation.Tier][]string{reservation.Market: {second.HoldID}}
	e.sync(st)
	got = kept()
	if got[first.HoldID].Live || got[second.HoldID].Live || !got[third.HoldID].Live {
		t.Fatalf("kept after a release and a seat: %+v; want only aunt's live", got)
	}
	// Due by: only those due by then are listed.
	if due, err := e.eng.DueReminders(e.ctx, e.now.Add(3*time.Minute), e.now, 100); err != nil || len(due) != 0 {
		t.Fatalf("due within 3 minutes of a minute in: %+v, %v; want none", due, err)
	}
	if err := e.eng.ForgetReminders(e.ctx, []string{first.HoldID, second.HoldID}); err != nil {
		t.Fatal(err)
	}
	if got := kept(); len(got) != 1 {
		t.Fatalf("kept after forgetting two: %+v", got)
	}
	// A hold too short to be reminded of keeps none, ahead or not.
	short := e.slot(3, 0)
	short.Rules.HoldTTL = 5*time.Minute + 30*time.Second
	short.Version++
	e.sync(short)
	for range 2 {
		r := e.request(short.SlotID, unique("brief"), reservation.Market)
		r.RemindBefore = before
		if _, err := e.eng.Hold(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if got := kept(); len(got) != 1 {
		t.Fatalf("kept after two holds of five and a half minutes: %+v; want none more", got)
	}
}
