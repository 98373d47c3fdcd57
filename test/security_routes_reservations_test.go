package e2e_test

// Rows: childcare offerings and slots (public to anyone signed in; their
// provider's admins and office staff change them), and holds, bookings
// and waitlists (the parent's, the family's, and the provider's).

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func reservationRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf := http.StatusNotFound
	offering := "/v1/offerings/" + w.offeringA
	slot := "/v1/slots/" + w.slotA
	managers := who{provA: ok, officeA: ok}

	day := shanghaiToday().AddDate(0, 0, 2).Format(time.DateOnly)
	from := time.Now().UTC().Truncate(time.Second)
	return []row{
		{op: "listProviderOfferings", fixture: fixture{path: "/v1/providers/" + w.provA + "/offerings"}, others: ok},
		{op: "createOffering", fixture: fixture{path: "/v1/providers/" + w.provA + "/offerings", body: halfDayBody(10, 2)},
			want: who{provA: created, officeA: created}, others: nf},
		{op: "getOffering", fixture: fixture{path: offering}, others: ok},
		{op: "openSlots", fixture: fixture{path: offering + "/slots", body: map[string]string{"from": day, "to": day}},
			want: managers, others: nf},
		{op: "getAvailability", fixture: fixture{path: offering + "/availability?from=" + url.QueryEscape(from.Format(time.RFC3339)) +
			"&to=" + url.QueryEscape(from.AddDate(0, 0, 7).Format(time.RFC3339))}, others: ok},
		{op: "getSlot", fixture: fixture{path: slot}, others: ok},
		{op: "updateSlotCapacity", fixture: fixture{path: slot, body: map[string]int{"capacity": 20, "inclusiveQuota": 5}},
			want: managers, others: nf},
		// Every account may hold a childcare place for a child of theirs,
		// whatever else it does, but an elder's own account.
		{op: "createHold", fixture: fixture{path: "/v1/slots/" + w.slotB + "/holds", body: map[string]string{"tier": "market"}},
			want: who{elderAcct: http.StatusForbidden}, others: created},
		{op: "getHold", fixture: fixture{path: "/v1/holds/" + w.holdA}, want: who{famA: ok}, others: nf},
		{op: "releaseHold", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/holds/" + w.hold(t, famA, w.who(provA).openDay(t, w.offeringA, <-w.days).SlotID)}
		}, want: who{famA: ok}, others: nf},
		{op: "confirmHold", fresh: func(t *testing.T, w *world) fixture {
			h := w.hold(t, famA, w.who(provA).openDay(t, w.offeringA, <-w.days).SlotID)
			return fixture{path: "/v1/holds/" + h + "/confirm", body: map[string]string{"childId": w.childA}}
		}, want: who{famA: created, elderAcct: http.StatusForbidden}, others: nf},
		{op: "getBooking", fixture: fixture{path: "/v1/bookings/" + w.bookingA},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok}, others: nf},
		// Cancelled already: the parties get 409, past every check of who
		// may cancel.
		{op: "cancelBooking", fixture: fixture{path: "/v1/bookings/" + w.bookingCancelled + "/cancel",
			body: map[string]string{"reason": "孩子生病"}},
			want:   who{famA: http.StatusConflict, famA2: http.StatusConflict, provA: http.StatusConflict, officeA: http.StatusConflict},
			others: nf},
		{op: "listFamilyBookings", fixture: fixture{path: "/v1/families/" + w.famA + "/bookings"},
			want: who{famA: ok, famA2: ok}, others: nf},
		{op: "listProviderBookings", fixture: fixture{path: "/v1/providers/" + w.provA + "/bookings"}, want: managers, others: nf},
		// Anyone may wait for a full slot; one's place is one's own (none:
		// position 0), and leaving a list one is not on changes nothing.
		{op: "joinWaitlist", fixture: fixture{path: "/v1/slots/" + w.fullSlotA + "/waitlist", body: map[string]string{"tier": "market"}},
			want: who{elderAcct: http.StatusForbidden}, others: created},
		{op: "getWaitlistPlace", fixture: fixture{path: "/v1/slots/" + w.waitingSlotA + "/waitlist"}, others: ok},
		{op: "leaveWaitlist", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/slots/" + w.waitingSlot(t) + "/waitlist"}
		}, others: none, solo: []actor{famA}},
	}
}

// fullSlot is a fresh slot of provider A with one market place, which
// famB has booked: booked, not held, because a hold lapses within the
// hour and the rows may run later than that.
func (w *world) fullSlot(t *testing.T) string {
	t.Helper()
	id := w.who(provA).openDay(t, w.offeringA, <-w.days).SlotID
	wantStatus(t, w.who(provA).patch(t, "/v1/slots/"+id, map[string]int{"capacity": 1, "inclusiveQuota": 0}), http.StatusOK)
	wantStatus(t, w.who(famB).confirm(t, w.hold(t, famB, id), w.childB), http.StatusCreated)
	return id
}

// waitingSlot is a fresh full slot on whose waitlist famA is.
func (w *world) waitingSlot(t *testing.T) string {
	t.Helper()
	id := w.fullSlot(t)
	wantStatus(t, w.who(famA).post(t, "/v1/slots/"+id+"/waitlist", map[string]string{"tier": "market"}), http.StatusCreated)
	return id
}
