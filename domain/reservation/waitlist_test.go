package reservation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/reservation"
)

func waiter(user string, tier reservation.Tier) reservation.Waiter {
	return reservation.Waiter{UserID: user, FamilyID: "family-of-" + user, Tier: tier}
}

// promotion is the hold the app took for user's first place in tier.
func promotion(user string, tier reservation.Tier, expires time.Time) reservation.Promotion {
	return reservation.Promotion{HoldID: reservation.HoldID(slotID, "w"+user), UserID: user,
		FamilyID: "family-of-" + user, Tier: tier, ExpiresAt: expires}
}

func TestTheWaitlistIsFirstComeFirstServedWithinEachTier(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for i, c := range []struct {
		user string
		tier reservation.Tier
		pos  int // in the tier's own queue
	}{
		{"ann", reservation.Market, 1},
		{"bo", reservation.Inclusive, 1},
		{"cai", reservation.Market, 2},
		{"dan", reservation.Inclusive, 2},
		{"eve", reservation.Market, 3},
	} {
		at := t0.Add(time.Duration(i) * time.Minute)
		pos, joined, err := s.Join(waiter(c.user, c.tier), at)
		if err != nil || !joined || pos != c.pos {
			t.Fatalf("%s joins %s: place %d %v %v, want %d", c.user, c.tier, pos, joined, err, c.pos)
		}
		if got := s.Position(c.user); got != c.pos {
			t.Fatalf("%s: position %d, want %d", c.user, got, c.pos)
		}
		w := s.Waitlist()[i]
		if w.UserID != c.user || !w.JoinedAt.Equal(at) || w.JoinedAt.Location() != time.UTC {
			t.Fatalf("%s waits as %+v", c.user, w)
		}
	}
	if s.Waiting(reservation.Market) != 3 || s.Waiting(reservation.Inclusive) != 2 {
		t.Fatalf("waiting: %d market, %d inclusive", s.Waiting(reservation.Market), s.Waiting(reservation.Inclusive))
	}
	if w, ok := s.Next(reservation.Market); !ok || w.UserID != "ann" {
		t.Fatalf("next market: %+v %v", w, ok)
	}
	if w, ok := s.Next(reservation.Inclusive); !ok || w.UserID != "bo" {
		t.Fatalf("next inclusive: %+v %v", w, ok)
	}
	if p := s.Position("nobody"); p != 0 {
		t.Fatalf("someone not waiting is at %d", p)
	}
}

func TestJoiningAgainKeepsYourPlace(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for _, u := range []string{"ann", "bo"} {
		_, _, err := s.Join(waiter(u, reservation.Market), t0)
		must(t, err)
	}
	for _, c := range []struct {
		name string
		w    reservation.Waiter
	}{
		{"the same request", waiter("bo", reservation.Market)},
		// Asking for the other tier does not move you to its queue.
		{"another tier", waiter("bo", reservation.Inclusive)},
	} {
		pos, joined, err := s.Join(c.w, t0.Add(time.Hour))
		if err != nil || joined || pos != 2 {
			t.Errorf("%s: place %d %v %v, want 2 false nil", c.name, pos, joined, err)
		}
	}
	if wl := s.Waitlist(); len(wl) != 2 || !wl[1].JoinedAt.Equal(t0) || wl[1].Tier != reservation.Market {
		t.Fatalf("waitlist %+v", wl)
	}
}

