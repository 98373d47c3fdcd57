package order

import "time"

// Expire ends an order nobody accepted before its window started.
func (o *Order) Expire(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionExpire, eventID, now)
	if err != nil {
		return err
	}
	if err := notBefore(o.window.Start, now); err != nil {
		return err
	}
	o.end(by, next, "", eventID, now)
	return nil
}

// NoShowCaregiver ends an order whose caregiver never checked in: the
// family says so, or the system finds it, once the grace period after
// the window start has passed.
func (o *Order) NoShowCaregiver(by Actor, reason, eventID string, now time.Time) error {
	next, err := o.move(by, ActionNoShowCaregiver, eventID, now)
	if err != nil {
		return err
	}
	if err := notBefore(o.window.Start.Add(NoShowGrace), now); err != nil {
		return err
	}
	if reason, err = checkReason(reason, false); err != nil {
		return err
	}
	o.end(by, next, reason, eventID, now)
	return nil
}

// NoShowRecipient ends an order whose caregiver checked in at the door
// and, after waiting, found nobody to serve. The family owes the
// cancellation fee: the caregiver came.
func (o *Order) NoShowRecipient(by Actor, reason, eventID string, now time.Time) error {
	next, err := o.move(by, ActionNoShowRecipient, eventID, now)
	if err != nil {
		return err
	}
	if o.checkIn != nil {
		if err := notBefore(o.checkIn.ServerTime.Add(RecipientWait), now); err != nil {
			return err
		}
	}
	if reason, err = checkReason(reason, false); err != nil {
		return err
	}
	o.end(by, next, reason, eventID, now)
	return nil
}

// Confirm is the family accepting the service, or the system doing it
// for them once AutoConfirmAfter has passed since check-out. Rating and
// complaints come after and change no status.
func (o *Order) Confirm(by Actor, eventID string, now time.Time) error {
	if by.Party == PartyElder {
		// The elder confirms only with the visit's code (ConfirmByElder).
		return ErrForbidden.With(map[string]any{"action": string(ActionConfirm)})
	}
	next, err := o.move(by, ActionConfirm, eventID, now)
	if err != nil {
		return err
	}
	auto := by.Party == PartySystem
	if auto {
		if err := notBefore(o.AutoConfirmDue(), now); err != nil {
			return err
		}
	}
	o.enter(next, now)
	o.announce(eventID, EventConfirmed, now, map[string]string{"auto": boolString(auto)})
	return nil
}

// AutoConfirmDue is when the system may confirm a completed order; zero
// before check-out.
func (o *Order) AutoConfirmDue() time.Time {
	if o.checkOut == nil {
		return time.Time{}
	}
	return o.checkOut.ServerTime.Add(AutoConfirmAfter)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
