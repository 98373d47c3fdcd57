package meal

import "github.com/kincare/kincare/domain/fault"

// Errors of meal aid, with their stable codes.
var (
	ErrCanteenNotFound = fault.New(fault.NotFound, "canteen_not_found")
	ErrCanteenInvalid  = fault.New(fault.Unprocessable, "canteen_invalid")
	ErrNotACanteen     = fault.New(fault.Unprocessable, "provider_not_a_canteen")
	ErrMenuNotFound    = fault.New(fault.NotFound, "menu_not_found")
	ErrMenuInvalid     = fault.New(fault.Unprocessable, "menu_invalid")
	ErrCanteenClosed   = fault.New(fault.Conflict, "canteen_closed")
	// ErrCutoffPassed is an order, change or cancellation after the
	// window's order cutoff, in the canteen's zone.
	ErrCutoffPassed   = fault.New(fault.Conflict, "meal_cutoff_passed")
	ErrWindowFull     = fault.New(fault.Conflict, "window_full")
	ErrAlreadyOrdered = fault.New(fault.Conflict, "meal_already_ordered")
	ErrOrderNotFound  = fault.New(fault.NotFound, "meal_order_not_found")
	ErrOrderInvalid   = fault.New(fault.Unprocessable, "meal_order_invalid")
	ErrOrderCancelled = fault.New(fault.Conflict, "meal_order_cancelled")
	// ErrDietConflict is a meal with a dish the elder must not eat (an
	// allergen, or a diet the dish does not keep), unless the orderer
	// confirms the conflict in the request.
	ErrDietConflict    = fault.New(fault.Unprocessable, "meal_diet_conflict")
	ErrOutsideDelivery = fault.New(fault.Unprocessable, "delivery_address_outside_area")
	ErrRulesInvalid    = fault.New(fault.Unprocessable, "meal_subsidy_rules_invalid")
	ErrRulesNotFound   = fault.New(fault.NotFound, "meal_subsidy_rules_not_found")
	// ErrAlreadyServed is a second hand-over of one meal: it says who
	// handed it over (or marked it missed) and when.
	ErrAlreadyServed = fault.New(fault.Conflict, "meal_already_served")
	ErrNotYetServed  = fault.New(fault.Conflict, "meal_not_yet_served")
	ErrWindowNotOver = fault.New(fault.Conflict, "meal_window_not_over")
)
