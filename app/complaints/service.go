// Package complaints holds the use cases of complaints (投诉): a family
// member files one about an order, a booking or a provider; the
// provider's office answers by a deadline or the complaint goes to the
// regulator by itself (Sweep, a timer kept in MongoDB); the family
// accepts the answer or escalates; a regulator decides and may change the
// provider's credit standing. Authorization is decided here: a complaint
// exists for its family's members, its provider's admins and office
// staff, and — once escalated — regulators; to anyone else it is not
// found.
//
// Regulators are scoped to their regions (domain/region): each complaint
// keeps its provider's region code (and its prefixes), a regulator reads,
// lists and decides only the escalated complaints of providers in their
// regions, and the list's region filter narrows within them.
package complaints

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Store keeps complaints, one document each.
type Store interface {
	// Create refuses a second complaint about the same order or booking
	// with complaint.ErrExists naming the first.
	Create(ctx context.Context, c *complaint.Complaint) error
	// Get returns complaint.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*complaint.Complaint, error)
	Update(ctx context.Context, id string, fn func(*complaint.Complaint) error) (*complaint.Complaint, error)
	// List pages through complaints newest first.
	List(ctx context.Context, f Filter, p page.Request) ([]*complaint.Complaint, bool, error)
	// Overdue lists open complaints whose provider's time to answer is up
	// at now, oldest deadline first, at most limit.
	Overdue(ctx context.Context, now time.Time, limit int) ([]string, error)
	// CreditPending lists decided complaints whose credit change has not
	// reached the provider yet, at most limit.
	CreditPending(ctx context.Context, limit int) ([]string, error)
	// FiledSince returns the complaints about these providers filed at or
	// after since.
	FiledSince(ctx context.Context, providerIDs []string, since time.Time) ([]*complaint.Complaint, error)
}

// Filter narrows a list; empty fields do not filter.
type Filter struct {
	FamilyID, ProviderID string
	Statuses             []complaint.Status
	// Escalated keeps only complaints that went to the regulator.
	Escalated bool
	// Region keeps complaints about providers in this region: a province
	// (2 digits), city (4) or district (6) code.
	Region string
	// Within, when not nil, keeps complaints about providers in one of
	// these regions (prefixes as Region); empty keeps none.
	Within []string
}

// Orders, Bookings, Families and Providers read what a complaint is
// about and who may see it.
type (
	Orders interface {
		Get(ctx context.Context, id string) (*order.Order, int64, error)
	}
	Bookings interface {
		Get(ctx context.Context, id string) (*reservation.Booking, error)
	}
	Families interface {
		Get(ctx context.Context, id string) (*family.Family, error)
	}
	Providers interface {
		Get(ctx context.Context, id string) (*provider.Provider, error)
	}
)

// Credit sets a provider's credit standing as the regulator decided it,
// the way the regulator's own setting does (search follows at once).
// Its write is skipped when the provider's standing was set after
// decidedAt: a later decision wins, and repeating this one is harmless.
type Credit interface {
	CreditFromDecision(ctx context.Context, providerID string, c provider.Credit, reason string,
		src provider.CreditSource, decidedAt time.Time) error
}

// Deps are the stores and settings the use cases need.
type Deps struct {
	Complaints Store
	Orders     Orders
	Bookings   Bookings
	Families   Families
	Providers  Providers
	Credit     Credit
	Now        func() time.Time
	NewID      func() string
	// RespondWithin is how long a provider has to answer a complaint
	// (COMPLAINT_RESPONSE_TIME).
	RespondWithin time.Duration
	// Log hears of work left to the sweep.
	Log *slog.Logger
	// Officials logs what regulators decide.
	Officials *audittrail.Officials
}

// Service gathers the complaint use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.RespondWithin <= 0 {
		d.RespondWithin = complaint.DefaultResponseTime
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}

// RespondWithin is the configured time a provider has to answer.
func (s *Service) RespondWithin() time.Duration { return s.d.RespondWithin }
