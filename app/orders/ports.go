// Package orders holds the use cases of home-care orders: a family
// orders a priced service for an elder, the provider dispatches it, one
// caregiver accepts it. Authorization is decided here: a family member
// sees the family's orders, provider admins and staff their provider's,
// a caregiver only orders offered or assigned to them; to anyone else an
// order does not exist.
package orders

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// Store keeps orders, one document each.
type Store interface {
	Create(ctx context.Context, o *order.Order) error
	// Get returns order.ErrNotFound for an unknown id, and the version.
	Get(ctx context.Context, id string) (*order.Order, int64, error)
	Update(ctx context.Context, id string, fn func(*order.Order) error) (*order.Order, error)
	List(ctx context.Context, f Filter, p page.Request) ([]*order.Order, bool, error)
	// Ratings pages through rated orders by id, of one provider or of all
	// (providerID ""), for the ratings' recount.
	Ratings(ctx context.Context, providerID, after string, limit int) ([]RatingFact, error)
}

// RatingFact is one rating as the recount reads it.
type RatingFact struct {
	OrderID, ProviderID, CaregiverID string
	Stars                            int
	At                               time.Time
}

// Filter narrows a list of orders; empty fields do not filter.
type Filter struct {
	FamilyID, ProviderID, CaregiverID, OfferedTo, ElderID string
	Statuses                                              []order.Status
	// From and To bound the window's start: From ≤ start < To.
	From, To time.Time
}

// Pricer prices an order as a quote would: quotes.Service.
type Pricer interface {
	Price(ctx context.Context, a actor.Actor, cmd quotes.Command) (quotes.Priced, error)
}

type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Users reads accounts.
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
}

// Providers reads providers, and updates one to count a rating on it.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
	Update(ctx context.Context, id string, fn func(*provider.Provider) error) (*provider.Provider, error)
}

// Deps are the stores and settings the use cases need.
type Deps struct {
	Orders     Store
	Pricer     Pricer
	Allowances Allowances
	Families   Families
	Providers  Providers
	// Elders, with VisitCodes, let an elder's own account confirm a
	// visit with its code (elder_confirm.go).
	Elders     Elders
	VisitCodes order.VisitCodeKey
	// Users, with Elders, find the elder's own account to tell it the
	// caregiver is on the way (audience.go).
	Users Users
	Now   func() time.Time
	NewID func() string
	// OfferTTL is how long a caregiver has to answer an offer.
	OfferTTL time.Duration
	// OffersPerRound is how many caregivers one dispatch asks at once.
	OffersPerRound int
	// CheckIn is how near the address and the window a check-in must be
	// to go unflagged.
	CheckIn order.CheckInRules
	// Log hears of work left to a repair job (a rating not yet counted,
	// allowances not yet settled).
	Log *slog.Logger
}

// Service gathers the order use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.OfferTTL <= 0 {
		d.OfferTTL = 5 * time.Minute
	}
	if d.OffersPerRound <= 0 {
		d.OffersPerRound = 3
	}
	if d.CheckIn.RadiusMetres <= 0 {
		d.CheckIn = order.DefaultCheckInRules
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}
