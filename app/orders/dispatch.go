package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/dispatch"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
)

var (
	// ErrNoCaregiver is a dispatch that found nobody to ask.
	ErrNoCaregiver = fault.New(fault.Conflict, "no_caregiver_available")
	// ErrCaregiverCannotServe is an assignment of someone not qualified,
	// working or free for the order.
	ErrCaregiverCannotServe = fault.New(fault.Unprocessable, "caregiver_cannot_serve")
)

// DispatchCommand assigns a caregiver directly, or (CaregiverID empty)
// offers the order to the nearest eligible caregivers.
type DispatchCommand struct {
	CaregiverID string
}

// Dispatch is for the provider's admins and office staff.
func (s *Service) Dispatch(ctx context.Context, a actor.Actor, id string, cmd DispatchCommand) (*order.Order, error) {
	o, _, by, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if by.Party != order.PartyProvider {
		return nil, order.ErrForbidden
	}
	candidates, err := s.candidates(ctx, o)
	if err != nil {
		return nil, err
	}
	if cmd.CaregiverID != "" {
		if !eligible(candidates, cmd.CaregiverID) {
			return nil, ErrCaregiverCannotServe
		}
		candidates = []dispatch.Candidate{{UserID: cmd.CaregiverID}}
	}
	if len(candidates) == 0 {
		return nil, ErrNoCaregiver
	}
	return s.update(ctx, id, func(o *order.Order) error {
		now := s.d.Now()
		if o.Status() == order.StatusCreated {
			if err := o.Dispatch(by, s.d.NewID(), now); err != nil {
				return err
			}
		}
		if cmd.CaregiverID != "" {
			return o.Assign(by, cmd.CaregiverID, s.d.NewID(), now)
		}
		asked := 0
		for _, c := range candidates {
			if asked == s.d.OffersPerRound {
				break
			}
			if open(o, c.UserID, now) {
				continue // already asked and still thinking
			}
			if err := o.Offer(by, c.UserID, now.Add(s.d.OfferTTL), s.d.NewID(), now); err != nil {
				return err
			}
			asked++
		}
		if asked == 0 {
			return ErrNoCaregiver
		}
		return nil
	})
}

// candidates are the provider's caregivers who may serve o now, nearest
// first, free of other orders in its window.
func (s *Service) candidates(ctx context.Context, o *order.Order) ([]dispatch.Candidate, error) {
	p, err := s.d.Providers.Get(ctx, o.ProviderID())
	if err != nil {
		return nil, err
	}
	w := o.Window()
	nearby := dispatch.Candidates(p, dispatch.Need{Service: o.ServiceType(), Start: w.Start, End: w.End,
		Place: o.Address().Location}, func(string) bool { return false })
	var out []dispatch.Candidate
	for _, c := range nearby {
		busy, err := s.busy(ctx, c.UserID, w.Start, w.End, o.ID())
		if err != nil {
			return nil, err
		}
		if !busy {
			out = append(out, c)
		}
	}
	return out, nil
}

func eligible(cs []dispatch.Candidate, userID string) bool {
	for _, c := range cs {
		if c.UserID == userID {
			return true
		}
	}
	return false
}

func open(o *order.Order, caregiverID string, now time.Time) bool {
	for _, f := range o.Offers() {
		if f.CaregiverID == caregiverID && f.Open(now) {
			return true
		}
	}
	return false
}

// busy reports whether the caregiver holds another order whose window
// overlaps (for any provider: one person cannot be in two homes).
func (s *Service) busy(ctx context.Context, caregiverID string, start, end time.Time, except string) (bool, error) {
	held := []order.Status{order.StatusAccepted, order.StatusEnRoute, order.StatusArrived, order.StatusInService}
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		list, more, err := s.d.Orders.List(ctx, Filter{CaregiverID: caregiverID, Statuses: held}, p)
		if err != nil {
			return false, err
		}
		for _, o := range list {
			w := o.Window()
			if o.ID() != except && w.Start.Before(end) && start.Before(w.End) {
				return true, nil
			}
		}
		if !more || len(list) == 0 {
			return false, nil
		}
		p.After = list[len(list)-1].ID()
	}
}

// Accept is a caregiver taking an order offered to them; of many at
// once, one wins and the others get order_already_accepted. Only a
// current caregiver of the order's provider may: an offer made before
// they left the staff is not theirs to take (removal withdraws it too,
// but that follow-up may lag; this check cannot).
func (s *Service) Accept(ctx context.Context, a actor.Actor, id string) (*order.Order, error) {
	return s.asOffered(ctx, a, id, func(o *order.Order, by order.Actor) error {
		return o.Accept(by, s.d.NewID(), s.d.Now())
	})
}

// asOffered applies a caregiver's answer to an offer, once the order's
// provider is known to employ them. The provider is read inside the
// order's write, where the order says which it is, and once per call
// however often a lost race retries the write: under the embedded store
// the write holds the order's lock, so two hundred caregivers answering
// at once read one at a time instead of all at once from a small pool.
func (s *Service) asOffered(ctx context.Context, a actor.Actor, id string,
	answer func(o *order.Order, by order.Actor) error) (*order.Order, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	employers := s.employersOf(a)
	by := order.ByCaregiver(a.UserID)
	return s.update(ctx, id, func(o *order.Order) error {
		ok, err := employers.employ(ctx, o.ProviderID())
		if err != nil {
			return err
		}
		if !ok {
			return order.ErrNotFound
		}
		return answer(o, by)
	})
}

// Offers lists the orders offered to the calling caregiver that they may
// still answer, newest first, of providers they still work for.
func (s *Service) Offers(ctx context.Context, a actor.Actor, cursor string, limit int) ([]*order.Order, string, error) {
	if a.UserID == "" {
		return nil, "", fault.ErrUnauthenticated
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return nil, "", err
	}
	list, more, err := s.d.Orders.List(ctx, Filter{OfferedTo: a.UserID, Statuses: []order.Status{order.StatusOffered}}, p)
	if err != nil {
		return nil, "", err
	}
	now := s.d.Now()
	employers := s.employersOf(a)
	var out []*order.Order
	for _, o := range list {
		if !open(o, a.UserID, now) {
			continue
		}
		ok, err := employers.employ(ctx, o.ProviderID())
		if err != nil {
			return nil, "", err
		}
		if ok {
			out = append(out, o)
		}
	}
	next := ""
	if len(list) > 0 {
		next = page.Cursor(list[len(list)-1].ID(), more)
	}
	return out, next, nil
}
