package order_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/order"
)

func TestOnlyTheFirstAcceptanceWins(t *testing.T) {
	o := in(t, order.StatusOffered) // to cg1 and cg2
	now := offerAt.Add(time.Minute)
	must(t, o.Accept(cg2, eid(), now))
	if o.Status() != order.StatusAccepted || o.CaregiverID() != "cg2" {
		t.Fatalf("%s, caregiver %q", o.Status(), o.CaregiverID())
	}
	// The loser, and the winner tapping again, are told it is taken;
	// someone never offered it is told it does not exist.
	faulttest.Is(t, o.Accept(cg1, eid(), now), order.ErrAlreadyAccepted)
	faulttest.Is(t, o.Accept(cg2, eid(), now), order.ErrAlreadyAccepted)
	err := o.Accept(cg3, eid(), now)
	faulttest.Is(t, err, order.ErrNotOffered)
	if fe, _ := fault.As(err); fe.Kind != fault.NotFound || fe.Code != "order_not_found" {
		t.Fatalf("a stranger learns %v", err)
	}
	if fe, _ := fault.As(o.Accept(cg1, eid(), now)); fe.Kind != fault.Conflict || fe.Code != "order_already_accepted" {
		t.Fatalf("the loser gets %v", fe)
	}
	for _, f := range o.Offers() {
		if f.Open(now) {
			t.Errorf("offer to %s still open after acceptance", f.CaregiverID)
		}
	}
	if o.CaregiverMaySee("cg1", now) || !o.CaregiverMaySee("cg2", now) {
		t.Fatal("the loser still sees the order, or the winner does not")
	}
	if e := lastEvent(t, o); e.Type != order.EventAccepted || e.Data["caregiverId"] != "cg2" {
		t.Fatalf("event %+v", e)
	}
}

func TestAnOfferLapses(t *testing.T) {
	o := in(t, order.StatusDispatching)
	must(t, o.Offer(dispatcher, "cg1", offerAt.Add(10*time.Minute), eid(), offerAt))
	if !o.CaregiverMaySee("cg1", offerAt.Add(9*time.Minute)) {
		t.Fatal("an open offer is invisible")
	}
	late := offerAt.Add(10 * time.Minute)
	faulttest.Is(t, o.Accept(cg1, eid(), late), order.ErrOfferExpired)
	faulttest.Is(t, o.Decline(cg1, "", eid(), late), order.ErrOfferExpired)
	if o.CaregiverMaySee("cg1", late) || o.Status() != order.StatusOffered {
		t.Fatal("a lapsed offer still shows, or the refusal moved the order")
	}
	// The dispatch timer finds nobody answered and starts again; a new
	// offer to the same caregiver reopens theirs.
	must(t, o.Dispatch(order.BySystem, eid(), late))
	if o.Status() != order.StatusDispatching {
		t.Fatal(o.Status())
	}
	must(t, o.Offer(order.BySystem, "cg1", late.Add(10*time.Minute), eid(), late))
	must(t, o.Accept(cg1, eid(), late.Add(time.Minute)))
	if len(o.Offers()) != 1 {
		t.Fatalf("offers %+v", o.Offers())
	}
}

func TestDecliningTheLastOpenOfferDispatchesAgain(t *testing.T) {
	o := in(t, order.StatusOffered)
	now := offerAt.Add(time.Minute)
	must(t, o.Decline(cg1, "今天排满了", eid(), now))
	if o.Status() != order.StatusOffered {
		t.Fatalf("cg2 still has the offer, yet %s", o.Status())
	}
	faulttest.Is(t, o.Decline(cg1, "", eid(), now), order.ErrOfferExpired)
	faulttest.Is(t, o.Accept(cg1, eid(), now), order.ErrOfferExpired)
	must(t, o.Decline(cg2, "", eid(), now))
	if o.Status() != order.StatusDispatching {
		t.Fatalf("nobody left to accept, yet %s", o.Status())
	}
	if e := lastEvent(t, o); e.Type != order.EventDeclined || e.Data["status"] != "dispatching" {
		t.Fatalf("event %+v", e)
	}
	if f := o.Offers()[0]; f.DeclineReason != "今天排满了" {
		t.Fatalf("reason %q", f.DeclineReason)
	}
}

func TestAProviderAssignsDirectly(t *testing.T) {
	o := in(t, order.StatusOffered)
	now := offerAt.Add(time.Minute)
	must(t, o.Assign(dispatcher, "cg3", eid(), now))
	if o.Status() != order.StatusAccepted || o.CaregiverID() != "cg3" {
		t.Fatalf("%s %q", o.Status(), o.CaregiverID())
	}
	faulttest.Is(t, o.Accept(cg1, eid(), now), order.ErrAlreadyAccepted)
	if e := lastEvent(t, o); e.Type != order.EventAssigned || e.Data["caregiverId"] != "cg3" {
		t.Fatalf("event %+v", e)
	}
	o = in(t, order.StatusDispatching)
	faulttest.Is(t, o.Assign(dispatcher, "", eid(), now), order.ErrInvalid)
	faulttest.Is(t, o.Offer(dispatcher, "cg1", now, eid(), now), order.ErrInvalid)
}

func TestOffersAreBounded(t *testing.T) {
	o := in(t, order.StatusDispatching)
	for i := range order.MaxOffers {
		must(t, o.Offer(order.BySystem, fmt.Sprint("c", i), windowStart, eid(), offerAt))
	}
	faulttest.Is(t, o.Offer(order.BySystem, "one-more", windowStart, eid(), offerAt), order.ErrOffersFull)
	// Asking someone already asked is not one more.
	must(t, o.Offer(order.BySystem, "c0", windowStart, eid(), offerAt))
}
