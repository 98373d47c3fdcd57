package order_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/order"
)

// leave runs CaregiverLeft and fails the test on an error.
func leave(t *testing.T, o *order.Order, caregiverID string, now time.Time) bool {
	t.Helper()
	changed, err := o.CaregiverLeft(caregiverID, eid(), now)
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// A caregiver who leaves with an offer open loses it; the order is
// dispatched again only when nobody else is still asked.
func TestALeavingCaregiversOfferIsWithdrawn(t *testing.T) {
	o := in(t, order.StatusOffered) // offered to cg1 and cg2
	now := offerAt.Add(time.Minute)
	before := len(o.Pending())
	if !leave(t, o, "cg1", now) {
		t.Fatal("cg1's open offer was not withdrawn")
	}
	if o.Status() != order.StatusOffered || len(o.Pending()) != before {
		t.Fatalf("with cg2 still asked: %s, %d events; want offered, none", o.Status(), len(o.Pending())-before)
	}
	faulttest.Is(t, o.Accept(cg1, eid(), now), order.ErrOfferExpired)

	if !leave(t, o, "cg2", now) {
		t.Fatal("cg2's open offer was not withdrawn")
	}
	if o.Status() != order.StatusDispatching || lastEvent(t, o).Type != order.EventDispatched {
		t.Fatalf("with nobody left to ask: %s, last event %s; want dispatching, order.dispatched",
			o.Status(), lastEvent(t, o).Type)
	}
	if leave(t, o, "cg2", now) || leave(t, o, "cg3", now) {
		t.Fatal("leaving again, or leaving an order never offered, changed it")
	}
}

// An order the caregiver accepted goes back to dispatch, with the
// family told when the visit is near.
func TestAnAcceptedOrderIsHandedBackWhenItsCaregiverLeaves(t *testing.T) {
	for _, c := range []struct {
		status order.Status
		at     time.Time
		near   string
	}{
		{order.StatusAccepted, acceptAt.Add(time.Minute), "false"}, // a day and more ahead
		{order.StatusAccepted, windowStart.Add(-order.HandBackNotice), "true"},
		{order.StatusEnRoute, startAt.Add(time.Minute), "true"},
	} {
		o := in(t, c.status)
		if !leave(t, o, "cg1", c.at) {
			t.Fatalf("%s: nothing handed back", c.status)
		}
		if o.Status() != order.StatusDispatching || o.CaregiverID() != "" {
			t.Fatalf("%s: now %s with caregiver %q; want dispatching with nobody", c.status, o.Status(), o.CaregiverID())
		}
		e := lastEvent(t, o)
		if e.Type != order.EventHandedBack || e.Data["previousCaregiverId"] != "cg1" || e.Data["windowNear"] != c.near {
			t.Fatalf("%s: announced %s %v; want order.handed_back from cg1, windowNear %s", c.status, e.Type, e.Data, c.near)
		}
		rd := o.Redispatches()
		if len(rd) != 1 || rd[0].CaregiverID != "cg1" || rd[0].Reason != order.ReasonCaregiverLeft {
			t.Fatalf("%s: redispatches %+v", c.status, rd)
		}
		faulttest.Is(t, o.Start(cg1, eid(), c.at), order.ErrNotOffered)
		if leave(t, o, "cg1", c.at) {
			t.Fatalf("%s: handing back twice changed the order", c.status)
		}
	}
}

// A visit under way is flagged once for the office, which then withdraws
// it; without the flag the office cannot end a visit under way.
func TestAVisitUnderWayIsFlaggedForTheOffice(t *testing.T) {
	for _, s := range []order.Status{order.StatusArrived, order.StatusInService} {
		o := in(t, s)
		now := beginAt.Add(5 * time.Minute)
		faulttest.Is(t, o.Withdraw(dispatcher, "护理员离职", eid(), now), order.ErrTransition)
		faulttest.Is(t, o.Cancel(dispatcher, "护理员离职", eid(), now), order.ErrTransition)
		if !leave(t, o, "cg1", now) {
			t.Fatalf("%s: not flagged", s)
		}
		d, ok := o.Departure()
		if !ok || d.CaregiverID != "cg1" || !d.At.Equal(now) || o.Status() != s {
			t.Fatalf("%s: departure %+v %v, status %s", s, d, ok, o.Status())
		}
		if e := lastEvent(t, o); e.Type != order.EventCaregiverLeft || e.Data["caregiverId"] != "cg1" {
			t.Fatalf("%s: announced %s %v", s, e.Type, e.Data)
		}
		n := len(o.Pending())
		if leave(t, o, "cg1", now.Add(time.Minute)) || len(o.Pending()) != n {
			t.Fatalf("%s: flagged twice", s)
		}
		faulttest.Is(t, o.Cancel(dispatcher, "", eid(), now), order.ErrReasonRequired)
		must(t, o.Cancel(dispatcher, "护理员离职，已致电家属", eid(), now))
		if c, _ := o.Cancellation(); o.Status() != order.StatusCancelledByProvider || c.FeeFen != 0 {
			t.Fatalf("%s: resolved to %s owing %d, want cancelled_by_provider owing nothing", s, o.Status(), c.FeeFen)
		}
	}
}

// A completed visit stays as it was: its record is the provider's.
func TestACompletedVisitIsLeftAlone(t *testing.T) {
	o := in(t, order.StatusCompleted)
	if leave(t, o, "cg1", checkOutAt.Add(time.Hour)) {
		t.Fatal("a completed visit changed when its caregiver left")
	}
}
