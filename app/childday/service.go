// Package childday holds the use cases of the childcare day: a
// provider's rooms and their staff, children placed in rooms by their
// bookings, check-in with the morning health check, check-out only to a
// person the family authorized, absences, daily reports to parents, the
// day as the provider sees it, and the monthly attendance statement a 普惠
// subsidy is claimed with. Authorization is decided here: the people who
// work for a provider (its admins and staff, as the provider's document
// says now, on every request) run its day; its office sets it up; a
// family sees its own child; a regulator reads statements and sets the
// subsidy rates. To anyone else a child, a room or a report does not
// exist.
//
// It reads time from Deps.Now only, so that a test server can live a day
// in seconds (see adapters/clock).
package childday

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Deps are the stores and collaborators the use cases need.
type Deps struct {
	Setups    Setups
	Days      Days
	Rosters   Rosters
	Reports   Reports
	Rates     Rates
	Children  Children
	Families  Families
	Providers Providers
	Bookings  Bookings
	Door      Door
	Pickups   Pickups
	Audit     *audittrail.Recorder
	Now       func() time.Time
	NewID     func() string
	Log       *slog.Logger
	// Officials logs what regulators do.
	Officials *audittrail.Officials
}

// Service gathers the childcare day's use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d}
}

var (
	// ErrNoBookingToday is a child without a place at the provider that
	// day: refused unless staff record a drop-in place.
	ErrNoBookingToday = fault.New(fault.Unprocessable, "no_booking_today")
	// ErrNoBookingThatDay is a report, an absence or a no-show for a day
	// the child had no place.
	ErrNoBookingThatDay = fault.New(fault.Unprocessable, "no_booking_that_day")
	ErrDateInvalid      = fault.New(fault.Unprocessable, "childcare_date_invalid")
	ErrAbsenceInPast    = fault.New(fault.Unprocessable, "absence_in_past")
	ErrStaffNotFound    = fault.New(fault.NotFound, "staff_not_found")
)

// staffAt loads a provider for someone who works for it now; to anyone
// else the thing asked about does not exist (notFound).
func (s *Service) staffAt(ctx context.Context, a actor.Actor, providerID string, notFound error) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !p.Works(a.UserID) {
		return nil, notFound
	}
	return p, nil
}

// officeAt loads a provider for one of its admins or office staff, who
// set up its rooms and read its statements.
func (s *Service) officeAt(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, err
	}
	if !p.InOffice(a.UserID) {
		return nil, provider.ErrNotFound
	}
	return p, nil
}

// zone is a provider's time zone, Shanghai when it names none.
func zone(p *provider.Provider) *time.Location {
	if loc, err := time.LoadLocation(p.Profile.TimeZone); err == nil && p.Profile.TimeZone != "" {
		return loc
	}
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// weekday counts Monday 1 … Sunday 7, as opening hours do.
func weekday(d calendar.Date) int {
	wd := int(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// closing is when the provider closes on date, by its published opening
// hours; zero when it publishes none for that day.
func closing(p *provider.Provider, d calendar.Date, loc *time.Location) time.Time {
	var last time.Time
	for _, h := range p.Profile.Hours {
		if h.Weekday != weekday(d) {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02 15:04", d.String()+" "+h.Close, loc)
		if err == nil && t.After(last) {
			last = t
		}
	}
	return last
}

// opensOn says whether the provider opens on a day: on the weekdays of
// its opening hours, or Monday to Friday when it publishes none.
func opensOn(p *provider.Provider) func(calendar.Date) bool {
	return func(d calendar.Date) bool {
		wd := weekday(d)
		if len(p.Profile.Hours) == 0 {
			return wd <= 5
		}
		return slices.ContainsFunc(p.Profile.Hours, func(h provider.Hours) bool { return h.Weekday == wd })
	}
}

// bookingsOn are a child's confirmed childcare bookings at a provider
// whose window overlaps the day.
func (s *Service) bookingsOn(ctx context.Context, childID string, p *provider.Provider, start, end time.Time) ([]*reservation.Booking, error) {
	all, err := s.d.Bookings.Overlapping(ctx, childID, start, end)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(b *reservation.Booking) bool {
		return b.ProviderID() != p.ID || b.Status() != reservation.Confirmed || b.Resource().Kind != childcare.ResourceKind
	}), nil
}

// knownAt reports whether a child ever had a place at the provider: its
// staff may know the child; to the staff of any other provider the
// child does not exist.
func (s *Service) knownAt(ctx context.Context, childID, providerID string) (bool, error) {
	got, _, err := s.d.Bookings.List(ctx, reservations.BookingFilter{RecipientID: childID, ProviderID: providerID},
		page.Request{Limit: 1})
	return len(got) > 0, err
}

// unbooked answers a child without a place on a day: not found to staff
// who never had the child, otherwise what was asked is refused with why.
func (s *Service) unbooked(ctx context.Context, c child.Child, p *provider.Provider, refusal *fault.Error, d calendar.Date) error {
	known, err := s.knownAt(ctx, c.ID, p.ID)
	if err != nil {
		return err
	}
	if !known {
		return child.ErrNotFound
	}
	return refusal.With(map[string]any{"date": d.String()})
}

// errNoBooking is a child the roster does not have, whose bookings give
// no place that day either.
var errNoBooking = errors.New("childday: no booking that day")
