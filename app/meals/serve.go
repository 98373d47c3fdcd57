package meals

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/meal"
)

// Serve records a meal handed over (eaten in, collected, delivered) by
// its canteen's staff, and commits its subsidy: the canteen claims it
// from the region with the month's commits. A second hand-over is 409
// meal_already_served, naming who and when.
func (s *Service) Serve(ctx context.Context, a actor.Actor, id string) (*meal.Order, error) {
	return s.handOver(ctx, a, id, func(o *meal.Order) error { return o.Serve(a.UserID, s.d.Now()) })
}

// MarkNoShow records a meal nobody collected by the end of its window.
// Its subsidy is committed when the canteen's rule charges no-shows, and
// released to the elder otherwise.
func (s *Service) MarkNoShow(ctx context.Context, a actor.Actor, id string) (*meal.Order, error) {
	return s.handOver(ctx, a, id, func(o *meal.Order) error { return o.MissedBy(a.UserID, s.d.Now()) })
}

// handOver is the canteen's end of an order: its staff only (the family
// sees it not found), the order's change in one write, then the
// subsidy settled exactly once — calling again after a crash settles
// what was left and answers meal_already_served.
func (s *Service) handOver(ctx context.Context, a actor.Actor, id string, change func(*meal.Order) error) (*meal.Order, error) {
	o, byFamily, err := s.party(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if byFamily {
		return nil, meal.ErrOrderNotFound
	}
	return s.handOverOf(ctx, o, a.UserID, change)
}

// handOverOf changes an order its caller may hand over, then settles its
// subsidy (see handOver).
func (s *Service) handOverOf(ctx context.Context, o *meal.Order, by string, change func(*meal.Order) error) (*meal.Order, error) {
	updated, err := s.d.Orders.Update(ctx, o.ID, change)
	if fault.Is(err, meal.ErrAlreadyServed) {
		return nil, errors.Join(err, s.settle(ctx, o, by))
	}
	if err != nil {
		return nil, err
	}
	if err := s.settle(ctx, updated, by); err != nil {
		return nil, err
	}
	return updated, nil
}

// settle commits or releases a handed-over order's subsidy, as its
// status and the canteen's rule say.
func (s *Service) settle(ctx context.Context, o *meal.Order, by string) error {
	if o.Subsidy == nil || (o.Status != meal.Served && o.Status != meal.NoShow) {
		return nil
	}
	commit := o.Status == meal.Served
	if o.Status == meal.NoShow {
		c, err := s.d.Canteens.Get(ctx, o.ProviderID)
		if err != nil {
			return err
		}
		commit = c.NoShowCharged
	}
	if !commit {
		return s.releaseSubsidy(ctx, o, by)
	}
	var errs []error
	for _, account := range []string{o.Subsidy.Account, o.Subsidy.CapAccount} {
		_, err := s.d.Ledger.Commit(ctx, ledger.Opening{ID: account}, mealRef(o.ID), o.Subsidy.Fen, by)
		if err != nil && !fault.Is(err, ledger.ErrNotHeld) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
