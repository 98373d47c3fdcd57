package orders

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// party says as whom the caller acts on an order, or refuses with
// order_not_found: a family member of the order's family, an admin or
// staff member of its provider, or a caregiver it was offered or
// assigned to (the domain checks which).
func (s *Service) party(ctx context.Context, a actor.Actor, o *order.Order) (order.Actor, error) {
	if a.UserID == "" {
		return order.Actor{}, fault.ErrUnauthenticated
	}
	f, err := s.d.Families.Get(ctx, o.FamilyID())
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return order.Actor{}, err
	}
	if f != nil && f.RequireMember(a.UserID) == nil {
		return order.ByFamily(a.UserID), nil
	}
	if o.CaregiverMaySee(a.UserID, s.d.Now()) || o.CaregiverID() == a.UserID {
		return order.ByCaregiver(a.UserID), nil
	}
	p, err := s.d.Providers.Get(ctx, o.ProviderID())
	if err != nil && !fault.Is(err, provider.ErrNotFound) {
		return order.Actor{}, err
	}
	if p != nil && p.InOffice(a.UserID) {
		return order.ByProvider(a.UserID), nil
	}
	return order.Actor{}, order.ErrNotFound
}

// load reads an order for a caller allowed to see it.
func (s *Service) load(ctx context.Context, a actor.Actor, id string) (*order.Order, int64, order.Actor, error) {
	o, version, err := s.d.Orders.Get(ctx, id)
	if err != nil {
		return nil, 0, order.Actor{}, err
	}
	by, err := s.party(ctx, a, o)
	if err != nil {
		return nil, 0, order.Actor{}, err
	}
	return o, version, by, nil
}

// View is an order as one caller may see it: the elder's address only to
// its family and provider, and to its caregiver from acceptance until a
// day after check-out.
type View struct {
	Order       *order.Order
	Version     int64
	As          order.Party
	ShowAddress bool
}

// Get returns an order to someone allowed to see it.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (View, error) {
	o, version, by, err := s.load(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	show := by.Party != order.PartyCaregiver ||
		(o.CaregiverID() == a.UserID && o.CaregiverMaySeeAddress(s.d.Now()))
	return View{Order: o, Version: version, As: by.Party, ShowAddress: show}, nil
}
