package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// errUnchanged stops a write the domain found nothing to do for.
var errUnchanged = errors.New("orders: nothing to change")

// inHand are the statuses in which an order is its caregiver's.
var inHand = []order.Status{order.StatusAccepted, order.StatusEnRoute, order.StatusArrived, order.StatusInService}

// StaffLeft hands back what userID held at providerID once they no
// longer work there as a caregiver: their open offers are withdrawn,
// orders they accepted and have not checked in to go back to dispatch
// (the office is told, the family too when the visit is near), and a
// visit under way is flagged for the office. Their access ended with
// the removal itself (party reads the staff on every request); this is
// the follow-up.
//
// The removal and these orders are separate documents and no write spans
// them, so the provider use case calls this right after removing, and
// Sweep repeats the same check for every open order: a crash in between,
// or an acceptance that raced the removal, is repaired within a sweep.
func (s *Service) StaffLeft(ctx context.Context, providerID, userID string) (int, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return 0, err
	}
	if p.EmploysCaregiver(userID) {
		return 0, nil // taken on again since: theirs to keep
	}
	handed := 0
	var errs []error
	for _, f := range []Filter{
		{ProviderID: providerID, CaregiverID: userID, Statuses: inHand},
		{ProviderID: providerID, OfferedTo: userID, Statuses: []order.Status{order.StatusOffered}},
	} {
		for pr := (page.Request{Limit: page.MaxLimit}); ; {
			list, more, err := s.d.Orders.List(ctx, f, pr)
			if err != nil {
				return handed, errors.Join(append(errs, err)...)
			}
			for _, o := range list {
				changed, err := s.handBack(ctx, o.ID(), userID)
				if err != nil {
					errs = append(errs, fmt.Errorf("order %s: %w", o.ID(), err))
				} else if changed {
					handed++
				}
			}
			if !more || len(list) == 0 {
				break
			}
			pr.After = list[len(list)-1].ID()
		}
	}
	return handed, errors.Join(errs...)
}

// handBack applies the domain's follow-up to one order in one versioned
// write; it writes nothing when there is nothing left to hand back.
func (s *Service) handBack(ctx context.Context, orderID, caregiverID string) (bool, error) {
	_, err := s.update(ctx, orderID, func(o *order.Order) error {
		changed, err := o.CaregiverLeft(caregiverID, s.d.NewID(), s.d.Now())
		if err == nil && !changed {
			return errUnchanged
		}
		return err
	})
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	return err == nil, err
}

// staffCheck reads each provider once per sweep.
type staffCheck map[string]*provider.Provider

// departed are the people an open order names (its caregiver, those it
// is still offered to) whom its provider no longer employs as
// caregivers. An order of a provider that cannot be found is left alone:
// providers are never deleted, so that is a fault to report, not a
// reason to take orders from people.
func (s *Service) departed(ctx context.Context, o *order.Order, seen staffCheck) ([]string, error) {
	p, ok := seen[o.ProviderID()]
	if !ok {
		var err error
		p, err = s.d.Providers.Get(ctx, o.ProviderID())
		if err != nil && !fault.Is(err, provider.ErrNotFound) {
			return nil, err
		}
		seen[o.ProviderID()] = p
	}
	if p == nil {
		return nil, nil
	}
	var out []string
	if c := o.CaregiverID(); c != "" && !p.EmploysCaregiver(c) {
		out = append(out, c)
	}
	now := s.d.Now()
	for _, f := range o.Offers() {
		if f.Open(now) && !p.EmploysCaregiver(f.CaregiverID) {
			out = append(out, f.CaregiverID)
		}
	}
	return out, nil
}