func TestTheWaitlistStopsAtTwoHundred(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for i := 0; i < reservation.MaxWaitlist; i++ {
		tier := reservation.Market
		if i%2 == 1 {
			tier = reservation.Inclusive
		}
		if _, _, err := s.Join(waiter(fmt.Sprintf("u%03d", i), tier), t0); err != nil {
			t.Fatalf("waiter %d: %v", i+1, err)
		}
	}
	if reservation.MaxWaitlist != 200 || len(s.Waitlist()) != 200 {
		t.Fatalf("%d waiting", len(s.Waitlist()))
	}
	pos, joined, err := s.Join(waiter("late", reservation.Inclusive), t0)
	faulttest.Is(t, err, reservation.ErrWaitlistFull)
	if pos != 0 || joined || s.Position("late") != 0 {
		t.Fatalf("the 201st: place %d %v", pos, joined)
	}
	// Someone already waiting still finds their place.
	if pos, joined, err := s.Join(waiter("u199", reservation.Inclusive), t0); err != nil || joined || pos != 100 {
		t.Fatalf("the 200th again: %d %v %v", pos, joined, err)
	}
	if !s.Leave("u000") {
		t.Fatal("leave")
	}
	if _, joined, err := s.Join(waiter("late", reservation.Inclusive), t0); err != nil || !joined {
		t.Fatalf("joining a freed place: %v %v", joined, err)
	}
}

func TestLeavingMovesEveryoneBehindUp(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for _, w := range []reservation.Waiter{waiter("ann", reservation.Market), waiter("bo", reservation.Inclusive),
		waiter("cai", reservation.Market), waiter("dan", reservation.Market)} {
		_, _, err := s.Join(w, t0)
		must(t, err)
	}
	if !s.Leave("ann") {
		t.Fatal("ann could not leave")
	}
	if s.Leave("ann") || s.Leave("nobody") {
		t.Fatal("left a waitlist they were not on")
	}
	for user, want := range map[string]int{"ann": 0, "bo": 1, "cai": 1, "dan": 2} {
		if got := s.Position(user); got != want {
			t.Errorf("%s at %d, want %d", user, got, want)
		}
	}
	if w, _ := s.Next(reservation.Market); w.UserID != "cai" {
		t.Fatalf("next market is %s", w.UserID)
	}
}

func TestNoOneIsNextOnAnEmptyQueue(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	_, _, err := s.Join(waiter("ann", reservation.Market), t0)
	must(t, err)
	if w, ok := s.Next(reservation.Inclusive); ok || w != (reservation.Waiter{}) {
		t.Fatalf("next inclusive: %+v", w)
	}
}

func TestPromotingTheFirstWaiterTellsThemUrgentlyHowLongTheyHave(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for _, w := range []reservation.Waiter{waiter("ann", reservation.Inclusive), waiter("bo", reservation.Inclusive)} {
		_, _, err := s.Join(w, t0)
		must(t, err)
	}
	// A 普惠 place came free at 21:40 Shanghai; ann has until 21:50.
	at := t0.Add(10 * time.Minute)
	p := promotion("ann", reservation.Inclusive, at.Add(10*time.Minute))
	if !s.Promote(p, at, "e-promoted") {
		t.Fatal("the first promotion changed nothing")
	}
	if s.Position("ann") != 0 || s.Position("bo") != 1 {
		t.Fatalf("ann at %d, bo at %d", s.Position("ann"), s.Position("bo"))
	}
	ps := s.Promotions(at)
	if len(ps) != 1 || ps[0].HoldID != p.HoldID || !ps[0].At.Equal(at) || ps[0].At.Location() != time.UTC ||
		ps[0].ExpiresAt.Location() != time.UTC {
		t.Fatalf("promotions %+v", ps)
	}
	pending := s.Pending()
	if len(pending) != 1 {
		t.Fatalf("%d events, want one", len(pending))
	}
	e := pending[0]
	if e.ID != "e-promoted" || e.Type != reservation.EventWaitlistPromoted || !reservation.Urgent(e.Type) ||
		e.Subject != (event.Subject{Kind: "hold", ID: p.HoldID}) || !e.At.Equal(at) {
		t.Fatalf("event %+v", e)
	}
	for k, want := range map[string]string{
		"userId": "ann", "familyId": "family-of-ann", "holdId": p.HoldID, "tier": "inclusive",
		"expiresAt": "2026-11-20T13:50:00Z", "expiresAtLocal": "21:50",
		"slotId": slotID, "providerId": "sunshine", "resourceKind": "childcare_offering", "resourceId": "half-day",
		"start": "2026-11-23T00:00:00Z", "end": "2026-11-23T04:00:00Z", "timeZone": "Asia/Shanghai",
		"startLocal": "2026-11-23 08:00",
	} {
		if e.Data[k] != want {
			t.Errorf("data %s = %q, want %q", k, e.Data[k], want)
		}
	}

	// While her hold from the waitlist is live, ann may not queue again
	// (holds from the waitlist pass the user caps).
	if _, _, err := s.Join(waiter("ann", reservation.Inclusive), at); !fault.Is(err, reservation.ErrHoldLimit) {
		t.Fatalf("rejoining with a live promotion: %v, want hold_limit_reached", err)
	}
	// The same hold again (a second replica, a retry): nothing more is
	// recorded or announced.
	if s.Promote(p, at.Add(time.Second), "e-again") {
		t.Fatal("promoting the same hold twice changed something")
	}
	if len(s.Pending()) != 1 || len(s.Promotions(at)) != 1 {
		t.Fatalf("%d events, %d promotions", len(s.Pending()), len(s.Promotions(at)))
	}
	if s.Position("ann") != 0 {
		t.Fatal("the promoted waiter is still queued")
	}
}

