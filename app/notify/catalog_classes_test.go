package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/reservation"
)

// classEvents are a class session's events as its slot and bookings
// record them: reminders and the waitlist's closing when it is
// scheduled, a seat offered and booked, cancelled both ways, the session
// moved, and called off for those still waiting.
func classEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	start := now.Add(72 * time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "cs1", Resource: reservation.Resource{Kind: reservation.ClassSession, ID: "cs1"},
		ProviderID: "prov", Window: reservation.Window{Start: start, End: start.Add(90 * time.Minute), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 2}, Rules: reservation.Rules{OneSeatPerUser: true}}, now)
	if err != nil {
		t.Fatal(err)
	}
	course.Schedule(sl, "婴儿睡眠指导", now)
	from := sl.Window()
	moved := reservation.Window{Start: start.Add(24 * time.Hour), End: start.Add(25 * time.Hour), TimeZone: from.TimeZone}
	if err := sl.Reschedule(moved, moved.Start.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	course.Rescheduled(sl, "婴儿睡眠指导", from, newID(), now)
	sl.Join(reservation.Waiter{UserID: "u2", Tier: reservation.Market}, now)
	sl.Promote(reservation.Promotion{HoldID: "cs1_w", UserID: "u2", Tier: reservation.Market, ExpiresAt: now.Add(30 * time.Minute)}, now, newID())
	sl.Join(reservation.Waiter{UserID: "u3", Tier: reservation.Market}, now)
	course.CancelledForWaiters(sl, "婴儿睡眠指导", "讲师生病", newID(), now)
	seat, _, err := sl.Confirm(reservation.Seat{HoldID: "cs1_a", Tier: reservation.Market, BookedBy: "owner", RecipientID: "owner"}, now)
	if err != nil {
		t.Fatal(err)
	}
	events := sl.Pending()
	byFamily := reservation.NewBooking(sl, seat, newID())
	if err := byFamily.Cancel(reservation.ByFamily, "owner", "", now, newID()); err != nil {
		t.Fatal(err)
	}
	byProvider := reservation.NewBooking(sl, seat, newID())
	if err := byProvider.Cancel(reservation.ByProvider, "staff", "讲师生病", now, newID()); err != nil {
		t.Fatal(err)
	}
	events = append(append(events, byFamily.Pending()...), byProvider.Pending()...)
	reminder, err := event.Reminder(newID(), reservation.EventClassHoldExpiring, event.Subject{Kind: "hold", ID: "cs1_w"}, now,
		now.Add(25*time.Minute), map[string]string{"userId": "u2", "holdId": "cs1_w"})
	if err != nil {
		t.Fatal(err)
	}
	standing := course.Standing{UserID: "owner"}
	for i, id := range []string{"b1", "b2", "b3"} {
		at := now.Add(time.Duration(i) * 24 * time.Hour)
		standing.NoteNoShow(course.NoShow{BookingID: id, SessionID: "cs1", At: at}, course.DefaultNoShowRule, newID(), at,
			time.UTC)
	}
	return append(append(events, reminder), standing.Pending()...)
}
