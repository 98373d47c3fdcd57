package course

import (
	"fmt"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/reservation"
)

// Events of a session. They are recorded on its slot (the document that
// keeps its window), in the same write that sets or moves the window, so
// reminders can never disagree with the time they remind of.
const (
	// EventReminder is a reminder 24 h or 1 h before the start to every
	// attendee booked when it is delivered. A reminder of a start the
	// session no longer has, or of a cancelled session, reaches nobody.
	EventReminder event.Type = "class.reminder"
	// EventRescheduled tells every attendee the new time, urgently.
	EventRescheduled event.Type = "class.rescheduled"
	// EventCancelled tells those still waiting that the session is off
	// (attendees hear it from their booking's cancellation).
	EventCancelled event.Type = "class.cancelled"
	// EventWaitlistClosed tells those still waiting at the booking
	// deadline that no seat will come.
	EventWaitlistClosed event.Type = "class.waitlist_closed"
)

// EventTypes lists them, for the notification catalog's test.
var EventTypes = []event.Type{EventReminder, EventRescheduled, EventCancelled, EventWaitlistClosed}

// Urgent reports whether t cuts through quiet hours: a changed or
// cancelled class changes someone's day.
func Urgent(t event.Type) bool { return t == EventRescheduled || t == EventCancelled }

// Leads are how long before the start reminders go.
var Leads = []time.Duration{24 * time.Hour, time.Hour}

// LeadName names a lead in event data and ids: "24h", "1h".
func LeadName(d time.Duration) string { return fmt.Sprintf("%dh", int(d/time.Hour)) }

// Schedule records on a session's slot, as it is now, the reminders of
// its start and the closing of its waitlist at the booking deadline,
// those still ahead of now. Their ids name the slot and the instant, so
// recording them again for the same start changes nothing downstream.
func Schedule(sl *reservation.Slot, title string, now time.Time) {
	w := sl.Window()
	for _, lead := range Leads {
		due := w.Start.Add(-lead)
		if !due.After(now) {
			continue
		}
		name := LeadName(lead)
		e, err := event.Reminder(ReminderID(sl.ID(), w.Start, name), EventReminder, subject(sl), now, due,
			data(sl, title, map[string]string{"lead": name}))
		if err == nil {
			sl.Record(e)
		}
	}
	closes := sl.Rules().HoldsCloseAt
	if closes.After(now) {
		e, err := event.Reminder("class-waitlist-closed-"+sl.ID()+"-"+stamp(closes), EventWaitlistClosed, subject(sl),
			now, closes, data(sl, title, map[string]string{"closesAt": closes.UTC().Format(time.RFC3339)}))
		if err == nil {
			sl.Record(e)
		}
	}
}

// ReminderID names the reminder of a lead before a start.
func ReminderID(slotID string, start time.Time, lead string) string {
	return "class-reminder-" + slotID + "-" + stamp(start) + "-" + lead
}

// Rescheduled records the urgent notice of a move from an earlier start.
func Rescheduled(sl *reservation.Slot, title string, from reservation.Window, id string, now time.Time) {
	e, err := event.New(id, EventRescheduled, subject(sl), now, data(sl, title, map[string]string{
		"previousStart": from.Start.Format(time.RFC3339), "previousStartLocal": from.StartLocal()}))
	if err == nil {
		sl.Record(e)
	}
}

// CancelledForWaiters records the notice to those still waiting, who
// leave the waitlist in the same write: the event names them.
func CancelledForWaiters(sl *reservation.Slot, title, reason, id string, now time.Time) {
	var users []string
	for _, w := range sl.Waitlist() {
		users = append(users, w.UserID)
	}
	e, err := event.New(id, EventCancelled, subject(sl), now, data(sl, title, map[string]string{"reason": reason,
		"waiters": strings.Join(users, ",")}))
	if err == nil {
		sl.Record(e)
	}
}

func subject(sl *reservation.Slot) event.Subject { return event.Subject{Kind: "session", ID: sl.ID()} }

// data is what every session event carries: ids, the window and the
// course's title (the organiser's public words), never attendees.
func data(sl *reservation.Slot, title string, extra map[string]string) map[string]string {
	w := sl.Window()
	d := map[string]string{"sessionId": sl.ID(), "providerId": sl.ProviderID(), "title": title,
		"start": w.Start.Format(time.RFC3339), "end": w.End.Format(time.RFC3339), "timeZone": w.TimeZone,
		"startLocal": w.StartLocal()}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
