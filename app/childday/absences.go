package childday

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// MaxAbsenceDays bounds one report of absence.
const MaxAbsenceDays = 31

// AbsenceCommand is a parent reporting days away.
type AbsenceCommand struct {
	From, To calendar.Date
	Reason   attendance.AbsenceReason
	Note     string
}

// AbsenceReport is what a report of absence recorded: the booked days
// it covers, where.
type AbsenceReport struct {
	Absence  attendance.Absence
	From, To calendar.Date
	Days     []AbsentDay
}

// AbsentDay is one booked day recorded as away.
type AbsentDay struct {
	Date       calendar.Date
	ProviderID string
	RoomID     string
}

// ReportAbsence records that a child will be away (sick, family leave)
// on the days from From to To that they have a place, before those days
// (today included while the child has not arrived). Any member of the
// family may. The provider's office is told; and if the child has then
// been away the policy's number of booked days in a row, it is told that
// too, once.
func (s *Service) ReportAbsence(ctx context.Context, a actor.Actor, childID string, cmd AbsenceCommand) (AbsenceReport, error) {
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return AbsenceReport{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, c.FamilyID, child.ErrNotFound)
	if err != nil {
		return AbsenceReport{}, err
	}
	ab, err := attendance.CheckAbsence(attendance.Absence{ID: s.d.NewID(), Reason: cmd.Reason, Note: cmd.Note,
		ReportedBy: a.UserID, ReportedAt: s.d.Now()})
	if err != nil {
		return AbsenceReport{}, err
	}
	switch {
	case cmd.From.IsZero() || cmd.To.IsZero() || cmd.To.Before(cmd.From):
		return AbsenceReport{}, ErrDateInvalid.WithFields(fault.FieldError{Field: "/to", Code: "before_from"})
	case cmd.From.AddDays(MaxAbsenceDays - 1).Before(cmd.To):
		return AbsenceReport{}, ErrDateInvalid.With(map[string]any{"maxDays": MaxAbsenceDays}).
			WithFields(fault.FieldError{Field: "/to", Code: "range_too_long"})
	}
	now := s.d.Now()
	if cmd.From.Before(calendar.Today(now, f.Location())) {
		return AbsenceReport{}, ErrAbsenceInPast.WithFields(fault.FieldError{Field: "/from", Code: "in_past"})
	}
	// The range in the family's days, widened by a day each way: a
	// provider in another zone counts its own days.
	start, _ := attendance.Bounds(cmd.From.AddDays(-1), f.Location())
	_, end := attendance.Bounds(cmd.To.AddDays(1), f.Location())
	bookings, err := s.d.Bookings.Overlapping(ctx, c.ID, start, end)
	if err != nil {
		return AbsenceReport{}, err
	}
	rep := AbsenceReport{Absence: ab, From: cmd.From, To: cmd.To}
	for _, p := range s.providersOf(ctx, bookings) {
		days, err := s.absentAt(ctx, p, c, ab, cmd, now)
		if err != nil {
			return AbsenceReport{}, err
		}
		rep.Days = append(rep.Days, days...)
	}
	if len(rep.Days) == 0 {
		return AbsenceReport{}, ErrNoBookingThatDay.With(map[string]any{"date": cmd.From.String()}).
			WithFields(fault.FieldError{Field: "/from", Code: "no_booking_in_range"})
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Create, "absence", ab.ID)
	return rep, nil
}

