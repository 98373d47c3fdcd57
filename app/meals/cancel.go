package meals

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/reservation"
)

// party loads an order for a member of its family (byFamily) or a
// manager of its canteen; to anyone else it does not exist.
func (s *Service) party(ctx context.Context, a actor.Actor, id string) (*meal.Order, bool, error) {
	if a.UserID == "" {
		return nil, false, fault.ErrUnauthenticated
	}
	if _, ok := reservation.SlotOf(id); !ok {
		return nil, false, meal.ErrOrderNotFound
	}
	o, err := s.d.Orders.Get(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if f, err := s.d.Families.Get(ctx, o.FamilyID); err == nil && f.RequireMember(a.UserID) == nil {
		return o, true, nil
	}
	if p, err := s.d.Providers.Get(ctx, o.ProviderID); err == nil && p.InOffice(a.UserID) {
		return o, false, nil
	}
	return nil, false, meal.ErrOrderNotFound
}

// GetOrder returns a meal order to its family and its canteen.
func (s *Service) GetOrder(ctx context.Context, a actor.Actor, id string) (*meal.Order, error) {
	o, _, err := s.party(ctx, a, id)
	return o, err
}

// CancelOrder ends an order: its family until the window's cutoff (in
// the canteen's zone), its canteen at any time with a reason. The order
// is marked first; then its portion goes back to the window (the
// booking's cancellation tells the family) and its subsidy to the
// elder's allowance. Calling it again on a cancelled order finishes
// what a crash left undone and answers meal_order_cancelled.
func (s *Service) CancelOrder(ctx context.Context, a actor.Actor, id, reason string) (*meal.Order, error) {
	o, byFamily, err := s.party(ctx, a, id)
	if err != nil {
		return nil, err
	}
	already := o.Status == meal.Cancelled
	if !already {
		o, err = s.d.Orders.Update(ctx, id, func(o *meal.Order) error {
			return o.Cancel(a.UserID, byFamily, reason, s.d.Now())
		})
		if fault.Is(err, meal.ErrOrderCancelled) {
			already = true
			o, err = s.d.Orders.Get(ctx, id)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.returnPortion(ctx, a, o); err != nil {
		return nil, err
	}
	if err := s.releaseSubsidy(ctx, o, a.UserID); err != nil {
		return nil, err
	}
	if already {
		return nil, meal.ErrOrderCancelled
	}
	return o, nil
}

// returnPortion cancels the order's booking, which frees its seat; a
// booking cancelled already has nothing to return. The canteen's
// cancellation carries the reason the order has.
func (s *Service) returnPortion(ctx context.Context, a actor.Actor, o *meal.Order) error {
	reason := ""
	if o.Cancellation != nil {
		reason = o.Cancellation.Reason
	}
	_, err := s.d.Reservations.CancelBooking(ctx, a, o.ID, reason)
	if err == nil || errors.Is(err, reservation.ErrAlreadyCancelled) {
		return nil
	}
	return err
}

// CanteenOrders pages a canteen's orders of a day, for its managers.
func (s *Service) CanteenOrders(ctx context.Context, a actor.Actor, providerID string, d calendar.Date, p page.Request) ([]*meal.Order, bool, error) {
	if _, err := s.managed(ctx, a, providerID); err != nil {
		return nil, false, err
	}
	return s.d.Orders.OfDay(ctx, providerID, d, p)
}
