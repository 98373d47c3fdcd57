package order

import (
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// MaxRedispatches bounds the history of hand-backs kept on the order.
const MaxRedispatches = 10

// Cancellation is how an order that did not happen ended: cancelled by
// the family or the provider, a no-show on either side, or expired.
// FeeFen is what the family still owes; the rest of what it paid and any
// allowance drawn are refunded, exactly once, by the app.
type Cancellation struct {
	Status Status // the terminal status it led to
	By     Party
	UserID string // empty for the system
	Reason string
	FeeFen int64
	At     time.Time
}

// Redispatch is a provider taking the order back from its caregiver (or
// from the caregivers it was offered to) and dispatching it again.
type Redispatch struct {
	CaregiverID string // who held it, if anyone
	ByUserID    string
	Reason      string
	At          time.Time
}

// Cancel is a family or the provider calling the order off.
//
// A family may cancel until service begins: free before a caregiver
// holds the order, at the provider's published fee after.
//
// A provider must give a reason, and its cancel does not end the order:
// it takes the order off the caregiver (or withdraws the offers) and
// dispatches it again, because the family still needs the service. Once
// the window start has passed there is no time to find anyone else, so
// the same request withdraws the order (cancelled_by_provider) instead;
// and so it does for a visit under way whose caregiver left the staff.
func (o *Order) Cancel(by Actor, reason, eventID string, now time.Time) error {
	a := ActionCancel
	if by.Party == PartyProvider && (!now.Before(o.window.Start) || o.departure != nil) {
		a = ActionWithdraw
	}
	next, err := o.move(by, a, eventID, now)
	if err != nil {
		return err
	}
	if a == ActionWithdraw {
		if err := o.mayWithdraw(); err != nil {
			return err
		}
	}
	if reason, err = checkReason(reason, by.Party == PartyProvider); err != nil {
		return err
	}
	if next != StatusDispatching {
		o.end(by, next, reason, eventID, now)
		return nil
	}
	previous := o.caregiverID
	o.redispatches = append(o.redispatches, Redispatch{CaregiverID: previous, ByUserID: by.UserID,
		Reason: reason, At: now.UTC()})
	if len(o.redispatches) > MaxRedispatches {
		o.redispatches = o.redispatches[len(o.redispatches)-MaxRedispatches:]
	}
	o.caregiverID = ""
	o.closeOffers(now)
	o.enter(next, now)
	o.announce(eventID, EventRedispatched, now, map[string]string{"previousCaregiverId": previous,
		"reason": reason})
	return nil
}

// Withdraw is a provider that cannot serve the order at all: it ends,
// cancelled by the provider, and the family is refunded in full.
func (o *Order) Withdraw(by Actor, reason, eventID string, now time.Time) error {
	next, err := o.move(by, ActionWithdraw, eventID, now)
	if err != nil {
		return err
	}
	if err := o.mayWithdraw(); err != nil {
		return err
	}
	if reason, err = checkReason(reason, true); err != nil {
		return err
	}
	o.end(by, next, reason, eventID, now)
	return nil
}

// end records how the order ended without being served and announces it.
// The family owes the fee when it called the order off, or was not
// there, after a caregiver had committed to it; never when the provider
// or its caregiver failed, or nobody was found.
func (o *Order) end(by Actor, to Status, reason, eventID string, now time.Time) {
	var fee int64
	if to == StatusNoShowRecipient || (to == StatusCancelledByFamily && o.status.Held()) {
		fee = o.pricing.CancellationFeeFen
	}
	o.cancellation = &Cancellation{Status: to, By: by.Party, UserID: by.UserID, Reason: reason, FeeFen: fee,
		At: now.UTC()}
	o.closeOffers(now)
	o.enter(to, now)
	o.announce(eventID, endEvents[to], now, map[string]string{"reason": reason,
		"feeFen": strconv.FormatInt(fee, 10)})
}

var endEvents = map[Status]event.Type{
	StatusCancelledByFamily:   EventCancelledByFamily,
	StatusCancelledByProvider: EventCancelledByProvider,
	StatusNoShowCaregiver:     EventNoShowCaregiver,
	StatusNoShowRecipient:     EventNoShowRecipient,
	StatusExpired:             EventExpired,
}

func checkReason(reason string, required bool) (string, error) {
	v := validator{}
	reason = v.text("/reason", reason, MaxReason, required)
	if len(v.fields) > 0 && v.fields[0].Code == "required" {
		return "", ErrReasonRequired.WithFields(v.fields...)
	}
	return reason, v.err(ErrInvalid)
}
