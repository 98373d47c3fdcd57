// Package quotes prices a service for an elder before the family orders
// it: market price, 普惠 price, allowances and amount due. Only members of
// the elder's family may ask; to anyone else the elder does not exist.
package quotes

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/pricing"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

// Elders reads elders.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// Providers reads a provider with its menu.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Balance is what one allowance has left in the ledger period of a
// service's day (app/allowances).
type Balance struct {
	AllowanceID string
	Kind        elder.AllowanceKind
	Account     string // the ledger account an order would reserve in
	Period      string // "2026-12", or a one-off grant's validity
	Unit        ledger.Unit
	Granted     int64 // the period's grant with adjustments
	Remaining   int64
}

// Balances reads what the elder's allowances that pay for a service of
// type t on the day of at have left: app/allowances.Service.
type Balances interface {
	Balances(ctx context.Context, e elder.Elder, t service.Type, at time.Time) ([]Balance, error)
}

// Service gathers the quote use case.
type Service struct {
	elders    Elders
	families  familyaccess.Families
	providers Providers
	balances  Balances
	now       func() time.Time
}

func NewService(elders Elders, families familyaccess.Families, providers Providers, balances Balances,
	now func() time.Time) *Service {
	return &Service{elders: elders, families: families, providers: providers, balances: balances, now: now}
}

// Command asks the price of an item of a provider for an elder in a
// window.
type Command struct {
	ElderID    string
	ProviderID string
	ItemID     string
	Start, End time.Time
	Quantity   int
}

// Result is a quote with the provider's zone, in which the window reads,
// and what each allowance that pays for it has left in its period.
type Result struct {
	pricing.Quote
	ProviderID string
	TimeZone   string
	QuotedAt   time.Time
	Balances   []Balance
}

// Quote prices cmd for a member of the elder's family.
func (s *Service) Quote(ctx context.Context, a actor.Actor, cmd Command) (Result, error) {
	pr, err := s.Price(ctx, a, cmd)
	if err != nil {
		return Result{}, err
	}
	return pr.Result(), nil
}

// Result is the quote a family sees of what was priced.
func (pr Priced) Result() Result {
	return Result{Quote: pr.Quote, ProviderID: pr.Provider.ID, TimeZone: pr.Provider.Profile.TimeZone,
		QuotedAt: pr.At.UTC(), Balances: pr.Balances}
}

// Priced is a quote with what it was computed from, for the order that
// follows it.
type Priced struct {
	pricing.Quote
	Elder    elder.Elder
	Family   *family.Family
	Provider *provider.Provider
	Item     catalog.Item
	At       time.Time
	Balances []Balance
}

// Account is the ledger account allowance id draws on, as priced.
func (pr Priced) Account(allowanceID string) string {
	for _, b := range pr.Balances {
		if b.AllowanceID == allowanceID {
			return b.Account
		}
	}
	return ""
}

// Price is the one pricing step of quotes and orders: the caller must be
// of the elder's family; a provider that is not visible, or an item not
// on its menu, is not found; the elder's allowances give what their
// ledger period of the service's day has left.
func (s *Service) Price(ctx context.Context, a actor.Actor, cmd Command) (Priced, error) {
	if a.UserID == "" {
		return Priced{}, fault.ErrUnauthenticated
	}
	e, err := s.elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return Priced{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return Priced{}, err
	}
	p, err := s.providers.Get(ctx, cmd.ProviderID)
	if err != nil {
		return Priced{}, err
	}
	if !p.Visible() {
		return Priced{}, provider.ErrNotFound // a hidden provider does not exist to families
	}
	item, err := p.Item(cmd.ItemID)
	if err != nil {
		return Priced{}, err
	}
	if !item.Active {
		return Priced{}, catalog.ErrNotFound
	}
	now := s.now()
	balances, err := s.balances.Balances(ctx, e, item.Type, cmd.Start)
	if err != nil {
		return Priced{}, err
	}
	left := make(map[string]int64, len(balances))
	for _, b := range balances {
		left[b.AllowanceID] = b.Remaining
	}
	q, err := pricing.Price(pricing.Request{Elder: e, Provider: p, Item: *item, Start: cmd.Start, End: cmd.End,
		Quantity: cmd.Quantity, Remaining: left}, now)
	if err != nil {
		return Priced{}, err
	}
	return Priced{Quote: q, Elder: e, Family: f, Provider: p, Item: *item, At: now, Balances: balances}, nil
}
