package reservations_test

import (
	"context"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// Joining the waitlist of a slot with room is no way around the hold
// caps: a user at their limit who joins, and joins again, gets one hold
// from the waitlist, not one a join.
func TestTheWaitlistIsNoWayAroundTheHoldLimit(t *testing.T) {
	h := newHarness(t)
	h.offer(10, 0)
	sl := h.slot()
	ctx := context.Background()
	p := h.parent(20)
	for _, k := range []string{"one", "two"} {
		if _, err := h.hold(p, sl.ID(), reservation.Market, k); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.hold(p, sl.ID(), reservation.Market, "three"); !fault.Is(err, reservation.ErrHoldLimit) {
		t.Fatalf("third hold: %v, want hold_limit_reached", err)
	}
	for range 5 {
		h.clock.Advance(time.Second)
		_, _ = h.svc.JoinWaitlist(ctx, p.actor, sl.ID(), reservation.Market)
	}
	rem, err := h.svc.GetSlot(ctx, p.actor, sl.ID())
	if err != nil {
		t.Fatal(err)
	}
	if held := 10 - rem.Remaining.Market; held > 3 {
		t.Fatalf("a user capped at 2 holds on the slot holds %d places after joining its waitlist", held)
	}
}

// A slot long past answers holds, and the sweep, as closed: Redis has
// forgotten it and a rebuild cannot bring it back, which is no reason to
// tell the client to retry (503) or the sweep to fail.
func TestAPastSlotIsClosedNotUnavailable(t *testing.T) {
	h := newHarness(t)
	h.offer(1, 0)
	ctx := context.Background()
	// The slot ended two days ago; b waited for it in vain.
	past := h.clock.Now().Add(-72 * time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "spast" + newID()[:8], ProviderID: h.provider.ID,
		Resource: reservation.Resource{Kind: "childcare_offering", ID: h.offering.ID},
		Window:   reservation.Window{Start: past, End: past.Add(4 * time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 1}}, past.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Slots().CreateMany(ctx, []*reservation.Slot{sl}); err != nil {
		t.Fatal(err)
	}
	b := h.parent(20)
	if _, _, err := h.store.Slots().Update(ctx, sl.ID(), func(s *reservation.Slot) error {
		_, _, err := s.Join(reservation.Waiter{UserID: b.actor.UserID, Tier: reservation.Market}, past.Add(-time.Minute))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.hold(h.parent(20), sl.ID(), reservation.Market, "late"); !fault.Is(err, reservation.ErrSlotClosed) {
		t.Fatalf("holding a slot that ended two days ago: %v, want slot_closed", err)
	}
	if err := h.svc.Sweep(ctx); err != nil {
		t.Fatalf("sweep: %v", err)
	}
}

// One waits for a full tier: with places free and nobody waiting, the
// waitlist answers "hold one instead" (else it would be a way around the
// hold caps: a waiter is given a hold at once).
func TestTheWaitlistIsForAFullTier(t *testing.T) {
	h := newHarness(t)
	h.offer(2, 1)
	sl := h.slot()
	ctx := context.Background()
	a, b := h.parent(20), h.parent(20)
	if _, err := h.svc.JoinWaitlist(ctx, a.actor, sl.ID(), reservation.Market); !fault.Is(err, reservation.ErrPlacesLeft) {
		t.Fatalf("joining with a market place free: %v, want slot_has_places", err)
	}
	if _, err := h.hold(a, sl.ID(), reservation.Market, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.JoinWaitlist(ctx, b.actor, sl.ID(), reservation.Market); err != nil {
		t.Fatalf("joining a full market tier: %v", err)
	}
	if _, err := h.svc.JoinWaitlist(ctx, b.actor, sl.ID(), reservation.Inclusive); err != nil {
		t.Fatalf("b waits already; joining again answers the place: %v", err)
	}
}
