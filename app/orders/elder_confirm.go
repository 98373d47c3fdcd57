package orders

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/order"
)

// Elders reads the elder an order is for, to know their own account.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// ConfirmAsElder is the elder, on their own account, confirming a visit
// at check-out with the four-digit code the caregiver's phone shows
// (order.ConfirmByElder). Only the account linked to the order's elder,
// on both sides of the link, may; to anyone else the order is not found,
// as it is to the elder for every other use case: the elder's account
// never sees an order's prices or its family's other records.
//
// A wrong code is written to the order (the count of tries lives with
// it, so concurrent guesses each use one up) and then refused:
// visit_code_wrong with the tries left, visit_code_locked after the
// last.
func (s *Service) ConfirmAsElder(ctx context.Context, a actor.Actor, id, code string) (*order.Order, error) {
	o, _, err := s.d.Orders.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.isOwnElder(ctx, a, o.ElderID()) {
		return nil, order.ErrNotFound
	}
	var check order.CodeCheck
	by := order.ByElder(a.UserID)
	o, err = s.update(ctx, id, func(o *order.Order) error {
		var err error
		check, err = o.ConfirmByElder(by, s.d.VisitCodes, code, s.d.NewID(), s.d.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, check.Err()
}

// isOwnElder reports whether a is elderID's own account, as both the
// account and the elder's record say.
func (s *Service) isOwnElder(ctx context.Context, a actor.Actor, elderID string) bool {
	if !a.IsElder(elderID) || s.d.Elders == nil {
		return false
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	return err == nil && e.OwnAccount(a.UserID)
}
