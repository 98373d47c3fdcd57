package recurrence

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/recurrence"
)

// HomeCareKind names home-care rules among the generator's plans.
const HomeCareKind = "home_care"

// HomeCare is the Target of recurring home-care orders: each occurrence
// becomes an order through app/orders' own create path, ordered by the
// family member who set the rule up, as if they had ordered it then.
type HomeCare struct {
	Rules  Rules
	Orders Orders
	Store  OrderStore
	Now    func() time.Time
	NewID  func() string
}

func (h HomeCare) Kind() string { return HomeCareKind }

func (h HomeCare) Plans(ctx context.Context, after string, limit int) ([]Plan, error) {
	rs, err := h.Rules.Active(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Plan, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out, nil
}

// orderer is the family member a rule orders as. Their membership is
// checked by the create path as for any order: one who left the family
// no longer orders for its elder.
func orderer(r *recurrence.Rule) actor.Actor {
	return actor.Actor{UserID: r.CreatedBy(), Roles: identity.NewRoles(identity.RoleFamily)}
}

// Materialise orders the occurrence at the rule's price version and no
// more than the amount due the family accepted (an allowance used up
// makes it cost more: allowance_changed, a refusal). An
// order a crashed attempt already stored under o.ID is returned as made.
func (h HomeCare) Materialise(ctx context.Context, p Plan, o Occurrence) (string, error) {
	r := p.(*recurrence.Rule)
	if got, _, err := h.Store.Get(ctx, o.ID); err == nil {
		return got.ID(), nil
	} else if !fault.Is(err, order.ErrNotFound) {
		return "", err
	}
	due := r.DueFen()
	made, err := h.Orders.Create(ctx, orderer(r), orders.CreateCommand{ID: o.ID, ElderID: r.ElderID(), DueFen: &due,
		ProviderID: r.ProviderID(), ItemID: r.ItemID(), PriceVersion: r.PriceVersion(), Start: o.Start, End: o.End,
		Quantity: r.Quantity(), Notes: r.Notes()})
	if err != nil {
		return "", err
	}
	return made.ID(), nil
}

// Skipped records the refusal on the rule, whose event tells the family.
// An elder its orderer no longer reaches (they left the family, or the
// elder was removed) ends the rule too: no later occurrence could be
// ordered, and the family would otherwise be told so every week.
func (h HomeCare) Skipped(ctx context.Context, p Plan, o Occurrence, why *fault.Error) error {
	_, err := h.Rules.Update(ctx, p.PlanID(), func(r *recurrence.Rule) error {
		now := h.Now()
		if err := r.OccurrenceSkipped(o.Occurrence, why.Code, h.NewID(), now); err != nil {
			return err
		}
		if fault.Is(why, elder.ErrNotFound) && r.Status() != recurrence.Ended {
			return r.End(now)
		}
		return nil
	})
	return err
}
