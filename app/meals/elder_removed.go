package meals

import (
	"context"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

// ElderRemoved stops everything the meal aid does in an elder's name
// from now on, for the family owner removing the elder (app/elders
// Delete calls it before the elder's record goes): the card is revoked,
// so a scan answers meal_card_replaced as for any card no longer in
// force; the subscriptions end, so the generator orders nothing more;
// the orders not served yet are cancelled through the family's own
// cancel path (portion back to the window, subsidy back to the
// allowance), as far as the family may still cancel them.
//
// Each step is idempotent, so the owner's retry after a failure or a
// crash finishes what is left: a revoked card stays revoked, an ended
// subscription is passed over, a cancelled order's CancelOrder finishes
// its returns. An order past its cutoff is cooked already: the family may
// no longer cancel it, so it stays on the canteen's list, its subsidy
// drawn, and with the card revoked it is handed over only to a
// redemption code shown before (or marked no-show by the canteen); it is
// logged here.
func (s *Service) ElderRemoved(ctx context.Context, a actor.Actor, elderID string) error {
	if s.d.Cards != nil {
		if err := s.d.Cards.Revoke(ctx, elderID); err != nil {
			return err
		}
	}
	subs, err := s.d.Subscriptions.OfElder(ctx, elderID)
	if err != nil {
		return err
	}
	now := s.d.Now()
	for _, sub := range subs {
		if sub.Status() != meal.SubscriptionActive {
			continue
		}
		_, err := s.d.Subscriptions.Update(ctx, sub.ID(), func(sub *meal.Subscription) error { return sub.End(now) })
		if err != nil && !fault.Is(err, meal.ErrSubscriptionEnded) {
			return fmt.Errorf("end meal subscription %s: %w", sub.ID(), err)
		}
	}
	// The day before today in UTC covers today in every canteen's zone;
	// an order's own cutoff says whether it may still be cancelled.
	orders, err := s.d.Orders.Upcoming(ctx, elderID, calendar.Today(now, time.UTC).AddDays(-1))
	if err != nil {
		return err
	}
	for _, o := range orders {
		switch {
		case o.Status == meal.Served || o.Status == meal.NoShow:
			continue
		case o.Status == meal.Placed && !now.Before(o.CutoffAt):
			s.d.Log.WarnContext(ctx, "removed elder's meal order past its cutoff left to the canteen",
				"mealOrder", o.ID, "cutoff", o.CutoffAt)
			continue
		}
		// A cancelled order is cancelled again to finish the returns a
		// crash may have left undone; it answers meal_order_cancelled.
		if _, err := s.CancelOrder(ctx, a, o.ID, "老人档案已删除 (the elder was removed)"); err != nil &&
			!fault.Is(err, meal.ErrOrderCancelled) && !fault.Is(err, meal.ErrCutoffPassed) {
			return fmt.Errorf("cancel meal order %s: %w", o.ID, err)
		}
	}
	return nil
}
