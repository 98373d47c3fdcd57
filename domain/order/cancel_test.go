package order_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/order"
)

func TestAFamilyCancelsFreeUntilACaregiverHoldsTheOrder(t *testing.T) {
	const fee = 3000 // the provider's published fee, in the draft
	cases := []struct {
		from order.Status
		fee  int64
	}{
		{order.StatusCreated, 0},
		{order.StatusDispatching, 0},
		{order.StatusOffered, 0},
		{order.StatusAccepted, fee},
		{order.StatusEnRoute, fee},
		{order.StatusArrived, fee},
	}
	for _, c := range cases {
		o := in(t, c.from)
		now := windowStart.Add(-10 * time.Minute)
		must(t, o.Cancel(daughter, "妈妈住院了", eid(), now))
		got, ok := o.Cancellation()
		if !ok || o.Status() != order.StatusCancelledByFamily || got.FeeFen != c.fee || got.By != order.PartyFamily ||
			got.UserID != "daughter" || got.Reason != "妈妈住院了" || !got.At.Equal(now) {
			t.Errorf("from %s: %s %+v", c.from, o.Status(), got)
		}
		if e := lastEvent(t, o); e.Type != order.EventCancelledByFamily || e.Data["feeFen"] != itoa(c.fee) {
			t.Errorf("from %s: event %+v", c.from, e)
		}
	}
	// Once service has begun, there is nothing left to cancel.
	faulttest.Is(t, in(t, order.StatusInService).Cancel(daughter, "", eid(), beginAt), order.ErrTransition)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAProvidersCancelSendsTheOrderBackToDispatch(t *testing.T) {
	o := in(t, order.StatusEnRoute)
	now := startAt.Add(5 * time.Minute)
	faulttest.Is(t, o.Cancel(dispatcher, "  ", eid(), now), order.ErrReasonRequired)
	must(t, o.Cancel(dispatcher, "护理员突发疾病", eid(), now))
	if o.Status() != order.StatusDispatching || o.CaregiverID() != "" {
		t.Fatalf("%s, caregiver %q", o.Status(), o.CaregiverID())
	}
	if _, ended := o.Cancellation(); ended {
		t.Fatal("a hand-back recorded as the order's end")
	}
	r := o.Redispatches()
	if len(r) != 1 || r[0].CaregiverID != "cg1" || r[0].Reason != "护理员突发疾病" || r[0].ByUserID != "dispatcher" {
		t.Fatalf("redispatches %+v", r)
	}
	e := lastEvent(t, o)
	if e.Type != order.EventRedispatched || e.Data["previousCaregiverId"] != "cg1" || !order.Urgent(e.Type) {
		t.Fatalf("event %+v", e)
	}
	// The caregiver taken off it no longer sees it, nor the address.
	if o.CaregiverMaySee("cg1", now) || o.CaregiverMaySeeAddress(now) {
		t.Fatal("the old caregiver still sees the order")
	}
	faulttest.Is(t, o.CheckIn(cg1, order.Report{DeviceTime: now, Point: home}, order.DefaultCheckInRules, eid(), now),
		order.ErrNotOffered)
	// And the family, whose order goes on, cancels free: nobody holds it.
	must(t, o.Cancel(daughter, "", eid(), now))
	if c, _ := o.Cancellation(); c.FeeFen != 0 {
		t.Fatalf("fee %d after the provider dropped the order", c.FeeFen)
	}
}

func TestAProviderWhoCannotServeEndsTheOrder(t *testing.T) {
	// After the window start there is nobody else to find in time.
	o := in(t, order.StatusAccepted)
	late := windowStart.Add(5 * time.Minute)
	must(t, o.Cancel(dispatcher, "护理员联系不上", eid(), late))
	c, _ := o.Cancellation()
	if o.Status() != order.StatusCancelledByProvider || c.FeeFen != 0 || c.By != order.PartyProvider {
		t.Fatalf("%s %+v", o.Status(), c)
	}
	if e := lastEvent(t, o); e.Type != order.EventCancelledByProvider || !order.Urgent(e.Type) ||
		e.Data["reason"] != "护理员联系不上" {
		t.Fatalf("event %+v", e)
	}
	// Before it, by saying so.
	o = in(t, order.StatusDispatching)
	faulttest.Is(t, o.Withdraw(dispatcher, "", eid(), t0), order.ErrReasonRequired)
	must(t, o.Withdraw(dispatcher, "本区域暂停服务", eid(), t0))
	if o.Status() != order.StatusCancelledByProvider {
		t.Fatal(o.Status())
	}
	// Nothing to give back before anyone was asked.
	faulttest.Is(t, in(t, order.StatusDispatching).Cancel(dispatcher, "x", eid(), t0), order.ErrTransition)
}

func TestNoShowsAndExpiryEndTheOrderWithTheRightFee(t *testing.T) {
	o := in(t, order.StatusArrived)
	must(t, o.NoShowRecipient(cg1, "敲门无人应答", eid(), checkInAt.Add(order.RecipientWait)))
	if c, _ := o.Cancellation(); c.FeeFen != 3000 || c.Status != order.StatusNoShowRecipient {
		t.Fatalf("nobody at the door: %+v", c)
	}
	o = in(t, order.StatusAccepted)
	must(t, o.NoShowCaregiver(order.BySystem, "", eid(), windowStart.Add(order.NoShowGrace)))
	if c, _ := o.Cancellation(); c.FeeFen != 0 || c.By != order.PartySystem {
		t.Fatalf("nobody came: %+v", c)
	}
	o = in(t, order.StatusOffered)
	faulttest.Is(t, o.Expire(order.BySystem, eid(), windowStart.Add(-time.Second)), order.ErrTooEarly)
	must(t, o.Expire(order.BySystem, eid(), windowStart))
	if c, _ := o.Cancellation(); o.Status() != order.StatusExpired || c.FeeFen != 0 {
		t.Fatalf("%s %+v", o.Status(), c)
	}
	for _, f := range o.Offers() {
		if f.ClosedAt.IsZero() {
			t.Fatalf("offer to %s left open on an expired order", f.CaregiverID)
		}
	}
}

func TestConfirmation(t *testing.T) {
	o := in(t, order.StatusCompleted)
	due := checkOutAt.Add(order.AutoConfirmAfter)
	if !o.AutoConfirmDue().Equal(due) {
		t.Fatalf("auto-confirm due %v", o.AutoConfirmDue())
	}
	faulttest.Is(t, o.Confirm(order.BySystem, eid(), due.Add(-time.Second)), order.ErrTooEarly)
	must(t, o.Confirm(order.BySystem, eid(), due))
	if e := lastEvent(t, o); o.Status() != order.StatusConfirmed || e.Data["auto"] != "true" {
		t.Fatalf("%s %+v", o.Status(), e)
	}
	// The family need not wait.
	o = in(t, order.StatusCompleted)
	must(t, o.Confirm(daughter, eid(), checkOutAt.Add(time.Minute)))
	if e := lastEvent(t, o); e.Data["auto"] != "false" {
		t.Fatalf("%+v", e)
	}
	faulttest.Is(t, o.Confirm(daughter, eid(), checkOutAt.Add(time.Hour)), order.ErrTransition)
}

// Every reason the order keeps is display text (domain/text): a bidi
// override, a control character or nothing visible is refused, naming
// the field, and the order does not move.
func TestEndingsRefuseBadText(t *testing.T) {
	for _, bad := range []struct{ text, code string }{
		{"敲门\u202e无人", "bidi_control"}, {"\u200b", "invisible"}, {"无人\x00应答", "control_character"},
	} {
		for name, act := range map[string]func(*order.Order) error{
			"no-show of the recipient": func(o *order.Order) error {
				return o.NoShowRecipient(cg1, bad.text, eid(), checkInAt.Add(order.RecipientWait))
			},
			"cancel by the family": func(o *order.Order) error { return o.Cancel(daughter, bad.text, eid(), checkInAt) },
			"decline":              func(o *order.Order) error { return o.Decline(cg2, bad.text, eid(), acceptAt) },
		} {
			status := map[string]order.Status{"decline": order.StatusOffered}[name]
			if status == "" {
				status = order.StatusArrived
			}
			o := in(t, status)
			if got := faulttest.Fields(act(o))["/reason"]; got != bad.code {
				t.Errorf("%s with reason %+q: /reason %q, want %s", name, bad.text, got, bad.code)
			}
			if o.Status() != status {
				t.Errorf("%s with reason %+q moved the order to %s", name, bad.text, o.Status())
			}
		}
	}
}
