package reservation_test

import (
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/reservation"
)

// booked is lele's place on Monday morning, confirmed on Friday night.
func booked(t *testing.T) (*reservation.Slot, *reservation.Booking) {
	t.Helper()
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	st, _, err := s.Confirm(seat("a", reservation.Inclusive), t0)
	must(t, err)
	return s, reservation.NewBooking(s, st, "e-confirmed")
}

func TestABookingIsItsSeatAndAnnouncesItself(t *testing.T) {
	s, b := booked(t)
	holdID := reservation.HoldID(slotID, "a")
	if b.ID() != holdID || b.SlotID() != slotID || b.ProviderID() != "sunshine" || b.FamilyID() != "wang" ||
		b.Status() != reservation.Confirmed || b.Cancellation() != nil || b.Window() != s.Window() ||
		b.Resource() != s.Resource() || b.Seat().RecipientID != "lele" {
		t.Fatalf("booking %+v", b.Snapshot())
	}
	pending := b.Pending()
	if len(pending) != 1 {
		t.Fatalf("%d events", len(pending))
	}
	e := pending[0]
	if e.ID != "e-confirmed" || e.Type != reservation.EventConfirmed || reservation.Urgent(e.Type) ||
		e.Subject != (event.Subject{Kind: "booking", ID: holdID}) || !e.At.Equal(t0) {
		t.Fatalf("event %+v", e)
	}
	want := map[string]string{
		"bookingId": holdID, "slotId": slotID, "familyId": "wang", "providerId": "sunshine",
		"bookedBy": "mum-a", "recipientId": "lele", "tier": "inclusive",
		"resourceKind": "childcare_offering", "resourceId": "half-day",
		"start": "2026-11-23T00:00:00Z", "end": "2026-11-23T04:00:00Z", "timeZone": "Asia/Shanghai",
		"startLocal": "2026-11-23 08:00",
	}
	if !reflect.DeepEqual(e.Data, want) {
		t.Fatalf("data %v\nwant %v", e.Data, want)
	}
}

