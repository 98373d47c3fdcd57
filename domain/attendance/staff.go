package attendance

import (
	"slices"
	"time"
)

// Duty is one staff member assigned to the room for the day, and the
// times they were in it.
type Duty struct {
	UserID     string
	AssignedBy string
	AssignedAt time.Time
	Shifts     []Shift
}

// Shift is one stretch in the room; Out is zero while it lasts.
type Shift struct {
	In    time.Time
	InBy  string
	Out   time.Time
	OutBy string
}

// OnDuty reports whether the staff member is in the room now.
func (d Duty) OnDuty() bool { return len(d.Shifts) > 0 && d.Shifts[len(d.Shifts)-1].Out.IsZero() }

// MaxDuties bounds the staff of one room's day.
const MaxDuties = 20

// maxShifts bounds one person's comings and goings in a day.
const maxShifts = 12

// AssignStaff sets who works in the room that day. Those assigned
// before keep their shifts; nobody in the room right now may be taken
// off (they check out first).
func (d *Day) AssignStaff(userIDs []string, by string, now time.Time) error {
	if len(userIDs) > MaxDuties {
		return ErrStaffInvalid.With(map[string]any{"max": MaxDuties})
	}
	next := make([]Duty, 0, len(userIDs))
	for _, id := range userIDs {
		if id == "" || slices.ContainsFunc(next, func(x Duty) bool { return x.UserID == id }) {
			continue
		}
		if i := slices.IndexFunc(d.duties, func(x Duty) bool { return x.UserID == id }); i >= 0 {
			next = append(next, d.duties[i])
			continue
		}
		next = append(next, Duty{UserID: id, AssignedBy: by, AssignedAt: now.UTC()})
	}
	for _, old := range d.duties {
		if old.OnDuty() && !slices.ContainsFunc(next, func(x Duty) bool { return x.UserID == old.UserID }) {
			return ErrStaffOnDuty.With(map[string]any{"userId": old.UserID})
		}
	}
	d.duties = next
	return nil
}

// StaffIn records an assigned staff member coming into the room.
func (d *Day) StaffIn(userID, by string, now time.Time, works func(string) bool, newID func() string) error {
	i := slices.IndexFunc(d.duties, func(x Duty) bool { return x.UserID == userID })
	if i < 0 {
		return ErrStaffNotAssigned
	}
	du := &d.duties[i]
	if du.OnDuty() {
		return ErrStaffOnDuty.With(map[string]any{"userId": userID})
	}
	if len(du.Shifts) >= maxShifts {
		du.Shifts = slices.Delete(du.Shifts, 0, 1)
	}
	du.Shifts = append(du.Shifts, Shift{In: now.UTC(), InBy: by})
	d.review(now, works, newID)
	return nil
}

// StaffOut records a staff member leaving the room. If the children
// still there are more than the staff left may look after, the room is
// in breach and the office is told.
func (d *Day) StaffOut(userID, by string, now time.Time, works func(string) bool, newID func() string) error {
	i := slices.IndexFunc(d.duties, func(x Duty) bool { return x.UserID == userID })
	if i < 0 || !d.duties[i].OnDuty() {
		return ErrStaffNotOnDuty
	}
	s := &d.duties[i].Shifts[len(d.duties[i].Shifts)-1]
	s.Out, s.OutBy = now.UTC(), by
	d.review(now, works, newID)
	return nil
}
