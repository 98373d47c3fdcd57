package reservation

import "github.com/kincare/kincare/domain/event"

// Events of the reservation engine. Their data carries ids and the
// slot's window, never names, phone numbers or a child's details.
const (
	EventConfirmed           event.Type = "booking.confirmed"
	EventCancelledByFamily   event.Type = "booking.cancelled_by_family"
	EventCancelledByProvider event.Type = "booking.cancelled_by_provider"
	EventWaitlistPromoted    event.Type = "booking.waitlist_promoted"
	// EventHoldExpiring is a reminder a few minutes before a hold lapses.
	// It is scheduled with the hold itself (both live in Redis and are
	// lost together) and tells nobody once the hold is confirmed or gone.
	EventHoldExpiring event.Type = "booking.hold_expiring"
)

// EventTypes lists every type, for the notification catalog's test.
var EventTypes = []event.Type{EventConfirmed, EventCancelledByFamily, EventCancelledByProvider,
	EventWaitlistPromoted, EventHoldExpiring, EventClassConfirmed, EventClassCancelledByFamily,
	EventClassCancelledByProvider, EventClassOffered, EventClassHoldExpiring,
	EventMealConfirmed, EventMealCancelledByFamily, EventMealCancelledByProvider}

// Urgent reports whether t must reach people through quiet hours: a
// place offered from the waitlist lapses in minutes, as does a hold, and
// a provider cancelling a child's place changes the family's day.
func Urgent(t event.Type) bool {
	switch t {
	case EventWaitlistPromoted, EventHoldExpiring, EventCancelledByProvider,
		EventClassOffered, EventClassHoldExpiring, EventClassCancelledByProvider, EventMealCancelledByProvider:
		return true
	}
	return false
}