func TestWhoCancelsAndWhy(t *testing.T) {
	long := strings.Repeat("病", 501)
	for _, c := range []struct {
		name   string
		by     reservation.Party
		reason string
		want   *fault.Error
		field  string // the refused field's code
		event  event.Type
	}{
		{"a family need not say why", reservation.ByFamily, "", nil, "", reservation.EventCancelledByFamily},
		{"a family may say why", reservation.ByFamily, " 孩子发烧 ", nil, "", reservation.EventCancelledByFamily},
		{"a provider must say why", reservation.ByProvider, "", reservation.ErrReasonRequired, "required", ""},
		{"blanks are no reason", reservation.ByProvider, " \t\n", reservation.ErrReasonRequired, "required", ""},
		{"a provider that says why", reservation.ByProvider, "老师生病，当天停托", nil, "", reservation.EventCancelledByProvider},
		{"500 characters are enough", reservation.ByProvider, strings.Repeat("病", 500), nil, "", reservation.EventCancelledByProvider},
		{"a provider's essay", reservation.ByProvider, long, reservation.ErrReasonRequired, "maxLength", ""},
		{"a family's essay", reservation.ByFamily, long, reservation.ErrReasonRequired, "maxLength", ""},
	} {
		_, b := booked(t)
		at := t0.Add(time.Hour)
		err := b.Cancel(c.by, "user-1", c.reason, at, "e-cancelled")
		if c.want != nil {
			if !fault.Is(err, c.want) || faulttest.Fields(err)["/reason"] != c.field {
				t.Errorf("%s: %v %v, want %s on /reason", c.name, err, faulttest.Fields(err), c.field)
			}
			if b.Status() != reservation.Confirmed || b.Cancellation() != nil || len(b.Pending()) != 1 {
				t.Errorf("%s: a refused cancellation changed the booking", c.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		reason := strings.TrimSpace(c.reason)
		cn := b.Cancellation()
		if b.Status() != reservation.Cancelled || cn == nil || cn.By != c.by || cn.UserID != "user-1" ||
			cn.Reason != reason || !cn.At.Equal(at) || cn.At.Location() != time.UTC {
			t.Errorf("%s: %s %+v", c.name, b.Status(), cn)
			continue
		}
		p := b.Pending()
		if len(p) != 2 {
			t.Errorf("%s: %d events", c.name, len(p))
			continue
		}
		e := p[1]
		if e.ID != "e-cancelled" || e.Type != c.event || e.Data["bookingId"] != b.ID() || e.Data["familyId"] != "wang" ||
			e.Data["reason"] != reason {
			t.Errorf("%s: event %+v", c.name, e)
		}
		if _, has := e.Data["reason"]; has != (reason != "") {
			t.Errorf("%s: reason in data %v", c.name, has)
		}
		// A family hears of a provider's cancellation through quiet hours.
		if reservation.Urgent(e.Type) != (c.by == reservation.ByProvider) {
			t.Errorf("%s: urgent %v", c.name, reservation.Urgent(e.Type))
		}
	}
}

func TestABookingIsCancelledOnce(t *testing.T) {
	for _, second := range []reservation.Party{reservation.ByFamily, reservation.ByProvider} {
		_, b := booked(t)
		must(t, b.Cancel(reservation.ByFamily, "mum-a", "", t0, eid()))
		err := b.Cancel(second, "someone", "又取消", t0.Add(time.Minute), eid())
		faulttest.Is(t, err, reservation.ErrAlreadyCancelled)
		if cn := b.Cancellation(); cn.By != reservation.ByFamily || cn.UserID != "mum-a" || len(b.Pending()) != 2 {
			t.Fatalf("the second cancellation by %s changed %+v (%d events)", second, cn, len(b.Pending()))
		}
	}
}

func TestASnapshotRebuildsTheSameBooking(t *testing.T) {
	_, b := booked(t)
	must(t, b.Cancel(reservation.ByProvider, "teacher", "停电", t0.Add(time.Hour), eid()))
	snap := b.Snapshot()
	back := reservation.UnmarshalBooking(snap)
	if !reflect.DeepEqual(back.Snapshot(), snap) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back.Snapshot(), snap)
	}
	if len(back.Pending()) != 2 || back.Status() != reservation.Cancelled {
		t.Fatalf("rebuilt: %s, %d events", back.Status(), len(back.Pending()))
	}
	faulttest.Is(t, back.Cancel(reservation.ByFamily, "mum-a", "", t0, eid()), reservation.ErrAlreadyCancelled)
}

func TestEveryBookingEventIsNamedOnceAndUrgentOnlyWhenMinutesCount(t *testing.T) {
	urgent := map[event.Type]bool{
		reservation.EventConfirmed:           false,
		reservation.EventCancelledByFamily:   false,
		reservation.EventCancelledByProvider: true,
		reservation.EventWaitlistPromoted:    true,
		reservation.EventHoldExpiring:        true,
	}
	// Class seats have the same events under their own names.
	for ty, u := range maps.Clone(urgent) {
		urgent[reservation.TypeFor(reservation.ClassSession, ty)] = u
	}
	// Meal portions have no waitlist and no reminders: three of them.
	for _, ty := range []event.Type{reservation.EventConfirmed, reservation.EventCancelledByFamily, reservation.EventCancelledByProvider} {
		urgent[reservation.TypeFor(reservation.MealWindow, ty)] = urgent[ty]
	}
	seen := map[event.Type]bool{}
	for _, ty := range reservation.EventTypes {
		want, known := urgent[ty]
		named := strings.HasPrefix(string(ty), "booking.") || strings.HasPrefix(string(ty), "class_booking.") ||
			strings.HasPrefix(string(ty), "meal_booking.")
		if !known || seen[ty] || !named {
			t.Errorf("event type %q", ty)
		}
		seen[ty] = true
		if reservation.Urgent(ty) != want {
			t.Errorf("Urgent(%s) = %v", ty, !want)
		}
	}
	if len(seen) != len(urgent) {
		t.Fatalf("EventTypes lists %d of %d types", len(seen), len(urgent))
	}
}
