package reservations

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/reservation"
)

// OpenCommand opens an offering's slots for days From to To (inclusive,
// in the provider's zone) as its schedule has them.
type OpenCommand struct {
	OfferingID string
	From, To   calendar.Date
}

// Opened is the slots of the range, and how many of them are new.
type Opened struct {
	Slots   []*reservation.Slot
	Created int
}

// OpenSlots makes the slots an offering's schedule has in a range, each
// with the offering's capacity and hold rules. Slots that already exist
// are left as they are (their ids derive from the offering and the
// window), and windows already closed for holds are skipped.
func (s *Service) OpenSlots(ctx context.Context, a actor.Actor, cmd OpenCommand) (Opened, error) {
	o, err := s.d.Offerings.Get(ctx, cmd.OfferingID)
	if err != nil {
		return Opened{}, err
	}
	p, err := s.manager(ctx, a, o.ProviderID)
	if err != nil {
		return Opened{}, childcare.ErrNotFound
	}
	specs, err := o.Slots(cmd.From, cmd.To, zone(p))
	if err != nil {
		return Opened{}, err
	}
	now := s.d.Now()
	var slots []*reservation.Slot
	for _, sp := range specs {
		if !now.Before(sp.HoldsCloseAt) {
			continue
		}
		sl, err := reservation.New(reservation.Draft{ID: slotID(o.ID, sp.Key),
			Resource:   reservation.Resource{Kind: childcare.ResourceKind, ID: o.ID},
			ProviderID: o.ProviderID, Window: sp.Window, Capacity: o.Capacity,
			Rules: reservation.Rules{HoldTTL: o.HoldTTL, MaxHoldsPerUser: o.MaxHoldsPerUser,
				HoldsCloseAt: sp.HoldsCloseAt}}, now)
		if err != nil {
			return Opened{}, err
		}
		sl.AnnouncePlaces(s.d.NewID(), now) // the places the indicators count
		slots = append(slots, sl)
	}
	n, err := s.d.Slots.CreateMany(ctx, slots)
	if err != nil || len(slots) == 0 {
		return Opened{Created: n}, err
	}
	// Answer the slots as stored: those that existed keep their own
	// capacity and state. (Stored times have millisecond precision,
	// hence a second past the last start.)
	stored, err := s.slotsBetween(ctx, o.ID, slots[0].Window().Start, slots[len(slots)-1].Window().Start.Add(time.Second))
	if err != nil {
		return Opened{}, err
	}
	return Opened{Slots: stored, Created: n}, nil
}

// updatePlaces is Slots.Update for a change of a slot's seats or
// capacity: a childcare slot announces it in the same write, for the
// regulator's childcare indicators (reservation.EventPlacesChanged).
func (s *Service) updatePlaces(ctx context.Context, id string, fn func(*reservation.Slot) error) (*reservation.Slot, int64, error) {
	return s.d.Slots.Update(ctx, id, func(sl *reservation.Slot) error {
		if err := fn(sl); err != nil {
			return err
		}
		sl.AnnouncePlaces(s.d.NewID(), s.d.Now())
		return nil
	})
}

// slotsBetween is every slot of a resource starting in [from, to).
func (s *Service) slotsBetween(ctx context.Context, resourceID string, from, to time.Time) ([]*reservation.Slot, error) {
	var out []*reservation.Slot
	p := page.Request{Limit: page.MaxLimit}
	for {
		got, more, err := s.d.Slots.ListByResource(ctx, resourceID, from, to, p)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if !more || len(got) == 0 {
			return out, nil
		}
		p.After = got[len(got)-1].ID()
	}
}

// SetCapacity resizes a slot: up at any time, down only to what is
// booked. Redis learns the new size in the same step; the answer is the
// slot with what it has left.
func (s *Service) SetCapacity(ctx context.Context, a actor.Actor, id string, c reservation.Capacity) (SlotAvailability, error) {
	sl, _, err := s.d.Slots.Get(ctx, id)
	if err != nil {
		return SlotAvailability{}, err
	}
	p, err := s.manager(ctx, a, sl.ProviderID())
	if err != nil {
		return SlotAvailability{}, reservation.ErrSlotNotFound
	}
	if sl.Resource().Kind == childcare.ResourceKind {
		if err := childcare.CheckCapacity(p, c); err != nil {
			return SlotAvailability{}, err
		}
	}
	sl, version, err := s.updatePlaces(ctx, id, func(sl *reservation.Slot) error { return sl.SetCapacity(c) })
	if err != nil {
		return SlotAvailability{}, err
	}
	s.sync(ctx, sl, version)
	// More room may be what the waitlist waits for.
	s.serve(ctx, sl.ID())
	rem, err := s.remaining(ctx, []*reservation.Slot{sl})
	if err != nil {
		return SlotAvailability{}, err
	}
	return SlotAvailability{Slot: sl, Remaining: rem[0]}, nil
}
