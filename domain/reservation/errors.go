package reservation

import "github.com/kincare/kincare/domain/fault"

var (
	ErrSlotNotFound    = fault.New(fault.NotFound, "slot_not_found")
	ErrHoldNotFound    = fault.New(fault.NotFound, "hold_not_found")
	ErrBookingNotFound = fault.New(fault.NotFound, "booking_not_found")
	ErrCapacityInvalid = fault.New(fault.Unprocessable, "capacity_invalid")
	// ErrBelowConfirmed is a capacity lowered under what is already
	// booked: places people hold cannot be taken back by a setting.
	ErrBelowConfirmed = fault.New(fault.Unprocessable, "capacity_below_confirmed")
	ErrSlotFull       = fault.New(fault.Conflict, "slot_full")
	ErrSlotClosed     = fault.New(fault.Conflict, "slot_closed")
	ErrHoldExpired    = fault.New(fault.Conflict, "hold_expired")
	ErrHoldReleased   = fault.New(fault.Conflict, "hold_released")
	// ErrHoldLimit is a user holding as many live holds as allowed.
	ErrHoldLimit     = fault.New(fault.Conflict, "hold_limit_reached")
	ErrHoldConfirmed = fault.New(fault.Conflict, "hold_already_confirmed")
	ErrWaitlistFull  = fault.New(fault.Conflict, "waitlist_full")
	// ErrPlacesLeft is joining a waitlist while the tier has free units
	// and nobody waits: the caller should hold one.
	ErrPlacesLeft       = fault.New(fault.Conflict, "slot_has_places")
	ErrAlreadyCancelled = fault.New(fault.Conflict, "booking_already_cancelled")
	ErrReasonRequired   = fault.New(fault.Unprocessable, "reason_required")
	ErrWindowInvalid    = fault.New(fault.Unprocessable, "slot_window_invalid")
)
