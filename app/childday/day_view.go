package childday

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/room"
)

// DayView is a room's day as its staff see it: who is expected and where
// each child stands, allergies and health notes to mind, reports still
// to publish, and the ratio now and hour by hour.
type DayView struct {
	Day      *attendance.Day
	Room     room.Room
	Children []ChildOfDay
	// Unplaced are children the provider's bookings bring that day whom
	// no room takes.
	Unplaced []Unplaced
	Present  int
	OnDuty   int
	Allowed  int
	Hourly   []attendance.HourRatio
}

// Standing is where a child stands on the day.
type Standing string

const (
	Expected   Standing = "expected" // the child's window has not begun
	NotArrived Standing = "not_arrived"
	CheckedIn  Standing = "checked_in"
	CheckedOut Standing = "checked_out"
	Absent     Standing = "absent"
	NoShow     Standing = "no_show"
)

// ChildOfDay is one child in the day view.
type ChildOfDay struct {
	Attendee  attendance.Attendee
	Name      string
	AgeMonths int
	Allergies string
	// HealthNotes are the family's notes on the child's health and diet.
	HealthNotes string
	Standing    Standing
	// Report is the day's report's status: "", draft or published.
	Report dailyreport.Status
}

// Attention reports whether staff must mind the child's allergies or
// health.
func (c ChildOfDay) Attention() bool { return c.Allergies != "" || c.HealthNotes != "" }

// DayOf shows a room's day to the people who work for the provider. It
// first brings the day's roster up to date with the bookings (so the
// children expected are the bookings', cancellations included). Reading
// the children's allergies and health notes is audited for their
// families.
func (s *Service) DayOf(ctx context.Context, a actor.Actor, providerID, roomID string, d calendar.Date) (DayView, error) {
	p, err := s.staffAt(ctx, a, providerID, provider.ErrNotFound)
	if err != nil {
		return DayView{}, err
	}
	rm, err := s.roomOf(ctx, p.ID, roomID)
	if err != nil {
		return DayView{}, err
	}
	unplaced, err := s.refresh(ctx, p, d)
	if err != nil {
		return DayView{}, err
	}
	day, err := s.d.Days.Get(ctx, attendance.DayID(rm.ID(), d))
	if fault.Is(err, attendance.ErrDayNotFound) {
		day = attendance.NewDay(p.ID, rm, d, zone(p).String())
	} else if err != nil {
		return DayView{}, err
	}
	now := s.d.Now()
	v := DayView{Day: day, Room: rm, Unplaced: unplaced, Present: day.Present(), OnDuty: day.OnDuty(p.Works),
		Hourly: day.Hourly(now)}
	v.Allowed = rm.Allowed(v.OnDuty)
	families := map[string]bool{}
	for _, at := range day.Children() {
		c, err := s.d.Children.Get(ctx, at.ChildID)
		if fault.Is(err, child.ErrNotFound) {
			c = child.Child{ID: at.ChildID}
		} else if err != nil {
			return DayView{}, err
		}
		cd := ChildOfDay{Attendee: at, Name: c.Profile.Name, Allergies: c.Profile.Allergies,
			HealthNotes: c.Profile.HealthNotes, Standing: standing(at, now)}
		if !c.Profile.BirthDate.IsZero() {
			cd.AgeMonths = c.Profile.AgeMonthsOn(d)
		}
		r, err := s.d.Reports.Get(ctx, at.ChildID, d, p.ID)
		switch {
		case err == nil:
			cd.Report = r.Status()
		case !fault.Is(err, dailyreport.ErrNotFound):
			return DayView{}, err
		}
		v.Children = append(v.Children, cd)
		families[at.FamilyID] = true
	}
	slices.SortFunc(v.Children, func(x, y ChildOfDay) int { return strings.Compare(x.Name, y.Name) })
	for f := range families {
		if err := s.d.Audit.RecordRead(ctx, a, f, "room_day", day.ID()); err != nil {
			return DayView{}, err
		}
	}
	return v, nil
}

// standing is where a child stands at now.
func standing(a attendance.Attendee, now time.Time) Standing {
	switch {
	case a.CheckOut != nil:
		return CheckedOut
	case a.CheckIn != nil:
		return CheckedIn
	case a.Absence != nil:
		return Absent
	case a.NoShow != nil:
		return NoShow
	}
	if start, _ := a.Window(); now.Before(start) {
		return Expected
	}
	return NotArrived
}
