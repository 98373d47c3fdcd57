package order

import "time"

// HandBackNotice is how near its start a visit must be for the family to
// hear that the caregiver who had accepted it left the provider: further
// off, the office finds someone else before anyone needs to worry.
const HandBackNotice = 24 * time.Hour

// ReasonCaregiverLeft is the reason recorded on a hand-back.
const ReasonCaregiverLeft = "caregiver_left_provider"

// Departure is the assigned caregiver leaving the provider's staff while
// the visit is under way (checked in, or serving). The visit cannot go on
// in the name of someone who no longer works there, and only people can
// tell what happened at the door, so the order is flagged for the
// provider's office to resolve: it withdraws the order with a reason.
type Departure struct {
	CaregiverID string
	At          time.Time
}

// Departure is how the caregiver left a visit under way, if they did.
func (o *Order) Departure() (Departure, bool) { return deref(o.departure) }

// CaregiverLeft hands back what caregiverID held in this order once they
// no longer work for its provider. The app refuses them access at once;
// this is the follow-up, and it says whether it changed anything, because
// the system repeats it for every open order until nothing is left:
//   - an open offer to them is withdrawn; if it was the last, the order
//     goes back to dispatching and the office is told (order.dispatched);
//   - an order they accepted and have not checked in to goes back to
//     dispatching (Release);
//   - a visit they checked in to is flagged for the office, once.
func (o *Order) CaregiverLeft(caregiverID, eventID string, now time.Time) (bool, error) {
	if caregiverID == "" || o.status.Terminal() {
		return false, nil
	}
	if caregiverID == o.caregiverID {
		switch o.status {
		case StatusAccepted, StatusEnRoute:
			return true, o.Release(BySystem, eventID, now)
		case StatusArrived, StatusInService:
			return o.flagDeparture(eventID, now)
		}
		return false, nil // completed: the visit is done, and the record stays
	}
	return o.withdrawOffer(caregiverID, eventID, now)
}

// Release takes the order back from a caregiver who left the provider's
// staff before checking in, and puts it in the dispatch queue. The
// office is told; the family too when the visit is within
// HandBackNotice, since it was told someone had accepted.
func (o *Order) Release(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionRelease, eventID, now)
	if err != nil {
		return err
	}
	previous := o.caregiverID
	o.redispatches = append(o.redispatches, Redispatch{CaregiverID: previous, Reason: ReasonCaregiverLeft,
		At: now.UTC()})
	if len(o.redispatches) > MaxRedispatches {
		o.redispatches = o.redispatches[len(o.redispatches)-MaxRedispatches:]
	}
	o.caregiverID = ""
	o.closeOffers(now)
	o.enter(next, now)
	near := !now.Add(HandBackNotice).Before(o.window.Start)
	o.announce(eventID, EventHandedBack, now, map[string]string{"previousCaregiverId": previous,
		"windowNear": boolString(near)})
	return nil
}

// flagDeparture marks a visit under way whose caregiver left.
func (o *Order) flagDeparture(eventID string, now time.Time) (bool, error) {
	if o.departure != nil {
		return false, nil
	}
	if eventID == "" || now.IsZero() {
		return false, errEventID
	}
	o.departure = &Departure{CaregiverID: o.caregiverID, At: now.UTC()}
	o.announce(eventID, EventCaregiverLeft, now, nil)
	return true, nil
}

// withdrawOffer closes the caregiver's open offer, if any.
func (o *Order) withdrawOffer(caregiverID, eventID string, now time.Time) (bool, error) {
	f := o.offerOf(caregiverID)
	if f == nil || !f.Open(now) {
		return false, nil
	}
	if eventID == "" || now.IsZero() {
		return false, errEventID
	}
	f.ClosedAt = now.UTC()
	if o.status == StatusOffered && !o.anyOpenOffer(now) {
		next, _ := Next(StatusOffered, ActionDispatch, PartySystem)
		o.enter(next, now)
		o.announce(eventID, EventDispatched, now, nil)
	}
	return true, nil
}

// mayWithdraw refuses to end a visit under way unless its caregiver left:
// otherwise the caregiver finishes it (or reports that nobody answered).
func (o *Order) mayWithdraw() error {
	if (o.status == StatusArrived || o.status == StatusInService) && o.departure == nil {
		return o.conflict(ActionWithdraw)
	}
	return nil
}
