package order

import "time"

// MaxOffers bounds the offers one order keeps, and with them its
// document (a few hundred bytes each); a provider that has asked two
// hundred caregivers should assign.
const MaxOffers = 200

// MaxReason bounds a reason given for a decline, cancellation, no-show
// or an off-site check-in.
const MaxReason = 200

// Offer is the order put to one caregiver, open until it expires, is
// declined, or is closed because the order moved on.
type Offer struct {
	CaregiverID   string
	OfferedAt     time.Time
	ExpiresAt     time.Time
	AcceptedAt    time.Time
	DeclinedAt    time.Time
	DeclineReason string
	// ClosedAt is set when the offer was withdrawn unanswered: another
	// caregiver won, the provider started again or assigned someone, or
	// the order ended.
	ClosedAt time.Time
}

// Open reports whether the caregiver may still accept or decline.
func (f Offer) Open(now time.Time) bool {
	return f.AcceptedAt.IsZero() && f.DeclinedAt.IsZero() && f.ClosedAt.IsZero() && now.Before(f.ExpiresAt)
}

func (o *Order) offerOf(caregiverID string) *Offer {
	for i := range o.offers {
		if o.offers[i].CaregiverID == caregiverID {
			return &o.offers[i]
		}
	}
	return nil
}

func (o *Order) anyOpenOffer(now time.Time) bool {
	for _, f := range o.offers {
		if f.Open(now) {
			return true
		}
	}
	return false
}

// closeOffers withdraws every offer still unanswered.
func (o *Order) closeOffers(now time.Time) {
	for i := range o.offers {
		f := &o.offers[i]
		if f.AcceptedAt.IsZero() && f.DeclinedAt.IsZero() && f.ClosedAt.IsZero() {
			f.ClosedAt = now.UTC()
		}
	}
}

// Dispatch puts the order in the provider's dispatch queue. From offered
// it withdraws every open offer and starts again, which is also what the
// system does when the last offer lapses unanswered.
func (o *Order) Dispatch(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionDispatch, eventID, now)
	if err != nil {
		return err
	}
	o.closeOffers(now)
	o.enter(next, now)
	o.announce(eventID, EventDispatched, now, nil)
	return nil
}

// Offer puts the order to one caregiver until expiresAt. The app picks
// eligible caregivers (certified, nearby, free); the order only bounds
// how many it asks. Asking a caregiver again reopens their offer.
func (o *Order) Offer(by Actor, caregiverID string, expiresAt time.Time, eventID string, now time.Time) error {
	next, err := o.move(by, ActionOffer, eventID, now)
	if err != nil {
		return err
	}
	v := validator{}
	v.id("/caregiverId", caregiverID)
	if !expiresAt.After(now) {
		v.add("/expiresAt", "not_after_now")
	}
	if err := v.err(ErrInvalid); err != nil {
		return err
	}
	offer := Offer{CaregiverID: caregiverID, OfferedAt: now.UTC(), ExpiresAt: expiresAt.UTC()}
	if f := o.offerOf(caregiverID); f != nil {
		*f = offer
	} else {
		if len(o.offers) >= MaxOffers {
			return ErrOffersFull.With(map[string]any{"max": MaxOffers})
		}
		o.offers = append(o.offers, offer)
	}
	o.enter(next, now)
	o.announce(eventID, EventOffered, now, map[string]string{"caregiverId": caregiverID,
		"offerExpiresAt": offer.ExpiresAt.Format(time.RFC3339)})
	return nil
}

// Accept gives the order to the caregiver whose offer is open. Exactly
// one caregiver wins: every later acceptance is ErrAlreadyAccepted. The
// repository makes this hold across replicas by writing only over the
// version it read (invariant 3).
func (o *Order) Accept(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionAccept, eventID, now)
	if err != nil {
		return err
	}
	f := o.offerOf(by.UserID)
	if !f.Open(now) {
		return ErrOfferExpired
	}
	f.AcceptedAt = now.UTC()
	o.closeOffers(now)
	o.caregiverID = by.UserID
	o.enter(next, now)
	o.announce(eventID, EventAccepted, now, nil)
	return nil
}

// Decline turns an open offer down. When it was the last open offer the
// order goes back to dispatching at once, as if the system had
// dispatched it again, so nobody waits on offers that cannot be taken.
func (o *Order) Decline(by Actor, reason, eventID string, now time.Time) error {
	next, err := o.move(by, ActionDecline, eventID, now)
	if err != nil {
		return err
	}
	f := o.offerOf(by.UserID)
	if !f.Open(now) {
		return ErrOfferExpired
	}
	v := validator{}
	reason = v.text("/reason", reason, MaxReason, false)
	if err := v.err(ErrInvalid); err != nil {
		return err
	}
	f.DeclinedAt, f.DeclineReason = now.UTC(), reason
	if !o.anyOpenOffer(now) {
		next, _ = Next(StatusOffered, ActionDispatch, PartySystem)
	}
	o.enter(next, now)
	o.announce(eventID, EventDeclined, now, map[string]string{"caregiverId": by.UserID, "reason": reason})
	return nil
}

// Assign gives the order to one of the provider's caregivers directly,
// withdrawing any open offers. The app checks the caregiver works for the
// provider and holds a certificate in force.
func (o *Order) Assign(by Actor, caregiverID, eventID string, now time.Time) error {
	next, err := o.move(by, ActionAssign, eventID, now)
	if err != nil {
		return err
	}
	v := validator{}
	v.id("/caregiverId", caregiverID)
	if err := v.err(ErrInvalid); err != nil {
		return err
	}
	o.closeOffers(now)
	o.caregiverID = caregiverID
	o.enter(next, now)
	o.announce(eventID, EventAssigned, now, nil)
	return nil
}
