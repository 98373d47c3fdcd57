package reservation

import (
	"strings"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
)

// ChildcarePlace is the kind of a childcare offering's slot (托位): a
// slot whose units are places, each booked for a child.
const ChildcarePlace = "childcare_offering"

// EventPlacesChanged is a childcare slot opened, resized, or a place on
// it taken or given back. It tells nobody (the bookings' own events do):
// it keeps the regulator's childcare indicators current.
const EventPlacesChanged event.Type = "slot.places_changed"

// AnnouncePlaces records, on a childcare slot, that its places changed;
// other slots (meal windows, class sessions) announce nothing.
func (s *Slot) AnnouncePlaces(eventID string, now time.Time) {
	if s.resource.Kind != ChildcarePlace {
		return
	}
	e, err := event.New(eventID, EventPlacesChanged, event.Subject{Kind: "slot", ID: s.id}, now, s.eventData(nil))
	if err != nil {
		return // unreachable: the caller gives an id, the slot has one
	}
	s.Record(e)
}

// ClassSession is the kind of a parenting class's session (父母课堂): a
// slot whose units are seats, each booked by the parent (or family
// caregiver) who attends, not for a child.
const ClassSession = "class_session"

// classPrefix names the engine's events about class seats: their people
// need other words than a childcare place's, so they are other types.
const classPrefix = "class_booking."

// Events of class seats, the engine's events renamed for them.
const (
	EventClassConfirmed           event.Type = classPrefix + "confirmed"
	EventClassCancelledByFamily   event.Type = classPrefix + "cancelled_by_family"
	EventClassCancelledByProvider event.Type = classPrefix + "cancelled_by_provider"
	EventClassOffered             event.Type = classPrefix + "waitlist_promoted"
	EventClassHoldExpiring        event.Type = classPrefix + "hold_expiring"
)

// MealWindow is the kind of a canteen's meal window on one day (助餐):
// a slot whose units are portions, each booked by a family member for
// an elder. Its bookings are meal orders (domain/meal).
const MealWindow = "meal_window"

// mealPrefix names the engine's events about meal portions.
const mealPrefix = "meal_booking."

// Events of meal portions, the engine's events renamed for them. A meal
// has no waitlist and its holds are confirmed in the same request, so
// only these reach anyone.
const (
	EventMealConfirmed           event.Type = mealPrefix + "confirmed"
	EventMealCancelledByFamily   event.Type = mealPrefix + "cancelled_by_family"
	EventMealCancelledByProvider event.Type = mealPrefix + "cancelled_by_provider"
)

// TypeFor is the type an engine event has for slots of kind.
func TypeFor(kind string, t event.Type) event.Type {
	switch kind {
	case ClassSession:
		return event.Type(classPrefix + strings.TrimPrefix(string(t), "booking."))
	case MealWindow:
		return event.Type(mealPrefix + strings.TrimPrefix(string(t), "booking."))
	}
	return t
}

// ErrAlreadyBooked is a second seat for the same person on a slot that
// seats everyone once (a class).
var ErrAlreadyBooked = fault.New(fault.Conflict, "already_booked")

// SeatOf is the seat booked by a user, if any.
func (s *Slot) SeatOf(userID string) (Seat, bool) {
	for _, st := range s.seats {
		if st.BookedBy == userID {
			return st, true
		}
	}
	return Seat{}, false
}

// Reschedule moves the slot to another window, with the moment holds on
// it close. Seats, the waitlist and live promotions stay: the people who
// booked are told by whoever moved it.
func (s *Slot) Reschedule(w Window, holdsCloseAt time.Time) error {
	if !w.End.After(w.Start) || w.TimeZone == "" || holdsCloseAt.IsZero() {
		return ErrWindowInvalid
	}
	w.Start, w.End = w.Start.UTC(), w.End.UTC()
	s.window = w
	s.rules.HoldsCloseAt = holdsCloseAt.UTC()
	return nil
}

// CloseHolds ends holds on the slot at now (a cancelled class): nobody
// holds, waits or is offered a unit any more.
func (s *Slot) CloseHolds(now time.Time) {
	if now.Before(s.rules.HoldsCloseAt) {
		s.rules.HoldsCloseAt = now.UTC()
	}
}
