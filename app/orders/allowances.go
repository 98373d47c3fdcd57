package orders

import (
	"context"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/order"
)

// Allowances draws orders' allowances from the ledger exactly once:
// app/allowances.Service.
type Allowances interface {
	// Reserve holds every draw of an order not yet stored, or none of
	// them (ledger.ErrInsufficient: another order took the balance).
	Reserve(ctx context.Context, e elder.Elder, o *order.Order) error
	// Release gives back the draws of an order that was never stored.
	Release(ctx context.Context, o *order.Order) error
	// Settle releases the draws of an order that ended unserved and
	// commits those of a completed one; a no-op otherwise or when done.
	Settle(ctx context.Context, o *order.Order) error
}

// update is the one way the use cases change a stored order: the
// versioned write, then what the new state asks of its allowances. A
// settlement that fails (or a crash before it) is not the caller's
// failure: the order is changed, and the allowance reconciler settles
// it from the order's state.
func (s *Service) update(ctx context.Context, id string, fn func(*order.Order) error) (*order.Order, error) {
	o, err := s.d.Orders.Update(ctx, id, fn)
	if err != nil {
		return nil, err
	}
	s.settle(ctx, o)
	return o, nil
}

func (s *Service) settle(ctx context.Context, o *order.Order) {
	if len(o.Pricing().Allowances) == 0 {
		return
	}
	if err := s.d.Allowances.Settle(ctx, o); err != nil {
		s.d.Log.WarnContext(ctx, "order's allowances not settled; the reconciler will", "order", o.ID(), "err", err)
	}
}
