package reservations

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/reservation"
)

// SlotAvailability is a slot with the units it has left.
type SlotAvailability struct {
	Slot      *reservation.Slot
	Remaining Remaining
}

// AvailabilityPage is one page of an offering's slots.
type AvailabilityPage struct {
	Offering childcare.Offering
	Slots    []SlotAvailability
	More     bool
}

// MaxAvailabilityRange bounds one availability query.
const MaxAvailabilityRange = 366 * 24 * time.Hour

// Availability answers an offering's slots starting in [from, to) with
// what each has left, counted in Redis in one round trip for the page;
// bookings are never scanned. Slots Redis lost are rebuilt from MongoDB
// and counted again.
func (s *Service) Availability(ctx context.Context, a actor.Actor, offeringID string, from, to time.Time, pg page.Request) (AvailabilityPage, error) {
	o, p, err := s.offering(ctx, a, offeringID)
	if err != nil {
		return AvailabilityPage{}, err
	}
	public := o.Active && p.Visible()
	if !to.After(from) || to.Sub(from) > MaxAvailabilityRange {
		return AvailabilityPage{}, childcare.ErrRangeInvalid.With(map[string]any{"maxDays": 366})
	}
	slots, more, err := s.d.Slots.ListByResource(ctx, o.ID, from, to, pg)
	if err != nil {
		return AvailabilityPage{}, err
	}
	if public {
		// Parents hold what they were just shown: the hold path need
		// not ask MongoDB which offering these slots are of.
		ids := make([]string, len(slots))
		for i, sl := range slots {
			ids[i] = sl.ID()
		}
		s.gate.slotOf(reservation.Resource{Kind: childcare.ResourceKind, ID: o.ID}, ids...)
	}
	rem, err := s.remaining(ctx, slots)
	if err != nil {
		return AvailabilityPage{}, err
	}
	out := AvailabilityPage{Offering: o, More: more}
	for i, sl := range slots {
		out.Slots = append(out.Slots, SlotAvailability{Slot: sl, Remaining: rem[i]})
	}
	return out, nil
}

// remaining counts slots' units left, rebuilding the ones Redis lost.
func (s *Service) remaining(ctx context.Context, slots []*reservation.Slot) ([]Remaining, error) {
	if len(slots) == 0 {
		return nil, nil
	}
	ids := make([]string, len(slots))
	for i, sl := range slots {
		ids[i] = sl.ID()
	}
	now := s.d.Now()
	rem, err := s.d.Engine.Remaining(ctx, ids, now)
	if err != nil {
		return nil, err
	}
	var lost []string
	var at []int
	for i, r := range rem {
		if !r.Known {
			if err := s.rebuild(ctx, ids[i]); err != nil {
				return nil, err
			}
			lost, at = append(lost, ids[i]), append(at, i)
		}
	}
	if len(lost) > 0 {
		again, err := s.d.Engine.Remaining(ctx, lost, now)
		if err != nil {
			return nil, err
		}
		for j, r := range again {
			rem[at[j]] = r
		}
	}
	return rem, nil
}

// visibleSlot loads a slot whose resource (offering, class session) the
// caller may see; to anyone else it is slot_not_found.
func (s *Service) visibleSlot(ctx context.Context, a actor.Actor, id string) (*reservation.Slot, error) {
	sl, _, err := s.d.Slots.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.resourceVisible(ctx, a, sl.Resource()); err != nil {
		return nil, err
	}
	return sl, nil
}

// GetSlot returns a slot with what it has left.
func (s *Service) GetSlot(ctx context.Context, a actor.Actor, id string) (SlotAvailability, error) {
	sl, err := s.visibleSlot(ctx, a, id)
	if err != nil {
		return SlotAvailability{}, err
	}
	rem, err := s.remaining(ctx, []*reservation.Slot{sl})
	if err != nil {
		return SlotAvailability{}, err
	}
	return SlotAvailability{Slot: sl, Remaining: rem[0]}, nil
}

// Remaining counts what slots have left, in one engine round trip (and
// rebuilds of slots Redis lost), for other kinds' listings.
func (s *Service) Remaining(ctx context.Context, slots []*reservation.Slot) ([]Remaining, error) {
	return s.remaining(ctx, slots)
}
