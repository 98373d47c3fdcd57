package childday

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/fault"
)

// CheckOutCommand is a child handed to the person who came, as staff
// record them: the person on the child's list they chose (or, for
// someone not on it, who they say they are), and how they made sure.
type CheckOutCommand struct {
	ChildID      string
	ProviderID   string
	Person       attendance.Pickup
	Verification attendance.Verification
	Note         string
}

// Departure is a check-out as it went: the child's day, or the refusal.
type Departure struct {
	Attendance
	CheckOut attendance.CheckOut
}

// CheckOut hands a child only to someone the family authorized: a person
// on the child's pickup list now (a person removed a minute ago is not;
// a one-time person only on their day), whose ID card, when shown,
// matches. The person who came is recorded as on the list. Anyone else
// is refused: the refusal is recorded and every member of the family is
// alerted at once (urgent), and the answer is pickup_not_authorized. A
// pickup after the child's day (their booking's end or the closing time,
// past the provider's grace) is late: recorded with its minutes, and the
// family is told.
func (s *Service) CheckOut(ctx context.Context, a actor.Actor, cmd CheckOutCommand) (Departure, error) {
	p, err := s.staffAt(ctx, a, cmd.ProviderID, child.ErrNotFound)
	if err != nil {
		return Departure{}, err
	}
	c, err := s.d.Children.Get(ctx, cmd.ChildID)
	if err != nil {
		return Departure{}, err
	}
	typed := attendance.Departure{Person: cmd.Person, Verification: cmd.Verification, Note: cmd.Note}
	if err := typed.Check(); err != nil {
		return Departure{}, err
	}
	now := s.d.Now()
	loc := zone(p)
	today := calendar.Today(now, loc)
	at, err := s.locate(ctx, p, c, today)
	if errors.Is(err, errNoBooking) {
		return Departure{}, s.unbooked(ctx, c, p, ErrNoBookingToday, today)
	}
	if err != nil {
		return Departure{}, err
	}
	setup, err := s.d.Setups.Get(ctx, p.ID)
	if err != nil {
		return Departure{}, err
	}
	dep := attendance.Departure{By: a.UserID, Person: cmd.Person, Verification: cmd.Verification, Note: cmd.Note,
		Closing: closing(p, today, loc), Grace: time.Duration(setup.Policy().LateGraceMinutes) * time.Minute,
		ChildName: c.Profile.Name}
	person, reason, ok := authorize(c, cmd.Person, now)
	if !ok {
		return Departure{}, s.refuse(ctx, a, c, at, dep, reason, now)
	}
	dep.Person = person
	var out attendance.CheckOut
	day, err := s.d.Days.Update(ctx, at.dayID, nil, func(d *attendance.Day) error {
		out, err = d.CheckOut(c.ID, dep, now, p.Works, s.d.NewID)
		return err
	})
	if err != nil {
		return Departure{}, err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Update, "child_check_out", at.dayID)
	return Departure{Attendance: attendanceOf(day, c.ID), CheckOut: out}, nil
}

// authorize checks the person who came against the child's list at now:
// the person staff chose must be on it, and an ID card shown must be
// theirs. It answers the person as the list has them.
func authorize(c child.Child, who attendance.Pickup, now time.Time) (attendance.Pickup, attendance.RefusalReason, bool) {
	if who.PickupPersonID == "" {
		return who, attendance.NotOnList, false
	}
	pp, ok := c.Authorized(who.PickupPersonID, now)
	if !ok {
		return who, attendance.NotOnList, false
	}
	if who.IDLast4 != "" && !strings.EqualFold(who.IDLast4, pp.IDLast4) {
		return who, attendance.IDMismatch, false
	}
	return attendance.Pickup{PickupPersonID: pp.ID, Name: pp.Name, Relation: pp.Relation, IDLast4: who.IDLast4,
		OneTime: !pp.ExpiresAt.IsZero()}, "", true
}

// refuse records a refused departure, which alerts the family, and
// answers why.
func (s *Service) refuse(ctx context.Context, a actor.Actor, c child.Child, at located, dep attendance.Departure,
	reason attendance.RefusalReason, now time.Time) error {
	if _, err := s.d.Days.Update(ctx, at.dayID, nil, func(d *attendance.Day) error {
		return d.RefusePickup(c.ID, dep, reason, now, s.d.NewID)
	}); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Create, "pickup_refusal", at.dayID)
	return attendance.ErrPickupRefused.With(map[string]any{"reason": string(reason)}).
		WithFields(fault.FieldError{Field: "/person", Code: string(reason)})
}