// providersOf are the providers of confirmed bookings, each once.
func (s *Service) providersOf(ctx context.Context, bs []*reservation.Booking) []*provider.Provider {
	var out []*provider.Provider
	for _, b := range bs {
		if b.Status() != reservation.Confirmed || slices.ContainsFunc(out, func(p *provider.Provider) bool { return p.ID == b.ProviderID() }) {
			continue
		}
		if p, err := s.d.Providers.Get(ctx, b.ProviderID()); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// absentAt records an absence on each day of the range the child has a
// place at p, then counts the streak it makes.
func (s *Service) absentAt(ctx context.Context, p *provider.Provider, c child.Child, ab attendance.Absence,
	cmd AbsenceCommand, now time.Time) ([]AbsentDay, error) {
	var days []AbsentDay
	for d := cmd.From; !cmd.To.Before(d); d = d.AddDays(1) {
		at, err := s.locate(ctx, p, c, d)
		if errors.Is(err, errNoBooking) {
			continue
		}
		if err != nil {
			return nil, err
		}
		announce := len(days) == 0
		if _, err := s.d.Days.Update(ctx, at.dayID, nil, func(day *attendance.Day) error {
			if err := day.ReportAbsence(c.ID, ab); err != nil {
				return err
			}
			if announce {
				day.AnnounceAbsence(s.d.NewID(), c.ID, c.Profile.Name, ab, cmd.From.String(), cmd.To.String(), now)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		days = append(days, AbsentDay{Date: d, ProviderID: p.ID, RoomID: at.roomID})
	}
	if len(days) > 0 {
		last := days[len(days)-1]
		if err := s.alertStreak(ctx, p, c, last.Date, attendance.DayID(last.RoomID, last.Date), now); err != nil {
			return nil, err
		}
	}
	return days, nil
}

// NoShowCommand is staff recording that a child did not come.
type NoShowCommand struct {
	ChildID    string
	ProviderID string
	// Date is the day, today when zero; never a day to come.
	Date calendar.Date
}

// MarkNoShow records that a child with a place did not come and nobody
// said why; like a reported absence it counts towards the streak the
// office is told of.
func (s *Service) MarkNoShow(ctx context.Context, a actor.Actor, cmd NoShowCommand) (Attendance, error) {
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
	d := cmd.Date
	if d.IsZero() {
		d = today
	}
	if today.Before(d) {
		return Attendance{}, ErrDateInvalid.WithFields(fault.FieldError{Field: "/date", Code: "in_future"})
	}
	at, err := s.locate(ctx, p, c, d)
	if errors.Is(err, errNoBooking) {
		return Attendance{}, s.unbooked(ctx, c, p, ErrNoBookingThatDay, d)
	}
	if err != nil {
		return Attendance{}, err
	}
	day, err := s.d.Days.Update(ctx, at.dayID, nil, func(day *attendance.Day) error {
		return day.MarkNoShow(c.ID, a.UserID, now)
	})
	if err != nil {
		return Attendance{}, err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Update, "child_no_show", at.dayID)
	if err := s.alertStreak(ctx, p, c, d, at.dayID, now); err != nil {
		return Attendance{}, err
	}
	return attendanceOf(day, c.ID), nil
}

// streakLookback bounds how far back a streak is counted.
const streakLookback = 45

// alertStreak counts the booked days in a row, back from through, the
// child was recorded away at p; at the policy's number it tells the
// office, in a write of the day through. The announcement's id names the
// streak's first day, so recounting the same streak tells nobody again.
func (s *Service) alertStreak(ctx context.Context, p *provider.Provider, c child.Child, through calendar.Date, dayID string, now time.Time) error {
	setup, err := s.d.Setups.Get(ctx, p.ID)
	if err != nil {
		return err
	}
	days, since, err := s.streak(ctx, p, c.ID, through, calendar.Today(now, zone(p)))
	if err != nil || days < setup.Policy().AbsenceAlertDays {
		return err
	}
	_, err = s.d.Days.Update(ctx, dayID, nil, func(day *attendance.Day) error {
		day.AnnounceStreak(c.ID, c.Profile.Name, days, since.String(), now)
		return nil
	})
	return err
}

// streak walks back from through over the provider's days: a day the
// child was placed and recorded away counts, a day gone by with nothing
// recorded counts, a day they came ends it; days they had no place are
// passed over.
func (s *Service) streak(ctx context.Context, p *provider.Provider, childID string, through, today calendar.Date) (int, calendar.Date, error) {
	n, since := 0, through
	for d := through; !d.Before(through.AddDays(-streakLookback)); d = d.AddDays(-1) {
		roster, found, err := s.d.Rosters.Get(ctx, p.ID, d)
		if err != nil {
			return 0, since, err
		}
		e, ok := roster.Entry(childID)
		if !found || !ok {
			continue
		}
		day, err := s.d.Days.Get(ctx, attendance.DayID(e.RoomID, d))
		if fault.Is(err, attendance.ErrDayNotFound) {
			continue
		}
		if err != nil {
			return 0, since, err
		}
		a, placed := day.Attendee(childID)
		switch {
		case !placed:
			continue
		case a.Attended():
			return n, since, nil
		case a.Away() || d.Before(today):
			n, since = n+1, d
		default:
			return n, since, nil
		}
	}
	return n, since, nil
}
