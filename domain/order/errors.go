package order

import (
	"errors"

	"github.com/kincare/kincare/domain/fault"
)

var (
	// ErrNotFound is what anyone gets for an order that is not theirs
	// (invariant 7: a foreign id answers 404, not 403).
	ErrNotFound = fault.New(fault.NotFound, "order_not_found")
	// ErrNotOffered is a caregiver acting on an order never offered or
	// not assigned to them: to them it does not exist.
	ErrNotOffered = fault.New(fault.NotFound, "order_not_found")
	// ErrInvalid names every bad field of a new order.
	ErrInvalid = fault.New(fault.Unprocessable, "order_invalid")
	// ErrAlreadyAccepted is the loser of the acceptance race.
	ErrAlreadyAccepted = fault.New(fault.Conflict, "order_already_accepted")
	// ErrTransition is an action the order's status does not allow; its
	// params carry the status and the action.
	ErrTransition = fault.New(fault.Conflict, "order_status_conflict")
	// ErrForbidden is a party that may never do the action (a family
	// checking in), on an order it may otherwise see.
	ErrForbidden = fault.New(fault.Forbidden, "order_action_forbidden")
	// ErrTooEarly is a timed action before its time: expiry before the
	// window start, auto-confirmation before 48 h, a no-show claimed
	// before the grace period. Params carry notBefore.
	ErrTooEarly = fault.New(fault.Conflict, "order_action_too_early")
	// ErrOfferExpired is an offer that is no longer open: lapsed,
	// declined or withdrawn.
	ErrOfferExpired = fault.New(fault.Conflict, "offer_expired")
	// ErrOffersFull bounds the order's document.
	ErrOffersFull = fault.New(fault.Conflict, "order_offers_full")
	// ErrReasonRequired: a provider cancels only with a reason.
	ErrReasonRequired = fault.New(fault.Unprocessable, "reason_required")
	// ErrCheckInReasonRequired is a check-in outside the geofence or the
	// time tolerance without a reason; its fields say which.
	ErrCheckInReasonRequired = fault.New(fault.Unprocessable, "check_in_reason_required")
	// ErrVitalsOutOfRange names the vital sign that cannot be right.
	ErrVitalsOutOfRange = fault.New(fault.Unprocessable, "vitals_out_of_range")
	// ErrChecklistItem is a ticked item not on the order's checklist.
	ErrChecklistItem = fault.New(fault.Unprocessable, "checklist_item_invalid")
	// ErrRecordInvalid is any other bad part of a service record or
	// check-in/out report.
	ErrRecordInvalid = fault.New(fault.Unprocessable, "service_record_invalid")
)

// errEventID is a programming error: the app must pass an id for the
// event every state change records, and the time it happens.
var errEventID = errors.New("order: an event id and the time are required")

func (o *Order) conflict(a Action) error {
	return ErrTransition.With(map[string]any{"status": string(o.status), "action": string(a)})
}
