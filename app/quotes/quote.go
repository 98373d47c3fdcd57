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
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/pricing"
	"github.com/kincare/kincare/domain/provider"
)

// Elders reads elders.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// Providers reads a provider with its menu.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Drawn says what the elder's orders already take from each allowance in
// the month of at.
type Drawn interface {
	Drawn(ctx context.Context, elderID string, at time.Time, zone *time.Location) (map[string]int64, error)
}

// Service gathers the quote use case.
type Service struct {
	elders    Elders
	families  familyaccess.Families
	providers Providers
	drawn     Drawn
	now       func() time.Time
}

func NewService(elders Elders, families familyaccess.Families, providers Providers, drawn Drawn,
	now func() time.Time) *Service {
	return &Service{elders: elders, families: families, providers: providers, drawn: drawn, now: now}
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

// Result is a quote with the provider's zone, in which the window reads.
type Result struct {
	pricing.Quote
	ProviderID string
	TimeZone   string
	QuotedAt   time.Time
}

// Quote prices cmd for a member of the elder's family. A provider that is
// not visible, or an item not on its menu, is not found.
func (s *Service) Quote(ctx context.Context, a actor.Actor, cmd Command) (Result, error) {
	if a.UserID == "" {
		return Result{}, fault.ErrUnauthenticated
	}
	e, err := s.elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return Result{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return Result{}, err
	}
	p, err := s.providers.Get(ctx, cmd.ProviderID)
	if err != nil {
		return Result{}, err
	}
	if !p.Visible() {
		return Result{}, provider.ErrNotFound // a hidden provider does not exist to families
	}
	item, err := p.Item(cmd.ItemID)
	if err != nil {
		return Result{}, err
	}
	if !item.Active {
		return Result{}, catalog.ErrNotFound
	}
	now := s.now()
	drawn, err := s.drawn.Drawn(ctx, e.ID, cmd.Start, f.Location())
	if err != nil {
		return Result{}, err
	}
	q, err := pricing.Price(pricing.Request{Elder: e, Provider: p, Item: *item, Start: cmd.Start, End: cmd.End,
		Quantity: cmd.Quantity, Drawn: drawn}, now)
	if err != nil {
		return Result{}, err
	}
	return Result{Quote: q, ProviderID: p.ID, TimeZone: p.Profile.TimeZone, QuotedAt: now.UTC()}, nil
}
