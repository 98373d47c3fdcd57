package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
)

// ErrPriceChanged is an order citing a price version the provider has
// replaced since the family's quote: they must see the new price first.
var ErrPriceChanged = fault.New(fault.Conflict, "price_changed")

// ErrAllowanceChanged is an order whose allowances no longer pay what
// the family was quoted: another order drew on them first. It comes as
// an *AllowanceChanged carrying the new price; the family confirms
// again.
var ErrAllowanceChanged = fault.New(fault.Conflict, "allowance_changed")

// AllowanceChanged is ErrAllowanceChanged with the order priced again.
type AllowanceChanged struct {
	Fault *fault.Error
	Quote quotes.Result
}

func (e *AllowanceChanged) Error() string { return e.Fault.Error() }
func (e *AllowanceChanged) Unwrap() error { return e.Fault }

// CreateCommand is a family member ordering an item for an elder.
type CreateCommand struct {
	ElderID      string
	ProviderID   string
	ItemID       string
	PriceVersion int
	Start, End   time.Time
	Quantity     int
	Notes        string
	// DueFen, when given, is what the family accepted to pay: an order
	// that would cost them more (an allowance spent since) is refused
	// with the new price rather than placed.
	DueFen *int64
	// ID, when given, is the new order's id: the recurring-order
	// generator chooses it before ordering, so that after a crash it can
	// find the order it made instead of making it twice. Requests from
	// clients never set it.
	ID string
}

// Create prices the order again (a quote is advice, the order is what
// counts) through the same step as quotes, refuses a stale price version
// or a higher amount due than the family accepted, reserves the
// allowances' draws in the ledger, and stores the order with the elder's
// address as it is now and the window in the family's zone.
//
// There are no transactions, so the reservation comes first: an order
// is stored only once its draws are held, and a reservation lost to
// another order (the balance went first) stores nothing and answers
// allowance_changed with the new price. If the order's write fails the
// reservation is released here; if the process dies between the two,
// the allowance reconciler releases it once the order is plainly never
// coming (app/allowances.Reconcile).
func (s *Service) Create(ctx context.Context, a actor.Actor, cmd CreateCommand) (*order.Order, error) {
	pc := quotes.Command{ElderID: cmd.ElderID, ProviderID: cmd.ProviderID, ItemID: cmd.ItemID, Start: cmd.Start,
		End: cmd.End, Quantity: cmd.Quantity}
	pr, err := s.d.Pricer.Price(ctx, a, pc)
	if err != nil {
		return nil, err
	}
	q := pr.Quote
	if cmd.PriceVersion != q.PriceVersion {
		return nil, ErrPriceChanged.With(map[string]any{"current": q.PriceVersion})
	}
	if cmd.DueFen != nil && q.DueFen > *cmd.DueFen {
		return nil, allowanceChanged(pr)
	}
	o, err := s.newOrder(a, cmd, pr)
	if err != nil {
		return nil, err
	}
	if len(q.Allowances) > 0 {
		err := s.d.Allowances.Reserve(ctx, pr.Elder, o)
		if fault.Is(err, ledger.ErrInsufficient) || fault.Is(err, elder.ErrAllowanceNotFound) {
			again, perr := s.d.Pricer.Price(ctx, a, pc)
			if perr != nil {
				return nil, perr
			}
			return nil, allowanceChanged(again)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.d.Orders.Create(ctx, o); err != nil {
		if len(q.Allowances) > 0 {
			if rerr := s.d.Allowances.Release(ctx, o); rerr != nil {
				s.d.Log.WarnContext(ctx, "reservation of an unwritten order not released; the reconciler will",
					"order", o.ID(), "err", rerr)
			}
		}
		return nil, err
	}
	return o, nil
}

func allowanceChanged(pr quotes.Priced) error {
	r := pr.Result()
	return &AllowanceChanged{Fault: ErrAllowanceChanged.With(map[string]any{"allowanceFen": r.AllowanceFen,
		"dueFen": r.DueFen}), Quote: r}
}

func (s *Service) newOrder(a actor.Actor, cmd CreateCommand, pr quotes.Priced) (*order.Order, error) {
	q := pr.Quote
	draws := make([]order.AllowanceDraw, len(q.Allowances))
	for i, u := range q.Allowances {
		draws[i] = order.AllowanceDraw{AllowanceID: u.AllowanceID, Account: pr.Account(u.AllowanceID), Fen: u.Fen,
			Hours: u.Hours}
	}
	id := cmd.ID
	if id == "" {
		id = s.d.NewID()
	}
	return order.New(order.Draft{
		ID: id, OrderedBy: a.UserID, ElderID: pr.Elder.ID, FamilyID: pr.Family.ID(), ProviderID: pr.Provider.ID,
		ItemID: pr.Item.ID, PriceVersion: q.PriceVersion, ServiceType: pr.Item.Type,
		Pricing: order.Pricing{MarketFen: q.MarketFen, InclusiveFen: q.InclusiveFen, AllowanceFen: q.AllowanceFen,
			Allowances: draws, DueFen: q.DueFen,
			// The provider's published fee at the time of ordering, never
			// more than the service itself.
			CancellationFeeFen: min(pr.Provider.Profile.Policy.CancellationFeeFen, q.ChargedFen)},
		Window:  order.Window{Start: cmd.Start.UTC(), End: cmd.End.UTC(), TimeZone: pr.Family.TimeZone()},
		Address: pr.Elder.Profile.Address, Notes: cmd.Notes,
	}, s.d.NewID(), pr.At)
}
