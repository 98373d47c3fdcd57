package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
)

// errMovedOn stops a timer whose order changed since it was read.
var errMovedOn = errors.New("orders: the order moved on")

// SweepResult counts what one sweep did.
type SweepResult struct {
	Expired, Redispatched, NoShows, Confirmed int
	// HandedBack counts orders given back from people who left the
	// provider's staff (see StaffLeft).
	HandedBack int
}

// Sweep applies the order timers, as the system: an order nobody
// accepted by its window start expires (the family is told); an offer
// round that lapsed unanswered goes back to dispatching (the provider's
// staff are told); a caregiver who never checked in is a no-show after
// the grace period; a completed service the family did not confirm is
// confirmed 48 h after check-out. Each change is a versioned write, so
// sweeps on several replicas at once change each order once; a refusal
// by the domain (too early, already moved on) is not an error.
//
// First, every open order is checked against its provider's staff as it
// is now: what someone who left still holds is handed back (StaffLeft),
// which repairs a removal whose follow-up a crash cut short.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	waiting := []order.Status{order.StatusCreated, order.StatusDispatching, order.StatusOffered,
		order.StatusAccepted, order.StatusEnRoute, order.StatusArrived, order.StatusInService, order.StatusCompleted}
	staff := staffCheck{}
	var errs []error
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		list, more, err := s.d.Orders.List(ctx, Filter{Statuses: waiting}, p)
		if err != nil {
			return res, errors.Join(append(errs, err)...)
		}
		for _, o := range list {
			// One order failing must not stop the timers of the others.
			handed, err := s.handBackDeparted(ctx, o, staff)
			if err != nil {
				errs = append(errs, fmt.Errorf("order %s: %w", o.ID(), err))
				continue
			}
			if handed {
				res.HandedBack++
				continue // changed since read: its timers wait for the next sweep
			}
			if err := s.tick(ctx, o, &res); err != nil {
				errs = append(errs, fmt.Errorf("order %s: %w", o.ID(), err))
			}
		}
		if !more || len(list) == 0 {
			return res, errors.Join(errs...)
		}
		p.After = list[len(list)-1].ID()
	}
}

// handBackDeparted hands back what people who left its provider hold
// in o.
func (s *Service) handBackDeparted(ctx context.Context, o *order.Order, staff staffCheck) (bool, error) {
	gone, err := s.departed(ctx, o, staff)
	if err != nil {
		return false, err
	}
	handed := false
	for _, c := range gone {
		changed, err := s.handBack(ctx, o.ID(), c)
		if err != nil {
			return handed, err
		}
		handed = handed || changed
	}
	return handed, nil
}

func (s *Service) tick(ctx context.Context, o *order.Order, res *SweepResult) error {
	now := s.d.Now()
	w := o.Window()
	var act func(*order.Order, string, time.Time) error
	var count *int
	switch st := o.Status(); {
	case (st == order.StatusCreated || st == order.StatusDispatching || st == order.StatusOffered) && !now.Before(w.Start):
		act, count = func(o *order.Order, id string, now time.Time) error { return o.Expire(order.BySystem, id, now) }, &res.Expired
	case st == order.StatusOffered && allLapsed(o, now):
		next, err := s.notYetAsked(ctx, o)
		if err != nil {
			return err
		}
		act, count = func(o *order.Order, _ string, now time.Time) error {
			// Decided again on the order as it is now: another replica's
			// sweep or the office may have moved it since it was read.
			if o.Status() != order.StatusOffered || !allLapsed(o, now) {
				return errMovedOn
			}
			already := map[string]bool{}
			for _, f := range o.Offers() {
				already[f.CaregiverID] = true
			}
			asked := 0
			for _, c := range next {
				if already[c] {
					continue
				}
				if asked == s.d.OffersPerRound {
					break
				}
				if err := o.Offer(order.BySystem, c, now.Add(s.d.OfferTTL), s.d.NewID(), now); err != nil {
					return err
				}
				asked++
			}
			if asked == 0 {
				// Nobody left to ask: back to the provider's staff, who
				// are told (order.dispatched) and may assign someone.
				return o.Dispatch(order.BySystem, s.d.NewID(), now)
			}
			return nil
		}, &res.Redispatched
	case (st == order.StatusAccepted || st == order.StatusEnRoute) && now.After(w.Start.Add(order.NoShowGrace)):
		act, count = func(o *order.Order, id string, now time.Time) error {
			return o.NoShowCaregiver(order.BySystem, "no check-in", id, now)
		}, &res.NoShows
	case st == order.StatusCompleted && !o.AutoConfirmDue().IsZero() && !now.Before(o.AutoConfirmDue()):
		act, count = func(o *order.Order, id string, now time.Time) error { return o.Confirm(order.BySystem, id, now) }, &res.Confirmed
	default:
		return nil
	}
	_, err := s.update(ctx, o.ID(), func(o *order.Order) error { return act(o, s.d.NewID(), s.d.Now()) })
	var fe *fault.Error
	if errors.As(err, &fe) || errors.Is(err, errMovedOn) {
		return nil // the order moved on, or it is not yet time: the next sweep sees
	}
	if err != nil {
		return err
	}
	*count++
	return nil
}

// notYetAsked are the candidates the order was never offered to.
func (s *Service) notYetAsked(ctx context.Context, o *order.Order) ([]string, error) {
	cs, err := s.candidates(ctx, o)
	if err != nil {
		return nil, err
	}
	asked := map[string]bool{}
	for _, f := range o.Offers() {
		asked[f.CaregiverID] = true
	}
	var out []string
	for _, c := range cs {
		if !asked[c.UserID] {
			out = append(out, c.UserID)
		}
	}
	return out, nil
}

func allLapsed(o *order.Order, now time.Time) bool {
	offers := o.Offers()
	for _, f := range offers {
		if f.Open(now) {
			return false
		}
	}
	return len(offers) > 0
}
