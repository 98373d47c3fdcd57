package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
)

// act loads the order for the caller, as whichever party they are in it,
// and applies change in one versioned write. The domain decides whether
// that party may do it in the order's state.
func (s *Service) act(ctx context.Context, a actor.Actor, id string,
	change func(o *order.Order, by order.Actor, eventID string, now time.Time) error) (*order.Order, error) {
	_, _, by, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.apply(ctx, id, by, change)
}

// apply is act's write, for a caller already loaded as by.
func (s *Service) apply(ctx context.Context, id string, by order.Actor,
	change func(o *order.Order, by order.Actor, eventID string, now time.Time) error) (*order.Order, error) {
	return s.update(ctx, id, func(o *order.Order) error {
		return change(o, by, s.d.NewID(), s.d.Now())
	})
}

// Start: the caregiver sets off.
func (s *Service) Start(ctx context.Context, a actor.Actor, id string) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.Start(by, eid, now)
	})
}

// CheckIn: the caregiver at the door, checked against the address
// (geofence) and the window.
func (s *Service) CheckIn(ctx context.Context, a actor.Actor, id string, r order.Report) (*order.Order, error) {
	o, _, by, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Get(ctx, o.ProviderID())
	if err != nil {
		return nil, err
	}
	rules := s.d.CheckIn
	rules.RadiusMetres = float64(p.Profile.Policy.Geofence())
	return s.apply(ctx, id, by, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.CheckIn(by, r, rules, eid, now)
	})
}

// ReportPosition: where the caregiver on the way is, at most every 15 s.
func (s *Service) ReportPosition(ctx context.Context, a actor.Actor, id string, p geo.Point) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, _ string, now time.Time) error {
		return o.ReportPosition(by, p, now)
	})
}

// BeginService: the elder let the caregiver in.
func (s *Service) BeginService(ctx context.Context, a actor.Actor, id string) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.BeginService(by, eid, now)
	})
}

// WriteRecord replaces the service record (checklist, notes, vitals,
// photo keys).
func (s *Service) WriteRecord(ctx context.Context, a actor.Actor, id string, r order.ServiceRecord) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, _ string, now time.Time) error {
		return o.WriteRecord(by, r, now)
	})
}

// CheckOut: the caregiver leaves; the family is asked to confirm.
func (s *Service) CheckOut(ctx context.Context, a actor.Actor, id string, r order.Report) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.CheckOut(by, r, eid, now)
	})
}

// Decline: a caregiver of the order's provider turns an offer down.
func (s *Service) Decline(ctx context.Context, a actor.Actor, id, reason string) (*order.Order, error) {
	return s.asOffered(ctx, a, id, func(o *order.Order, by order.Actor) error {
		return o.Decline(by, reason, s.d.NewID(), s.d.Now())
	})
}

// Cancel: the family (free before acceptance, the provider's fee after)
// or the provider (with a reason; the order is dispatched again).
func (s *Service) Cancel(ctx context.Context, a actor.Actor, id, reason string) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.Cancel(by, reason, eid, now)
	})
}

// Confirm: the family accepts the completed service.
func (s *Service) Confirm(ctx context.Context, a actor.Actor, id string) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		return o.Confirm(by, eid, now)
	})
}

// NoShow records that the caregiver never came (said by the family) or
// that nobody answered the door (said by the caregiver or provider).
func (s *Service) NoShow(ctx context.Context, a actor.Actor, id, reason string) (*order.Order, error) {
	return s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		if by.Party == order.PartyFamily {
			return o.NoShowCaregiver(by, reason, eid, now)
		}
		return o.NoShowRecipient(by, reason, eid, now)
	})
}
