package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/pricing"
	"github.com/kincare/kincare/domain/provider"
)

// ErrPriceChanged is an order citing a price version the provider has
// replaced since the family's quote: they must see the new price first.
var ErrPriceChanged = fault.New(fault.Conflict, "price_changed")

// CreateCommand is a family member ordering an item for an elder.
type CreateCommand struct {
	ElderID      string
	ProviderID   string
	ItemID       string
	PriceVersion int
	Start, End   time.Time
	Quantity     int
	Notes        string
}

// Create prices the order again (a quote is advice, the order is what
// counts), refuses a stale price version, and stores the order with the
// elder's address as it is now and the window in the family's zone.
func (s *Service) Create(ctx context.Context, a actor.Actor, cmd CreateCommand) (*order.Order, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return nil, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Get(ctx, cmd.ProviderID)
	if err != nil {
		return nil, err
	}
	if !p.Visible() {
		return nil, provider.ErrNotFound
	}
	item, err := p.Item(cmd.ItemID)
	if err != nil {
		return nil, err
	}
	if !item.Active {
		return nil, catalog.ErrNotFound
	}
	now := s.d.Now()
	drawn, err := s.Drawn(ctx, e.ID, cmd.Start, f.Location())
	if err != nil {
		return nil, err
	}
	q, err := pricing.Price(pricing.Request{Elder: e, Provider: p, Item: *item, Start: cmd.Start, End: cmd.End,
		Quantity: cmd.Quantity, Drawn: drawn}, now)
	if err != nil {
		return nil, err
	}
	if cmd.PriceVersion != q.PriceVersion {
		return nil, ErrPriceChanged.With(map[string]any{"current": q.PriceVersion})
	}
	draws := make([]order.AllowanceDraw, len(q.Allowances))
	for i, u := range q.Allowances {
		draws[i] = order.AllowanceDraw{AllowanceID: u.AllowanceID, Fen: u.Fen, Hours: u.Hours}
	}
	o, err := order.New(order.Draft{
		ID: s.d.NewID(), OrderedBy: a.UserID, ElderID: e.ID, FamilyID: f.ID(), ProviderID: p.ID, ItemID: item.ID,
		PriceVersion: q.PriceVersion, ServiceType: item.Type,
		Pricing: order.Pricing{MarketFen: q.MarketFen, InclusiveFen: q.InclusiveFen, AllowanceFen: q.AllowanceFen,
			Allowances: draws, DueFen: q.DueFen,
			// The provider's published fee at the time of ordering, never
			// more than the service itself.
			CancellationFeeFen: min(p.Profile.Policy.CancellationFeeFen, q.ChargedFen)},
		Window:  order.Window{Start: cmd.Start.UTC(), End: cmd.End.UTC(), TimeZone: f.TimeZone()},
		Address: e.Profile.Address, Notes: cmd.Notes,
	}, s.d.NewID(), now)
	if err != nil {
		return nil, err
	}
	if err := s.d.Orders.Create(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}