func TestAPromotionLapsesWithItsHold(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	expires := t0.Add(10 * time.Minute)
	s.Promote(promotion("ann", reservation.Market, expires), t0, eid())
	for _, c := range []struct {
		at   time.Time
		live int
	}{
		{t0, 1},
		{expires.Add(-time.Second), 1},
		{expires, 0},
		{expires.Add(time.Hour), 0},
	} {
		if got := len(s.Promotions(c.at)); got != c.live {
			t.Errorf("at %v: %d promotions, want %d", c.at, got, c.live)
		}
	}
	// The next promotion forgets the lapsed one for good.
	later := expires.Add(time.Minute)
	s.Promote(promotion("bo", reservation.Market, later.Add(10*time.Minute)), later, eid())
	if ps := s.Snapshot().Promotions; len(ps) != 1 || ps[0].UserID != "bo" {
		t.Fatalf("stored promotions %+v", ps)
	}
}

func TestADeclinedPromotionIsForgotten(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	p := promotion("ann", reservation.Market, t0.Add(10*time.Minute))
	s.Promote(p, t0, eid())
	if !s.Decline(p.HoldID) {
		t.Fatal("decline changed nothing")
	}
	if s.Decline(p.HoldID) || s.Decline(reservation.HoldID(slotID, "never")) {
		t.Fatal("declined a promotion that was not there")
	}
	if len(s.Promotions(t0)) != 0 {
		t.Fatal("a declined promotion would be given again")
	}
}

func TestConfirmingAPromotedHoldEndsThePromotion(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	ann := promotion("ann", reservation.Inclusive, t0.Add(10*time.Minute))
	bo := promotion("bo", reservation.Market, t0.Add(10*time.Minute))
	s.Promote(ann, t0, eid())
	s.Promote(bo, t0, eid())
	st := reservation.Seat{HoldID: ann.HoldID, Tier: reservation.Inclusive, BookedBy: "ann", FamilyID: ann.FamilyID}
	if _, fresh, err := s.Confirm(st, t0.Add(time.Minute)); err != nil || !fresh {
		t.Fatalf("confirm: %v %v", fresh, err)
	}
	if ps := s.Promotions(t0); len(ps) != 1 || ps[0].HoldID != bo.HoldID {
		t.Fatalf("promotions %+v, want only bo's", ps)
	}
	// A refused confirmation leaves the promotion alone.
	full := newSlot(t, reservation.Capacity{Total: 1})
	full.Promote(ann, t0, eid())
	_, _, err := full.Confirm(st, t0)
	if !fault.Is(err, reservation.ErrSlotFull) || len(full.Promotions(t0)) != 1 {
		t.Fatalf("confirm on a slot without 普惠: %v, %d promotions", err, len(full.Promotions(t0)))
	}
}
