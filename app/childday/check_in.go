package childday

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// CheckInCommand is a child's arrival as the staff at the door record
// it. DropIn, for a child without a place today, books one on a slot of
// the provider running now.
type CheckInCommand struct {
	ChildID    string
	ProviderID string
	Health     attendance.HealthCheck
	ParentNote string
	DropIn     *DropIn
}

// DropIn is the place a child who came without a booking takes.
type DropIn struct {
	SlotID string
	Tier   reservation.Tier
}

// Attendance is a child's day in a room, as the staff see it.
type Attendance struct {
	ChildID  string
	RoomID   string
	RoomName string
	Date     calendar.Date
	Attendee attendance.Attendee
	// Flagged says the room is over its ratio after this change.
	Flagged bool
}

func attendanceOf(day *attendance.Day, childID string) Attendance {
	a, _ := day.Attendee(childID)
	return Attendance{ChildID: childID, RoomID: day.Room().ID, RoomName: day.Room().Name, Date: day.Date(), Attendee: a,
		Flagged: day.Flagged()}
}

// CheckIn records a child's arrival with the morning health check. Only
// a child with a place today is taken: the place of a confirmed booking
// (which puts the child in a room), or a drop-in place the staff book
// now; a child without one is refused with why (no_booking_today). To
// the staff of a provider the child never had a place at, the child
// does not exist.
func (s *Service) CheckIn(ctx context.Context, a actor.Actor, cmd CheckInCommand) (Attendance, error) {
	p, err := s.staffAt(ctx, a, cmd.ProviderID, child.ErrNotFound)
	if err != nil {
		return Attendance{}, err
	}
	c, err := s.d.Children.Get(ctx, cmd.ChildID)
	if err != nil {
		return Attendance{}, err
	}
	now := s.d.Now()
	today := calendar.Today(now, zone(p))
	at, err := s.locate(ctx, p, c, today)
	if errors.Is(err, errNoBooking) {
		if cmd.DropIn == nil {
			return Attendance{}, s.unbooked(ctx, c, p, ErrNoBookingToday, today)
		}
		at, err = s.dropIn(ctx, a, p, c, today, *cmd.DropIn)
	}
	if err != nil {
		return Attendance{}, err
	}
	setup, err := s.d.Setups.Get(ctx, p.ID)
	if err != nil {
		return Attendance{}, err
	}
	rm, err := setup.Room(at.roomID)
	if err != nil {
		return Attendance{}, err
	}
	day, err := s.d.Days.Update(ctx, at.dayID, nil, func(d *attendance.Day) error {
		d.Refresh(rm)
		return d.CheckIn(c.ID, attendance.Arrival{By: a.UserID, Health: cmd.Health, ParentNote: cmd.ParentNote,
			ChildName: c.Profile.Name}, now, p.Works, s.d.NewID)
	})
	if err != nil {
		return Attendance{}, err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Create, "child_check_in", at.dayID)
	return attendanceOf(day, c.ID), nil
}

// dropIn books a place for a child at the door through the reservation
// engine and puts the child in a room for it.
func (s *Service) dropIn(ctx context.Context, a actor.Actor, p *provider.Provider, c child.Child, today calendar.Date, in DropIn) (located, error) {
	b, err := s.d.Door.AdmitAtDoor(ctx, a, reservations.DoorCommand{ProviderID: p.ID, SlotID: in.SlotID, ChildID: c.ID,
		Tier: in.Tier, At: s.d.Now()})
	if err != nil {
		return located{}, err
	}
	return s.place(ctx, p, c, today, []*reservation.Booking{b}, nil)
}
