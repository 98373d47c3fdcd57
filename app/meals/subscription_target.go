package meals

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/meal"
)

// SubscriptionKind names meal subscriptions among the generator's plans.
const SubscriptionKind = "meal"

// Target is the generator's target for meal subscriptions.
func (s *Service) Target() recurrence.Target { return subscriptionTarget{s} }

type subscriptionTarget struct{ s *Service }

func (t subscriptionTarget) Kind() string { return SubscriptionKind }

func (t subscriptionTarget) Plans(ctx context.Context, after string, limit int) ([]recurrence.Plan, error) {
	subs, err := t.s.d.Subscriptions.Active(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]recurrence.Plan, len(subs))
	for i, sub := range subs {
		out[i] = sub
	}
	return out, nil
}

// Materialise orders one subscribed day as the subscriber, with the
// occurrence's key as the Idempotency-Key: the portion's hold, hence the
// order, is the same however often it is tried. The meal is the day's
// first set meal the elder may eat. A menu not published yet, before the
// cutoff, leaves the day for a later run.
func (t subscriptionTarget) Materialise(ctx context.Context, p recurrence.Plan, o recurrence.Occurrence) (string, error) {
	d := p.(*meal.Subscription).Draft()
	m, err := t.s.d.Menus.Get(ctx, d.ProviderID, o.Date, d.Window)
	if fault.Is(err, meal.ErrMenuNotFound) {
		c, cerr := t.s.d.Canteens.Get(ctx, d.ProviderID)
		if cerr != nil {
			return "", cerr
		}
		st, serr := c.SittingOn(o.Date, d.Window)
		if serr != nil {
			return "", serr // closed that day: skipped, and the family told
		}
		if err := st.CheckOpen(t.s.d.Now()); err != nil {
			return "", meal.ErrMenuNotFound // never published in time
		}
		return "", meal.ErrMenuNotYetPublished
	}
	if err != nil {
		return "", err
	}
	e, err := t.s.d.Elders.Get(ctx, d.ElderID)
	if err != nil {
		return "", err
	}
	item := ""
	for _, it := range m.Items {
		if it.Kind == meal.SetMeal && len(meal.Conflicts(e.Profile.Diet, []meal.Item{it})) == 0 {
			item = it.ID
			break
		}
	}
	if item == "" {
		return "", meal.ErrDietConflict
	}
	a := actor.Actor{UserID: d.CreatedBy, Roles: identity.NewRoles(identity.RoleFamily)}
	placed, err := t.s.PlaceOrder(ctx, a, OrderCommand{ElderID: d.ElderID, ProviderID: d.ProviderID, Date: o.Date,
		Window: d.Window, Items: []string{item}, Mode: d.Mode, PickupPointID: d.PickupPointID, Address: d.Address,
		Note: d.Note, Key: o.Key, SubscriptionID: d.ID})
	if fault.Is(err, meal.ErrAlreadyOrdered) {
		// Ordered by hand for that day already: nothing to add, nothing
		// to tell.
		if fe, ok := fault.As(err); ok {
			if id, ok := fe.Params["mealOrderId"].(string); ok {
				return id, nil
			}
		}
	}
	if err != nil {
		return "", err
	}
	return placed.Order.ID, nil
}

// Skipped records the refusal on the subscription, whose event tells
// the family. An elder no longer there (removed before their removal
// ended their subscriptions, or the subscriber left the family) ends
// the subscription too, as app/recurrence's HomeCare ends a rule: no
// later day could be ordered, and the family would be told so daily.
func (t subscriptionTarget) Skipped(ctx context.Context, p recurrence.Plan, o recurrence.Occurrence, why *fault.Error) error {
	_, err := t.s.d.Subscriptions.Update(ctx, p.PlanID(), func(sub *meal.Subscription) error {
		now := t.s.d.Now()
		if err := sub.OccurrenceSkipped(o.Occurrence, why.Code, t.s.d.NewID(), now); err != nil {
			return err
		}
		if fault.Is(why, elder.ErrNotFound) && sub.Status() == meal.SubscriptionActive {
			return sub.End(now)
		}
		return nil
	})
	return err
}
