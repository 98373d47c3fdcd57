package reservations_test

import (
	"context"
	"fmt"
	"github.com/kincare/kincare/app/reservations"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// Invariant 1: of 120 parents holding and confirming at once on a slot of
// ten places (four 普惠), exactly ten are seated, no more than four at the
// 普惠 price, and every seat has its booking.
func TestParentsRacingForPlacesNeverOversell(t *testing.T) {
	h := newHarness(t)
	h.offer(10, 4)
	sl := h.slot()
	ps := h.parents(120, 20)
	var booked, full atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i, p := range ps {
		wg.Go(func() {
			<-gate
			tier := reservation.Market
			if i%2 == 0 {
				tier = reservation.Inclusive
			}
			r, err := h.hold(p, sl.ID(), tier, key(i))
			if fault.Is(err, reservation.ErrSlotFull) {
				full.Add(1)
				return
			}
			if err != nil {
				t.Errorf("hold: %v", err)
				return
			}
			if _, err := h.confirm(p, r.Hold.ID); err != nil {
				t.Errorf("confirm a granted hold: %v", err)
				return
			}
			booked.Add(1)
		})
	}
	close(gate)
	wg.Wait()
	seats := h.seats(sl.ID())
	if booked.Load() != 10 || full.Load() != 110 {
		t.Fatalf("booked %d, refused %d; want 10 and 110", booked.Load(), full.Load())
	}
	if seats[reservation.Inclusive] != 4 || seats[reservation.Market] != 6 {
		t.Fatalf("seats %v, want 4 inclusive and 6 market", seats)
	}
	bookings, err := h.store.Bookings().OfSlot(context.Background(), sl.ID())
	if err != nil || len(bookings) != 10 {
		t.Fatalf("%d bookings (%v), want 10", len(bookings), err)
	}
	av, err := h.svc.GetSlot(context.Background(), ps[0].actor, sl.ID())
	if err != nil || av.Remaining.Market != 0 || av.Remaining.Inclusive != 0 {
		t.Fatalf("remaining %+v (%v), want none", av.Remaining, err)
	}
}

// Invariant 1 when Redis loses everything: bookings stay, and Redis,
// rebuilt from MongoDB on first use, admits only what is left.
func TestRedisLosingEverythingLosesNoBookingAndOversellsNothing(t *testing.T) {
	h := newHarness(t)
	h.offer(5, 0)
	sl := h.slot()
	ps := h.parents(12, 20)
	for i, p := range ps[:3] {
		r, err := h.hold(p, sl.ID(), reservation.Market, key(i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.confirm(p, r.Hold.ID); err != nil {
			t.Fatal(err)
		}
	}
	lost, err := h.hold(ps[3], sl.ID(), reservation.Market, "lost")
	if err != nil {
		t.Fatal(err)
	}
	h.loseRedis(sl.ID())
	// The hold taken before the flush is gone with it.
	if _, err := h.confirm(ps[3], lost.Hold.ID); !fault.Is(err, reservation.ErrHoldNotFound) {
		t.Fatalf("confirming a hold Redis lost: %v, want hold_not_found", err)
	}
	granted := 0
	for i, p := range ps[4:] {
		r, err := h.hold(p, sl.ID(), reservation.Market, key(i))
		if fault.Is(err, reservation.ErrSlotFull) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		granted++
		if _, err := h.confirm(p, r.Hold.ID); err != nil {
			t.Fatal(err)
		}
	}
	if granted != 2 {
		t.Fatalf("granted %d holds after the flush, want the 2 places left", granted)
	}
	if seats := h.seats(sl.ID()); seats[reservation.Market] != 5 {
		t.Fatalf("seats %v, want 5", seats)
	}
	bookings, _ := h.store.Bookings().OfSlot(context.Background(), sl.ID())
	if len(bookings) != 5 {
		t.Fatalf("%d bookings, want 5", len(bookings))
	}
}

// A crash between seating a hold and writing its booking leaves a seat
// without a booking; the reconciler writes it, once, and Redis agrees.
func TestReconcilerFinishesAConfirmationCutShort(t *testing.T) {
	h := newHarness(t)
	h.offer(3, 0)
	sl := h.slot()
	p := h.parent(20)
	r, err := h.hold(p, sl.ID(), reservation.Market, "k")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// What Confirm does up to the crash: the seat, and nothing after.
	if _, _, err := h.store.Slots().Update(ctx, sl.ID(), func(s *reservation.Slot) error {
		_, _, err := s.Confirm(reservation.Seat{HoldID: r.Hold.ID, Tier: reservation.Market, BookedBy: p.actor.UserID,
			FamilyID: p.family.ID(), RecipientID: p.child.ID, PriceFen: 20000}, h.clock.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := h.svc.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
	}
	b, err := h.store.Bookings().Get(ctx, r.Hold.ID)
	if err != nil {
		t.Fatalf("booking not written: %v", err)
	}
	if b.Seat().RecipientID != p.child.ID || len(b.Pending()) != 1 {
		t.Fatalf("booking %+v with %d events, want the child's with its one confirmation", b.Seat(), len(b.Pending()))
	}
	// Redis counts the seat, not a live hold: two places are left.
	av, err := h.svc.GetSlot(ctx, p.actor, sl.ID())
	if err != nil || av.Remaining.Market != 2 {
		t.Fatalf("remaining %+v (%v), want 2", av.Remaining, err)
	}
	// And confirming again finds the booking.
	c, err := h.confirm(p, r.Hold.ID)
	if err != nil || !c.Replayed || c.Booking.ID() != r.Hold.ID {
		t.Fatalf("confirm again: %+v %v", c, err)
	}
}

// A crash inside a cancellation leaves a cancelled booking seated; the
// reconciler frees the seat.
func TestReconcilerFreesTheSeatOfACancelledBooking(t *testing.T) {
	h := newHarness(t)
	h.offer(1, 0)
	sl := h.slot()
	p := h.parent(20)
	r, _ := h.hold(p, sl.ID(), reservation.Market, "k")
	if _, err := h.confirm(p, r.Hold.ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := h.store.Bookings().Update(ctx, r.Hold.ID, func(b *reservation.Booking) error {
		return b.Cancel(reservation.ByFamily, p.actor.UserID, "", h.clock.Now(), newID())
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := h.svc.Reconcile(ctx)
	if err != nil || rep.SeatsFreed != 1 {
		t.Fatalf("repairs %+v (%v), want one seat freed", rep, err)
	}
	other := h.parent(20)
	if _, err := h.hold(other, sl.ID(), reservation.Market, "k2"); err != nil {
		t.Fatalf("the freed place is not holdable: %v", err)
	}
}

// Invariant 2: the same key answers the same hold; another body under
// it is refused; a user's live holds are capped; a hold lapses and its
// place returns.
func TestHoldsAreIdempotentCappedAndFinite(t *testing.T) {
	h := newHarness(t)
	h.offer(10, 2)
	sl := h.slot()
	p := h.parent(20)
	first, err := h.hold(p, sl.ID(), reservation.Market, "same")
	if err != nil || first.Replayed {
		t.Fatalf("%+v %v", first, err)
	}
	again, err := h.hold(p, sl.ID(), reservation.Market, "same")
	if err != nil || !again.Replayed || again.Hold.ID != first.Hold.ID || !again.Hold.ExpiresAt.Equal(first.Hold.ExpiresAt) {
		t.Fatalf("retry: %+v %v; want the first hold again", again, err)
	}
	if _, err := h.hold(p, sl.ID(), reservation.Inclusive, "same"); !fault.Is(err, errKeyReused) {
		t.Fatalf("same key, other tier: %v, want idempotency_key_reused", err)
	}
	if _, err := h.hold(p, sl.ID(), reservation.Market, "second"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.hold(p, sl.ID(), reservation.Market, "third"); !fault.Is(err, reservation.ErrHoldLimit) {
		t.Fatalf("third hold on one slot: %v, want hold_limit_reached", err)
	}
	if n := len(h.dueReminders()); n != 2 {
		t.Fatalf("%d reminders queued when due, want one per new hold", n)
	}
	h.clock.Advance(reservation.DefaultHoldTTL + time.Second)
	if _, err := h.confirm(p, first.Hold.ID); !fault.Is(err, reservation.ErrHoldExpired) {
		t.Fatalf("confirming a lapsed hold: %v, want hold_expired", err)
	}
	if _, err := h.hold(p, sl.ID(), reservation.Market, "third"); err != nil {
		t.Fatalf("after both lapsed: %v", err)
	}
}

// A cancellation gives the place to the first on the waitlist with a
// fresh hold and an urgent event; nobody else may take it meanwhile; a
// hold nobody claims passes to the next.
func TestCancellationServesTheWaitlistInOrder(t *testing.T) {
	h := newHarness(t)
	h.offer(1, 0)
	sl := h.slot()
	ctx := context.Background()
	a, b, c, d := h.parent(20), h.parent(20), h.parent(20), h.parent(20)
	r, _ := h.hold(a, sl.ID(), reservation.Market, "a")
	if _, err := h.confirm(a, r.Hold.ID); err != nil {
		t.Fatal(err)
	}
	for i, p := range []parent{b, c} {
		place, err := h.svc.JoinWaitlist(ctx, p.actor, sl.ID(), reservation.Market)
		if err != nil || place.Position != i+1 {
			t.Fatalf("join: %+v %v, want position %d", place, err, i+1)
		}
	}
	if _, err := h.svc.CancelBooking(ctx, a.actor, r.Hold.ID, "孩子生病"); err != nil {
		t.Fatal(err)
	}
	promoted := h.promotionOf(sl.ID(), b.actor.UserID)
	if _, err := h.hold(d, sl.ID(), reservation.Market, "d"); !fault.Is(err, reservation.ErrSlotFull) {
		t.Fatalf("a newcomer took the place owed to the waitlist: %v", err)
	}
	if place, _ := h.svc.WaitlistPlace(ctx, c.actor, sl.ID()); place.Position != 1 {
		t.Fatalf("c is at %d, want first now", place.Position)
	}
	// b lets it lapse; the sweep gives it to c.
	h.clock.Advance(reservation.DefaultHoldTTL + time.Second)
	if err := h.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	next := h.promotionOf(sl.ID(), c.actor.UserID)
	if next.HoldID == promoted.HoldID {
		t.Fatal("c was given b's hold")
	}
	bk, err := h.svc.Confirm(ctx, c.actor, confirmCmd(next.HoldID, c.child.ID))
	if err != nil || bk.Booking.Seat().BookedBy != c.actor.UserID {
		t.Fatalf("c confirms the promoted hold: %v", err)
	}
}

// promotionOf finds the live waitlist hold given to user, and checks the
// slot announced it.
func (h *harness) promotionOf(slotID, userID string) reservation.Promotion {
	h.t.Helper()
	sl, _, err := h.store.Slots().Get(context.Background(), slotID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, p := range sl.Promotions(h.clock.Now()) {
		if p.UserID == userID {
			announced := false
			for _, e := range sl.Pending() {
				announced = announced || (e.Type == reservation.EventWaitlistPromoted && e.Data["holdId"] == p.HoldID)
			}
			if !announced {
				h.t.Fatalf("promotion of %s not announced", userID)
			}
			return p
		}
	}
	h.t.Fatalf("%s was not given a hold from the waitlist", userID)
	return reservation.Promotion{}
}

// The reminder a hold keeps is queued when due, and tells its holder
// while the hold is live, and nobody once it is booked.
func TestAHoldReminderTellsNobodyOnceTheHoldIsBooked(t *testing.T) {
	h := newHarness(t)
	h.offer(3, 0)
	sl := h.slot()
	p := h.parent(20)
	r, err := h.hold(p, sl.ID(), reservation.Market, "k")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.reminders.all(); len(got) != 0 {
		t.Fatalf("queued at once: %+v; want the reminder kept until due", got)
	}
	reminders := h.dueReminders()
	if len(reminders) != 1 || reminders[0].Type != reservation.EventHoldExpiring ||
		!reminders[0].Due().Equal(r.Hold.ExpiresAt.Add(-reservations.RemindBefore)) {
		t.Fatalf("reminders %+v; want one due 5 minutes before %s", reminders, r.Hold.ExpiresAt)
	}
	audience := h.svc.Audiences()[reservation.EventHoldExpiring]
	who, err := audience.Recipients(context.Background(), reminders[0])
	if err != nil || len(who) != 1 || who[0].UserID != p.actor.UserID {
		t.Fatalf("recipients of a live hold's reminder: %+v %v", who, err)
	}
	if _, err := h.confirm(p, r.Hold.ID); err != nil {
		t.Fatal(err)
	}
	who, err = audience.Recipients(context.Background(), reminders[0])
	if err != nil || len(who) != 0 {
		t.Fatalf("recipients after booking: %+v %v; want nobody", who, err)
	}
}

// A hold's reminder waits with the hold until due: one booked or let go
// before then never reaches the job queue, a refused hold keeps none,
// and a reminder queued once is not queued again by the next pass.
func TestOnlyHoldsLiveWhenTheirReminderIsDueAreReminded(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.offer(3, 0)
	sl := h.slot()
	waiting, booked, leaving, late := h.parent(20), h.parent(20), h.parent(20), h.parent(20)
	var holds []reservations.HoldResult
	for i, p := range []parent{waiting, booked, leaving} {
		r, err := h.hold(p, sl.ID(), reservation.Market, fmt.Sprint("k", i))
		if err != nil {
			t.Fatal(err)
		}
		holds = append(holds, r)
	}
	if _, err := h.hold(late, sl.ID(), reservation.Market, "k3"); !fault.Is(err, reservation.ErrSlotFull) {
		t.Fatalf("a fourth hold on three places: %v, want slot_full", err)
	}
	if _, err := h.confirm(booked, holds[1].Hold.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.ReleaseHold(ctx, leaving.actor, holds[2].Hold.ID); err != nil {
		t.Fatal(err)
	}
	got := h.dueReminders()
	if len(got) != 1 || got[0].ID != "hold-expiring-"+holds[0].Hold.ID || got[0].Data["userId"] != waiting.actor.UserID ||
		!got[0].Due().Equal(holds[0].Hold.ExpiresAt.Add(-reservations.RemindBefore)) {
		t.Fatalf("queued %+v; want only the live hold's, for its time", got)
	}
	h.reminders.reset()
	if n, err := h.svc.ForwardReminders(ctx); err != nil || n != 0 || len(h.reminders.all()) != 0 {
		t.Fatalf("the next pass queued %d (%v): %+v; want none", n, err, h.reminders.all())
	}
}

// A reminder the job queue lost while its hold lived on (on a Redis
// Cluster the two live on different nodes) is scheduled again by the
// reconciler: for its time while that is ahead, at once when it has
// passed and the hold still has a minute to act on. A booked hold, and a
// hold too close to lapsing, are not reminded of again.
func TestTheReconcilerRemindsAgainOfHoldsWhoseReminderWasLost(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.offer(3, 0)
	sl := h.slot()
	waiting, booked := h.parent(20), h.parent(20)
	r, err := h.hold(waiting, sl.ID(), reservation.Market, "k1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.hold(booked, sl.ID(), reservation.Market, "k2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.confirm(booked, b.Hold.ID); err != nil {
		t.Fatal(err)
	}
	// Whatever the engine kept or the queue had, the reconciler queues
	// the live hold's reminder, for its time.
	if _, err := h.svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	again := h.reminders.all()
	if len(again) != 1 || again[0].ID != "hold-expiring-"+r.Hold.ID ||
		!again[0].Due().Equal(r.Hold.ExpiresAt.Add(-reservations.RemindBefore)) ||
		again[0].Data["userId"] != waiting.actor.UserID {
		t.Fatalf("reminders after reconciling: %+v; want the live hold's, due 5 minutes before %s", again, r.Hold.ExpiresAt)
	}
	first := again

	// Past its time, the hold live for three more minutes: at once.
	h.clock.Advance(7 * time.Minute)
	h.reminders.reset()
	if _, err := h.svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	late := h.reminders.all()
	if len(late) != 1 || late[0].ID != first[0].ID || !late[0].Due().Equal(h.clock.Now()) {
		t.Fatalf("a late reminder: %+v; want %s due now (%s)", late, first[0].ID, h.clock.Now())
	}

	// Under a minute left: too late to be of use.
	h.clock.Advance(2*time.Minute + 30*time.Second)
	h.reminders.reset()
	if _, err := h.svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.reminders.all(); len(got) != 0 {
		t.Fatalf("reminded with %s left: %+v", r.Hold.ExpiresAt.Sub(h.clock.Now()), got)
	}
}
