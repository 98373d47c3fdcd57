package childday

import (
	"context"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/room"
)

// AssignStaff sets who works in a room on a day (today or later); the
// provider's admins and office staff decide, and only people on its
// staff may be assigned.
func (s *Service) AssignStaff(ctx context.Context, a actor.Actor, providerID, roomID string, d calendar.Date, userIDs []string) (*attendance.Day, error) {
	p, err := s.childcareOffice(ctx, a, providerID)
	if err != nil {
		return nil, err
	}
	rm, err := s.roomOf(ctx, p.ID, roomID)
	if err != nil {
		return nil, err
	}
	if d.Before(calendar.Today(s.d.Now(), zone(p))) {
		return nil, ErrDateInvalid.WithFields(fault.FieldError{Field: "date", Code: "in_past"})
	}
	for i, id := range userIDs {
		if !p.Works(id) {
			return nil, ErrStaffNotFound.WithFields(fault.FieldError{Field: "/userIds/" + strconv.Itoa(i), Code: "not_staff"})
		}
	}
	return s.d.Days.Update(ctx, attendance.DayID(rm.ID(), d), s.freshDay(p, rm, d), func(day *attendance.Day) error {
		day.Refresh(rm)
		return day.AssignStaff(userIDs, a.UserID, s.d.Now())
	})
}

// StaffCommand is a staff member coming into or leaving a room today:
// themself, or recorded for them by the office.
type StaffCommand struct {
	ProviderID, RoomID, UserID string
}

// StaffIn records an assigned staff member coming into the room now.
func (s *Service) StaffIn(ctx context.Context, a actor.Actor, cmd StaffCommand) (*attendance.Day, error) {
	return s.shift(ctx, a, cmd, func(d *attendance.Day, p *provider.Provider) error {
		return d.StaffIn(cmd.UserID, a.UserID, s.d.Now(), p.Works, s.d.NewID)
	})
}

// StaffOut records a staff member leaving the room now. If the children
// left are more than the staff left may look after, the room is flagged
// and the office alerted in the same write.
func (s *Service) StaffOut(ctx context.Context, a actor.Actor, cmd StaffCommand) (*attendance.Day, error) {
	return s.shift(ctx, a, cmd, func(d *attendance.Day, p *provider.Provider) error {
		return d.StaffOut(cmd.UserID, a.UserID, s.d.Now(), p.Works, s.d.NewID)
	})
}

func (s *Service) shift(ctx context.Context, a actor.Actor, cmd StaffCommand, fn func(*attendance.Day, *provider.Provider) error) (*attendance.Day, error) {
	p, err := s.staffAt(ctx, a, cmd.ProviderID, provider.ErrNotFound)
	if err != nil {
		return nil, err
	}
	if cmd.UserID != a.UserID && !p.InOffice(a.UserID) {
		return nil, fault.ErrForbidden
	}
	rm, err := s.roomOf(ctx, p.ID, cmd.RoomID)
	if err != nil {
		return nil, err
	}
	today := calendar.Today(s.d.Now(), zone(p))
	day, err := s.d.Days.Update(ctx, attendance.DayID(rm.ID(), today), nil, func(d *attendance.Day) error {
		d.Refresh(rm)
		return fn(d, p)
	})
	if fault.Is(err, attendance.ErrDayNotFound) {
		return nil, attendance.ErrStaffNotAssigned
	}
	return day, err
}

func (s *Service) roomOf(ctx context.Context, providerID, roomID string) (room.Room, error) {
	st, err := s.d.Setups.Get(ctx, providerID)
	if err != nil {
		return room.Room{}, err
	}
	return st.Room(roomID)
}
