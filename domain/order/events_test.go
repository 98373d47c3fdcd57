package order_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/order"
)

func TestEveryStateChangeAnnouncesItselfWithoutPersonalDetails(t *testing.T) {
	o := in(t, order.StatusConfirmed)
	var types []event.Type
	for _, e := range o.Pending() {
		types = append(types, e.Type)
		if e.Subject != (event.Subject{Kind: "order", ID: "o1"}) || e.ID == "" {
			t.Errorf("%s: subject %+v id %q", e.Type, e.Subject, e.ID)
		}
		d := e.Data
		if d["providerId"] != "xinfu" || d["elderId"] != "mother" || d["familyId"] != "wang" ||
			d["orderedBy"] != "daughter" || d["serviceType"] != "bathing" ||
			d["windowStart"] != "2026-11-26T02:00:00Z" || d["windowStartLocal"] != "2026-11-26 10:00" ||
			d["timeZone"] != "Asia/Shanghai" {
			t.Errorf("%s: data %v", e.Type, d)
		}
		for k, v := range d {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "phone") || strings.Contains(lk, "address") ||
				strings.Contains(v, "人民大道") || strings.Contains(v, "401") {
				t.Errorf("%s: personal detail %s=%q", e.Type, k, v)
			}
		}
	}
	want := []event.Type{order.EventCreated, order.EventDispatched, order.EventOffered, order.EventOffered,
		order.EventAccepted, order.EventEnRoute, order.EventArrived, order.EventServiceBegan, order.EventCompleted,
		order.EventConfirmed}
	if strings.Join(typeNames(types), " ") != strings.Join(typeNames(want), " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
	p := o.Pending()
	if p[2].Data["caregiverId"] != "cg1" || p[3].Data["caregiverId"] != "cg2" || p[2].Data["offerExpiresAt"] == "" {
		t.Fatalf("offers announce whom they went to: %v %v", p[2].Data, p[3].Data)
	}
	if p[5].Data["caregiverId"] != "cg1" || p[5].Data["status"] != "en_route" {
		t.Fatalf("en route: %v", p[5].Data)
	}
}

func typeNames(ts []event.Type) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// ... and a caregiver leaving the provider's staff with a visit in hand.
func TestUrgentAreTheArrivalAndTheProvidersCancellations(t *testing.T) {
	seen := map[event.Type]bool{}
	for _, ty := range order.EventTypes {
		if seen[ty] || !strings.HasPrefix(string(ty), "order.") {
			t.Errorf("event type %q", ty)
		}
		seen[ty] = true
		want := ty == order.EventArrived || ty == order.EventCancelledByProvider || ty == order.EventRedispatched ||
			ty == order.EventHandedBack || ty == order.EventCaregiverLeft
		if order.Urgent(ty) != want {
			t.Errorf("Urgent(%s) = %v", ty, !want)
		}
	}
}

func TestARefusedChangeAnnouncesNothing(t *testing.T) {
	o := in(t, order.StatusCreated)
	n := len(o.Pending())
	_ = o.Accept(cg1, eid(), t0)
	_ = o.Expire(order.BySystem, eid(), t0) // too early
	_ = o.Cancel(dispatcher, "", eid(), t0) // nothing to give back yet
	if len(o.Pending()) != n {
		t.Fatal("a refused change was announced")
	}
	if err := o.Dispatch(order.BySystem, "", t0.Add(time.Minute)); err == nil || o.Status() != order.StatusCreated {
		t.Fatal("a change without an event id went through")
	}
}
