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
// office staff member of its provider, or a caregiver it was offered or
// assigned to (the domain checks which) who is still one of the
// provider's caregivers. Membership is read from the provider on every
// request, like roles: a caregiver or office worker removed from the
// staff loses the provider's orders at once, not when their token lapses.
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
	p, err := s.d.Providers.Get(ctx, o.ProviderID())
	if fault.Is(err, provider.ErrNotFound) {
		return order.Actor{}, order.ErrNotFound
	}
	if err != nil {
		return order.Actor{}, err
	}
	if (o.CaregiverMaySee(a.UserID, s.d.Now()) || o.CaregiverID() == a.UserID) && p.EmploysCaregiver(a.UserID) {
		return order.ByCaregiver(a.UserID), nil
	}
	if p.InOffice(a.UserID) {
		return order.ByProvider(a.UserID), nil
	}
	return order.Actor{}, order.ErrNotFound
}

// employers answers, for one caller and one request, whether each
// provider still employs them as a caregiver, reading each provider once:
// a caregiver's lists mix orders of every provider they ever worked for.
type employers struct {
	providers Providers
	userID    string
	known     map[string]bool
}

func (s *Service) employersOf(a actor.Actor) *employers {
	return &employers{providers: s.d.Providers, userID: a.UserID, known: map[string]bool{}}
}

func (e *employers) employ(ctx context.Context, providerID string) (bool, error) {
	if ok, seen := e.known[providerID]; seen {
		return ok, nil
	}
	p, err := e.providers.Get(ctx, providerID)
	if err != nil && !fault.Is(err, provider.ErrNotFound) {
		return false, err
	}
	ok := p != nil && p.EmploysCaregiver(e.userID)
	e.known[providerID] = ok
	return ok, nil
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
	// VisitCode is the code the caregiver who served shows the elder to
	// confirm the visit with, from check-out while the elder still may;
	// empty for everyone else.
	VisitCode string
}

// Get returns an order to someone allowed to see it.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (View, error) {
	o, version, by, err := s.load(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	show := by.Party != order.PartyCaregiver ||
		(o.CaregiverID() == a.UserID && o.CaregiverMaySeeAddress(s.d.Now()))
	v := View{Order: o, Version: version, As: by.Party, ShowAddress: show}
	if by.Party == order.PartyCaregiver && o.CaregiverID() == a.UserID {
		v.VisitCode, _ = o.VisitCode(s.d.VisitCodes)
	}
	return v, nil
}
