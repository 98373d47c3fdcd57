// Package meals holds the use cases of meal aid (助餐): a canteen sets
// its meal windows, pick-up points, delivery area and closed days, and
// publishes each day's menu; a region's regulator sets the per-meal
// subsidy by elder category; a family member orders a meal for one of
// the family's elders and cancels it until the window's cutoff. A
// window's portions on one day are a slot of the reservation engine
// (app/reservations), which this package drives and never bypasses, so
// portions never oversell; the subsidy is drawn through the exactly-once
// ledger (app/ledger). Authorization is decided here: a canteen's admins
// and office staff manage it; an order is its family's and its canteen's.
package meals

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/provider"
)

// Canteens keeps each canteen's settings, one document per provider.
type Canteens interface {
	Put(ctx context.Context, c meal.Canteen) error
	// Get returns meal.ErrCanteenNotFound for a provider with none.
	Get(ctx context.Context, providerID string) (meal.Canteen, error)
}

// Menus keeps one menu per canteen, day and window.
type Menus interface {
	Put(ctx context.Context, m meal.Menu) error
	// Get returns meal.ErrMenuNotFound when none was published.
	Get(ctx context.Context, providerID string, d calendar.Date, w meal.WindowKind) (meal.Menu, error)
}

// Orders keeps meal orders, one document each, id = booking id.
type Orders interface {
	// Create stores an order; false when one with its id exists.
	Create(ctx context.Context, o *meal.Order) (bool, error)
	// Get returns meal.ErrOrderNotFound for an unknown id.
	Get(ctx context.Context, id string) (*meal.Order, error)
	// Update loads, applies fn and writes only if nobody wrote since.
	Update(ctx context.Context, id string, fn func(*meal.Order) error) (*meal.Order, error)
	// OfDay pages a canteen's orders of a day, any status, by id.
	OfDay(ctx context.Context, providerID string, d calendar.Date, p page.Request) ([]*meal.Order, bool, error)
	// OfSlot is every order of a window's day, any status: the
	// canteen's day lists (a window cooks at most reservation.MaxCapacity).
	OfSlot(ctx context.Context, slotID string) ([]*meal.Order, error)
	// OfElder is an elder's orders of the given days (YYYY-MM-DD), any
	// status: the meal a card redeems.
	OfElder(ctx context.Context, elderID string, days []string) ([]*meal.Order, error)
	// Upcoming is an elder's orders dated from the given day on, any
	// status: what removing the elder withdraws.
	Upcoming(ctx context.Context, elderID string, from calendar.Date) ([]*meal.Order, error)
}

// SubsidyRules keeps each region's meal subsidy rules.
type SubsidyRules interface {
	Put(ctx context.Context, r meal.Rules) error
	// Get returns meal.ErrRulesNotFound for a region with none.
	Get(ctx context.Context, region string) (meal.Rules, error)
}

// Ledger is the exactly-once ledger: app/ledger.Service.
type Ledger interface {
	Reserve(ctx context.Context, open ledger.Opening, p ledger.Posting) (appledger.Posted, error)
	Commit(ctx context.Context, open ledger.Opening, ref string, amount int64, by string) (appledger.Posted, error)
	Release(ctx context.Context, open ledger.Opening, ref, by string) (appledger.Posted, error)
	Balance(ctx context.Context, open ledger.Opening) (*ledger.Account, error)
	// Holding pages through accounts with holds, for the reconciler.
	Holding(ctx context.Context, after string, limit int) ([]*ledger.Account, error)
}

type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Deps are what the use cases need.
type Deps struct {
	Canteens     Canteens
	Menus        Menus
	Orders       Orders
	Rules        SubsidyRules
	Ledger       Ledger
	Elders       Elders
	Families     Families
	Providers    Providers
	Slots        reservations.Slots
	Reservations *reservations.Service
	// Finder is the nearby search canteens are found with.
	Finder        Finder
	Subscriptions Subscriptions
	// CodeKey signs redemption codes and meal cards, and keys the cards'
	// PIN digests; every replica shares it.
	CodeKey []byte
	// Cards keeps elders' meal cards; Limiter bounds guessing their PINs.
	Cards   Cards
	Limiter throttle.Limiter
	// Officials logs what regulators do; Audit what families' records
	// others read (elders' addresses on a delivery list).
	Officials *audittrail.Officials
	Audit     *audittrail.Recorder
	Now       func() time.Time
	NewID     func() string
	Log       *slog.Logger
}

// Service gathers the meal-aid use cases.
type Service struct {
	d   Deps
	gen Generator
}

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d}
}

// IsCanteen reports whether a provider is licensed to run a canteen.
func IsCanteen(p *provider.Provider) bool {
	for _, l := range p.Profile.Licences {
		if l.Kind == provider.Canteen {
			return true
		}
	}
	return false
}

// managed loads a canteen provider for its admins and office staff; to
// anyone else it is not found.
func (s *Service) managed(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, meal.ErrCanteenNotFound
	}
	if err != nil {
		return nil, err
	}
	if !p.InOffice(a.UserID) {
		return nil, meal.ErrCanteenNotFound
	}
	return p, nil
}

// visible loads a canteen the caller may see: one of a visible provider
// with settings, or one the caller manages.
func (s *Service) visible(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, meal.Canteen, bool, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, meal.Canteen{}, false, meal.ErrCanteenNotFound
	}
	if err != nil {
		return nil, meal.Canteen{}, false, err
	}
	manager := a.UserID != "" && p.InOffice(a.UserID)
	if !manager && (!p.Visible() || !IsCanteen(p)) {
		return nil, meal.Canteen{}, false, meal.ErrCanteenNotFound
	}
	c, err := s.d.Canteens.Get(ctx, providerID)
	if err != nil {
		return nil, meal.Canteen{}, false, err
	}
	return p, c, manager, nil
}
