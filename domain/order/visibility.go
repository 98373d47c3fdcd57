package order

import "time"

// AddressVisibleAfterCheckOut is how long the assigned caregiver may
// still see the elder's address and phone after leaving: long enough to
// come back for a forgotten umbrella or a follow-up call, no longer.
const AddressVisibleAfterCheckOut = 24 * time.Hour

// CaregiverMaySeeAddress reports whether the assigned caregiver may see
// the elder's address and phone now: from acceptance until 24 h after
// check-out (invariant 7). Offered caregivers see only the district and
// the distance; a caregiver taken off the order, or one whose order
// ended without service, sees nothing. The app must also check that the
// caller is CaregiverID().
func (o *Order) CaregiverMaySeeAddress(now time.Time) bool {
	if o.caregiverID == "" {
		return false
	}
	switch o.status {
	case StatusAccepted, StatusEnRoute, StatusArrived, StatusInService:
		return true
	case StatusCompleted, StatusConfirmed:
		return o.checkOut != nil && now.Before(o.checkOut.ServerTime.Add(AddressVisibleAfterCheckOut))
	}
	return false
}

// CaregiverMaySee reports whether caregiverID may read the order at all:
// it is assigned to them, or offered to them and still open. Anyone else
// is answered 404.
func (o *Order) CaregiverMaySee(caregiverID string, now time.Time) bool {
	if caregiverID == "" {
		return false
	}
	if caregiverID == o.caregiverID {
		return true
	}
	f := o.offerOf(caregiverID)
	return f != nil && f.Open(now)
}
