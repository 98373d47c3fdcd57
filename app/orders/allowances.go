package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/order"
)

// refunded are the endings after which an order takes nothing from an
// allowance.
var refunded = map[order.Status]bool{order.StatusCancelledByFamily: true, order.StatusCancelledByProvider: true,
	order.StatusExpired: true, order.StatusNoShowCaregiver: true}

// Drawn reads, from the orders, what an elder's allowances already pay
// for; quotes price against it (quotes.Drawn).
type Drawn struct{ Orders Store }

// Drawn sums what the elder's other orders take from each allowance in
// the calendar month (in zone) of at: fen, or hours for free-hours
// allowances. Quotes and orders price against what is left, so one
// month's allowance is not spent twice. Two orders priced at the same
// instant can still both see the same balance; drawing exactly once is
// the subsidy ledger's job.
func (d Drawn) Drawn(ctx context.Context, elderID string, at time.Time, zone *time.Location) (map[string]int64, error) {
	local := at.In(zone)
	from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, zone)
	to := from.AddDate(0, 1, 0)
	out := map[string]int64{}
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		list, more, err := d.Orders.List(ctx, Filter{ElderID: elderID, From: from, To: to}, p)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			if refunded[o.Status()] {
				continue
			}
			for _, d := range o.Pricing().Allowances {
				if d.Hours > 0 {
					out[d.AllowanceID] += int64(d.Hours)
				} else {
					out[d.AllowanceID] += d.Fen
				}
			}
		}
		if !more || len(list) == 0 {
			return out, nil
		}
		p.After = list[len(list)-1].ID()
	}
}

// History tells whether an elder has ever been ordered for
// (elders.Orders): from the first order on, the elder's birth date has
// priced something, and the family's word alone no longer changes it.
type History struct{ Orders Store }

// Ordered reports whether any order, in any state, names the elder.
func (h History) Ordered(ctx context.Context, elderID string) (bool, error) {
	list, _, err := h.Orders.List(ctx, Filter{ElderID: elderID}, page.Request{Limit: 1})
	if err != nil {
		return false, err
	}
	return len(list) > 0, nil
}
