package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
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
// counts) through the same step as quotes, refuses a stale price version,
// and stores the order with the elder's address as it is now and the
// window in the family's zone.
func (s *Service) Create(ctx context.Context, a actor.Actor, cmd CreateCommand) (*order.Order, error) {
	pr, err := s.d.Pricer.Price(ctx, a, quotes.Command{ElderID: cmd.ElderID, ProviderID: cmd.ProviderID,
		ItemID: cmd.ItemID, Start: cmd.Start, End: cmd.End, Quantity: cmd.Quantity})
	if err != nil {
		return nil, err
	}
	q := pr.Quote
	if cmd.PriceVersion != q.PriceVersion {
		return nil, ErrPriceChanged.With(map[string]any{"current": q.PriceVersion})
	}
	draws := make([]order.AllowanceDraw, len(q.Allowances))
	for i, u := range q.Allowances {
		draws[i] = order.AllowanceDraw{AllowanceID: u.AllowanceID, Fen: u.Fen, Hours: u.Hours}
	}
	o, err := order.New(order.Draft{
		ID: s.d.NewID(), OrderedBy: a.UserID, ElderID: pr.Elder.ID, FamilyID: pr.Family.ID(), ProviderID: pr.Provider.ID,
		ItemID: pr.Item.ID, PriceVersion: q.PriceVersion, ServiceType: pr.Item.Type,
		Pricing: order.Pricing{MarketFen: q.MarketFen, InclusiveFen: q.InclusiveFen, AllowanceFen: q.AllowanceFen,
			Allowances: draws, DueFen: q.DueFen,
			// The provider's published fee at the time of ordering, never
			// more than the service itself.
			CancellationFeeFen: min(pr.Provider.Profile.Policy.CancellationFeeFen, q.ChargedFen)},
		Window:  order.Window{Start: cmd.Start.UTC(), End: cmd.End.UTC(), TimeZone: pr.Family.TimeZone()},
		Address: pr.Elder.Profile.Address, Notes: cmd.Notes,
	}, s.d.NewID(), pr.At)
	if err != nil {
		return nil, err
	}
	if err := s.d.Orders.Create(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}
