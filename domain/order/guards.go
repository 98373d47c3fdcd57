package order

import "time"

// Timers: how long kincare waits before acting on its own, or before a
// party may claim something went wrong.
const (
	// AutoConfirmAfter: a family that says nothing for 48 h after
	// check-out has accepted the service.
	AutoConfirmAfter = 48 * time.Hour
	// NoShowGrace: a caregiver is late, not absent, until 30 min after
	// the window start.
	NoShowGrace = 30 * time.Minute
	// RecipientWait: a caregiver at the door waits 15 min before
	// reporting that nobody answered.
	RecipientWait = 15 * time.Minute
)

// move checks that by may do a now and says where it leads. It changes
// nothing, so a refused action leaves the order as it was. The order of
// checks decides which error a caller sees:
//  1. a party that may never do a: forbidden;
//  2. a caregiver the order is not offered (accept, decline) or not
//     assigned (everything else) to: not found, as if it did not exist;
//  3. an acceptance after someone else's: already accepted;
//  4. an action the status does not allow: status conflict.
func (o *Order) move(by Actor, a Action, eventID string, now time.Time) (Status, error) {
	if eventID == "" || now.IsZero() {
		return "", errEventID
	}
	if !by.valid() || !MayEver(a, by.Party) {
		return "", ErrForbidden.With(map[string]any{"action": string(a)})
	}
	if by.Party == PartyCaregiver {
		switch a {
		case ActionAccept, ActionDecline:
			if o.offerOf(by.UserID) == nil {
				return "", ErrNotOffered
			}
		default:
			if by.UserID != o.caregiverID {
				return "", ErrNotOffered
			}
		}
	}
	if a == ActionAccept && o.status.Held() {
		return "", ErrAlreadyAccepted
	}
	next, ok := Next(o.status, a, by.Party)
	if !ok {
		return "", o.conflict(a)
	}
	return next, nil
}

// notBefore refuses a timed action before its time.
func notBefore(t, now time.Time) error {
	if now.Before(t) {
		return ErrTooEarly.With(map[string]any{"notBefore": t.UTC().Format(time.RFC3339)})
	}
	return nil
}
