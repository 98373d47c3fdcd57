package orders

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
)

// beforeDeparture are the statuses of an order nobody is on the way for
// yet: what removing its elder cancels.
var beforeDeparture = []order.Status{order.StatusCreated, order.StatusDispatching, order.StatusOffered,
	order.StatusAccepted}

// ElderRemoved cancels, as the family owner removing the elder (app/elders
// Delete calls it before the elder's record goes), the elder's home-care
// orders nobody has set out for yet, ordered by hand or by a recurring
// order: no caregiver is sent to an elder the family no longer has. Each
// goes through Cancel, as the family's own cancellation (its subsidy
// refunded once, the provider and caregiver told). An order the rules no
// longer let the family cancel (a refusal) is left to run its course;
// an order already under way is not touched. Idempotent: a cancelled
// order no longer matches, so the owner's retry goes on with the rest.
func (s *Service) ElderRemoved(ctx context.Context, a actor.Actor, elderID string) error {
	p := page.Request{Limit: page.MaxLimit}
	for {
		os, more, err := s.d.Orders.List(ctx, Filter{ElderID: elderID, Statuses: beforeDeparture}, p)
		if err != nil {
			return fmt.Errorf("orders of elder %s: %w", elderID, err)
		}
		for _, o := range os {
			if _, err := s.Cancel(ctx, a, o.ID(), removedReason); err != nil {
				if fe, ok := fault.As(err); ok && fe.Kind != fault.Internal && fe.Kind != fault.Unavailable {
					s.d.Log.InfoContext(ctx, "removed elder's order not cancelled", "order", o.ID(), "code", fe.Code)
					continue
				}
				return fmt.Errorf("cancel order %s: %w", o.ID(), err)
			}
		}
		if !more || len(os) == 0 {
			return nil
		}
		p.After = os[len(os)-1].ID()
	}
}

// removedReason is what the provider and caregiver read.
const removedReason = "老人档案已删除 (the elder was removed)"
