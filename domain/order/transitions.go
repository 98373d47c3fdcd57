package order

import "slices"

// Action is something an actor asks of an order.
type Action string

const (
	ActionDispatch        Action = "dispatch"          // into the provider's dispatch queue; from offered, withdraw every open offer and start again
	ActionOffer           Action = "offer"             // offer to one eligible caregiver
	ActionAssign          Action = "assign"            // the provider gives the order to one of its caregivers directly
	ActionAccept          Action = "accept"            // an offered caregiver takes it; exactly one wins
	ActionDecline         Action = "decline"           // an offered caregiver turns it down
	ActionStart           Action = "start"             // the caregiver sets off (en route)
	ActionCheckIn         Action = "check_in"          // at the elder's door
	ActionBeginService    Action = "begin_service"     // the elder let them in; service begins
	ActionCheckOut        Action = "check_out"         // service done
	ActionConfirm         Action = "confirm"           // the family (or, 48 h after check-out, the system; or the elder with the visit code) accepts the service
	ActionCancel          Action = "cancel"            // family: the order ends; provider: the caregiver is taken off and it is dispatched again
	ActionWithdraw        Action = "withdraw"          // the provider cannot serve it at all; the order ends
	ActionNoShowCaregiver Action = "no_show_caregiver" // nobody came
	ActionNoShowRecipient Action = "no_show_recipient" // nobody answered the door
	ActionExpire          Action = "expire"            // nobody accepted before the window start
	ActionRelease         Action = "release"           // the caregiver left the provider's staff before check-in; back to dispatch
)

// Actions lists every action.
var Actions = []Action{ActionDispatch, ActionOffer, ActionAssign, ActionAccept, ActionDecline, ActionStart,
	ActionCheckIn, ActionBeginService, ActionCheckOut, ActionConfirm, ActionCancel, ActionWithdraw,
	ActionNoShowCaregiver, ActionNoShowRecipient, ActionExpire, ActionRelease}

// Transition is one row of the state machine: in state From, any of By
// may do Action, and the order moves to To. (From, Action) may have
// several rows when parties lead to different states — a family's
// cancel ends the order, a provider's sends it back to dispatch — but
// never two for the same party.
type Transition struct {
	From   Status
	Action Action
	By     []Party
	To     Status
}

// Who may act, as the table's column reads.
var (
	fam       = []Party{PartyFamily}
	prov      = []Party{PartyProvider}
	cg        = []Party{PartyCaregiver}
	sys       = []Party{PartySystem}
	provOrSys = []Party{PartyProvider, PartySystem}
	famOrSys  = []Party{PartyFamily, PartySystem}
	cgOrProv  = []Party{PartyCaregiver, PartyProvider}
	// the family, the system after 48 h, or the elder with the visit
	// code (ConfirmByElder)
	confirmers = []Party{PartyFamily, PartySystem, PartyElder}
)

// table is the whole state machine. Terminal states have no rows: they
// refuse everything. Rules the table cannot say, because they depend on
// time or on the offers, live with the action that needs them:
//   - a provider's cancel after the window start is a withdraw (cancel.go);
//   - declining the last open offer sends the order back to dispatching
//     (offers.go);
//   - expire, no-shows and the system's confirm wait for their time
//     (guards.go);
//   - a provider withdraws a visit under way (arrived, in service) only
//     once its caregiver has left the staff, which flags it (departure.go).
var table = []Transition{
	{StatusCreated, ActionDispatch, provOrSys, StatusDispatching},
	{StatusCreated, ActionCancel, fam, StatusCancelledByFamily},
	{StatusCreated, ActionWithdraw, prov, StatusCancelledByProvider},
	{StatusCreated, ActionExpire, sys, StatusExpired},

	{StatusDispatching, ActionOffer, provOrSys, StatusOffered},
	{StatusDispatching, ActionAssign, prov, StatusAccepted},
	{StatusDispatching, ActionCancel, fam, StatusCancelledByFamily},
	{StatusDispatching, ActionWithdraw, prov, StatusCancelledByProvider},
	{StatusDispatching, ActionExpire, sys, StatusExpired},

	{StatusOffered, ActionDispatch, provOrSys, StatusDispatching},
	{StatusOffered, ActionOffer, provOrSys, StatusOffered},
	{StatusOffered, ActionAssign, prov, StatusAccepted},
	{StatusOffered, ActionAccept, cg, StatusAccepted},
	{StatusOffered, ActionDecline, cg, StatusOffered},
	{StatusOffered, ActionCancel, fam, StatusCancelledByFamily},
	{StatusOffered, ActionCancel, prov, StatusDispatching},
	{StatusOffered, ActionWithdraw, prov, StatusCancelledByProvider},
	{StatusOffered, ActionExpire, sys, StatusExpired},

	{StatusAccepted, ActionStart, cg, StatusEnRoute},
	{StatusAccepted, ActionCheckIn, cg, StatusArrived}, // a caregiver who forgot to tap "on my way"
	{StatusAccepted, ActionCancel, fam, StatusCancelledByFamily},
	{StatusAccepted, ActionCancel, prov, StatusDispatching},
	{StatusAccepted, ActionWithdraw, prov, StatusCancelledByProvider},
	{StatusAccepted, ActionNoShowCaregiver, famOrSys, StatusNoShowCaregiver},
	{StatusAccepted, ActionRelease, sys, StatusDispatching},

	{StatusEnRoute, ActionCheckIn, cg, StatusArrived},
	{StatusEnRoute, ActionCancel, fam, StatusCancelledByFamily},
	{StatusEnRoute, ActionCancel, prov, StatusDispatching},
	{StatusEnRoute, ActionWithdraw, prov, StatusCancelledByProvider},
	{StatusEnRoute, ActionNoShowCaregiver, famOrSys, StatusNoShowCaregiver},
	{StatusEnRoute, ActionRelease, sys, StatusDispatching},

	{StatusArrived, ActionBeginService, cg, StatusInService},
	{StatusArrived, ActionCancel, fam, StatusCancelledByFamily},
	{StatusArrived, ActionNoShowRecipient, cgOrProv, StatusNoShowRecipient},
	{StatusArrived, ActionWithdraw, prov, StatusCancelledByProvider},

	{StatusInService, ActionCheckOut, cg, StatusCompleted},
	{StatusInService, ActionWithdraw, prov, StatusCancelledByProvider},

	{StatusCompleted, ActionConfirm, confirmers, StatusConfirmed},
}

// Transitions is the state machine, one row per (from, action, parties).
func Transitions() []Transition {
	out := make([]Transition, len(table))
	for i, t := range table {
		t.By = slices.Clone(t.By)
		out[i] = t
	}
	return out
}

// Next is where action a by party p leads from from, if anywhere.
func Next(from Status, a Action, p Party) (Status, bool) {
	for _, t := range table {
		if t.From == from && t.Action == a && slices.Contains(t.By, p) {
			return t.To, true
		}
	}
	return "", false
}

// MayEver reports whether p may do a in some state. A party that never
// may is refused as forbidden, whatever the state; one that may, but not
// now, is told the state conflicts.
func MayEver(a Action, p Party) bool {
	for _, t := range table {
		if t.Action == a && slices.Contains(t.By, p) {
			return true
		}
	}
	return false
}

// Allowed lists what p may do from s, for apps to show the right buttons.
func Allowed(s Status, p Party) []Action {
	var out []Action
	for _, t := range table {
		if t.From == s && slices.Contains(t.By, p) && !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}
