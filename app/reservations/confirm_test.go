package reservations_test

import (
	"context"
	"errors"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/provider"
	"testing"
	"time"

	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

var errKeyReused = reservations.ErrFingerprintMismatch

func confirmCmd(holdID, childID string) reservations.ConfirmCommand {
	return reservations.ConfirmCommand{HoldID: holdID, ChildID: childID}
}

// Confirming is refused, with nothing written, for another user's hold,
// another family's child, a child of the wrong age, a family without
// consent, and a child already placed at that time.
func TestConfirmRefusesWhatItMust(t *testing.T) {
	h := newHarness(t)
	h.offer(5, 0)
	sl := h.slot()
	ctx := context.Background()
	p, other := h.parent(20), h.parent(20)
	r, err := h.hold(p, sl.ID(), reservation.Market, "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.confirm(other, r.Hold.ID); !fault.Is(err, reservation.ErrHoldNotFound) {
		t.Fatalf("another user's hold: %v, want hold_not_found", err)
	}
	if _, err := h.svc.Confirm(ctx, p.actor, confirmCmd(r.Hold.ID, other.child.ID)); !fault.Is(err, child.ErrNotFound) {
		t.Fatalf("another family's child: %v, want child_not_found", err)
	}
	baby := h.parent(6)
	rb, _ := h.hold(baby, sl.ID(), reservation.Market, "k")
	_, err = h.confirm(baby, rb.Hold.ID)
	var fe *fault.Error
	if !fault.Is(err, childcare.ErrAgeIneligible) || !asFault(err, &fe) || fe.Params["ageMonths"] != 6 || fe.Params["minMonths"] != 12 {
		t.Fatalf("a 6-month-old for 12–35 months: %v %+v", err, fe)
	}
	noConsent := h.parent(20)
	if _, err := h.store.Families().Update(ctx, noConsent.family.ID(), func(f *familyT) error {
		for _, c := range f.Consents() {
			if _, err := f.WithdrawConsent(noConsent.actor.UserID, c.ID, h.clock.Now()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rc, _ := h.hold(noConsent, sl.ID(), reservation.Market, "k")
	if _, err := h.confirm(noConsent, rc.Hold.ID); !fault.Is(err, consent.ErrRequired) {
		t.Fatalf("without consent: %v, want consent_required", err)
	}
	if _, err := h.confirm(p, r.Hold.ID); err != nil {
		t.Fatal(err)
	}
	// The same child on a second offering at the same time.
	h.offer(5, 0)
	sl2 := h.slot()
	r2, _ := h.hold(p, sl2.ID(), reservation.Market, "k")
	if _, err := h.confirm(p, r2.Hold.ID); !fault.Is(err, reservations.ErrChildAlreadyBooked) {
		t.Fatalf("an overlapping place: %v, want child_already_booked", err)
	}
	if seats := h.seats(sl.ID()); seats[reservation.Market] != 1 {
		t.Fatalf("seats %v; only p's confirmation may have written", seats)
	}
}

// Capacity can be lowered only to what is booked; raising it serves the
// waitlist.
func TestCapacityLowersOnlyToWhatIsBooked(t *testing.T) {
	h := newHarness(t)
	h.offer(2, 0)
	sl := h.slot()
	ctx := context.Background()
	a, b, w := h.parent(20), h.parent(20), h.parent(20)
	for i, p := range []parent{a, b} {
		r, _ := h.hold(p, sl.ID(), reservation.Market, key(i))
		if _, err := h.confirm(p, r.Hold.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.svc.SetCapacity(ctx, h.admin, sl.ID(), reservation.Capacity{Total: 1}); !fault.Is(err, reservation.ErrBelowConfirmed) {
		t.Fatalf("lowering below booked: %v", err)
	}
	if _, err := h.svc.JoinWaitlist(ctx, w.actor, sl.ID(), reservation.Market); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.SetCapacity(ctx, h.admin, sl.ID(), reservation.Capacity{Total: 3}); err != nil {
		t.Fatal(err)
	}
	h.promotionOf(sl.ID(), w.actor.UserID)
	if _, err := h.svc.SetCapacity(ctx, w.actor, sl.ID(), reservation.Capacity{Total: 30}); !fault.Is(err, reservation.ErrSlotNotFound) {
		t.Fatalf("a parent resizing: %v, want slot_not_found", err)
	}
}

type familyT = family.Family

func asFault(err error, target **fault.Error) bool { return errors.As(err, target) }

// A provider black-listed after a hold was taken books nobody.
func TestABlackListedProviderBooksNobody(t *testing.T) {
	h := newHarness(t)
	h.offer(3, 0)
	sl := h.slot()
	p := h.parent(20)
	r, err := h.hold(p, sl.ID(), reservation.Market, "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Providers().Update(context.Background(), h.provider.ID, func(pr *provider.Provider) error {
		return pr.SetCredit(provider.BlackListed, "虐童事件", provider.CreditSource{}, "ev-credit", h.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.confirm(p, r.Hold.ID); !fault.Is(err, reservation.ErrSlotNotFound) {
		t.Fatalf("confirming on a black-listed provider: %v, want slot_not_found", err)
	}
	if seats := h.seats(sl.ID()); seats[reservation.Market] != 0 {
		t.Fatalf("seats %v; nothing may be booked", seats)
	}
	// Holds stop too, once this replica has asked again: past 30 s the
	// next hold is answered from what it knew and starts the question.
	h.clock.Advance(31 * time.Second)
	late := h.parent(20)
	for i := range 50 {
		if _, err = h.hold(late, sl.ID(), reservation.Market, key(i)); fault.Is(err, reservation.ErrSlotNotFound) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !fault.Is(err, reservation.ErrSlotNotFound) {
		t.Fatalf("holding on a black-listed provider: %v, want slot_not_found", err)
	}
}
