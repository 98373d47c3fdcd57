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
