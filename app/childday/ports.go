package childday

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/room"
)

// Setups keeps each provider's rooms and day policy, one document per
// provider.
type Setups interface {
	// Get answers an empty setup for a provider that has none yet.
	Get(ctx context.Context, providerID string) (*room.Setup, error)
	// Update loads (or starts) the setup, applies fn, and writes it only
	// if nobody wrote since, retrying on conflict.
	Update(ctx context.Context, providerID string, fn func(*room.Setup) error) (*room.Setup, error)
}

// Days keeps room days, one document each, read by id.
type Days interface {
	// Get returns attendance.ErrDayNotFound for a day nothing happened in.
	Get(ctx context.Context, id string) (*attendance.Day, error)
	// Update loads the day, or starts it with fresh when there is none
	// (fresh nil: attendance.ErrDayNotFound), applies fn, and writes it
	// with the events it recorded only if nobody wrote since, retrying
	// on conflict.
	Update(ctx context.Context, id string, fresh func() *attendance.Day, fn func(*attendance.Day) error) (*attendance.Day, error)
	// OfProvider are a provider's room days from one date to another,
	// both included: the month of a statement.
	OfProvider(ctx context.Context, providerID string, from, to calendar.Date) ([]*attendance.Day, error)
}

// Rosters keeps where each child of a provider is on a day.
type Rosters interface {
	// Get answers false for a day nobody was placed on.
	Get(ctx context.Context, providerID string, d calendar.Date) (*attendance.Roster, bool, error)
	// Update loads (or starts) the roster, applies fn and writes it.
	Update(ctx context.Context, providerID string, d calendar.Date, fn func(*attendance.Roster) error) (*attendance.Roster, error)
}

// Reports keeps daily reports.
type Reports interface {
	// Get returns dailyreport.ErrNotFound for a report never started.
	Get(ctx context.Context, childID string, d calendar.Date, providerID string) (*dailyreport.Report, error)
	// Update loads the report, or starts it with fresh (nil: ErrNotFound),
	// applies fn and writes it with its events.
	Update(ctx context.Context, childID string, d calendar.Date, providerID string, fresh func() *dailyreport.Report,
		fn func(*dailyreport.Report) error) (*dailyreport.Report, error)
	// Range are a child's reports from one date to another, both
	// included, newest first (by date, then provider).
	Range(ctx context.Context, childID string, from, to calendar.Date) ([]*dailyreport.Report, error)
}

// Rates keeps the regions' subsidy rates, one document per region code.
type Rates interface {
	// Get answers an empty book for a region without rates.
	Get(ctx context.Context, regionCode string) (*attendance.RateBook, error)
	Update(ctx context.Context, regionCode string, fn func(*attendance.RateBook) error) (*attendance.RateBook, error)
}

type Children interface {
	Get(ctx context.Context, id string) (child.Child, error)
}

type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Bookings reads the reservation engine's bookings.
type Bookings interface {
	Get(ctx context.Context, id string) (*reservation.Booking, error)
	// Overlapping are a recipient's confirmed bookings whose window
	// overlaps [start, end).
	Overlapping(ctx context.Context, recipientID string, start, end time.Time) ([]*reservation.Booking, error)
	// AtProvider are a provider's bookings of any status whose window
	// overlaps [start, end).
	AtProvider(ctx context.Context, providerID string, start, end time.Time) ([]*reservation.Booking, error)
	List(ctx context.Context, f reservations.BookingFilter, p page.Request) ([]*reservation.Booking, bool, error)
}

// Door books a place for a child who came without one, through the
// reservation engine (reservations.Service.AdmitAtDoor).
type Door interface {
	AdmitAtDoor(ctx context.Context, a actor.Actor, cmd reservations.DoorCommand) (*reservation.Booking, error)
}

// Pickups authorizes one-time pickup persons (children.Service), with
// the audit log and announcement every pickup change has.
type Pickups interface {
	AddOneTimePickup(ctx context.Context, a actor.Actor, childID string, in children.PickupInput, until time.Time,
		untilLocal string) (child.PickupPerson, error)
}
