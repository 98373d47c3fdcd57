package childday

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// OneTimePickup is a person authorized for today, and until when.
type OneTimePickup struct {
	Person     child.PickupPerson
	ProviderID string
}

// AddOneTimePickup authorizes someone to collect the child today only
// (a neighbour, a colleague of a parent): until the coming midnight in
// the zone of the provider the child is booked at today. Any member of
// the family may; the rest of the family is told and the change is
// audited, as for every pickup change. A child without a place today
// needs nobody to collect them (no_booking_today).
func (s *Service) AddOneTimePickup(ctx context.Context, a actor.Actor, childID string, in children.PickupInput) (OneTimePickup, error) {
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return OneTimePickup{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, c.FamilyID, child.ErrNotFound)
	if err != nil {
		return OneTimePickup{}, err
	}
	now := s.d.Now()
	p, err := s.bookedToday(ctx, c.ID, now, f.Location())
	if err != nil {
		return OneTimePickup{}, err
	}
	loc := zone(p)
	_, midnight := attendance.Bounds(calendar.Today(now, loc), loc)
	pp, err := s.d.Pickups.AddOneTimePickup(ctx, a, childID, in, midnight, midnight.In(loc).Add(-time.Minute).Format("2006-01-02 15:04"))
	if err != nil {
		return OneTimePickup{}, err
	}
	return OneTimePickup{Person: pp, ProviderID: p.ID}, nil
}

// bookedToday is the provider a child has a place at today, in that
// provider's zone (the family's zone finds the day's bookings).
func (s *Service) bookedToday(ctx context.Context, childID string, now time.Time, family *time.Location) (*provider.Provider, error) {
	start, end := attendance.Bounds(calendar.Today(now, family), family)
	bs, err := s.d.Bookings.Overlapping(ctx, childID, start.Add(-12*time.Hour), end.Add(12*time.Hour))
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.Status() != reservation.Confirmed {
			continue
		}
		p, err := s.d.Providers.Get(ctx, b.ProviderID())
		if err != nil {
			continue
		}
		loc := zone(p)
		ds, de := attendance.Bounds(calendar.Today(now, loc), loc)
		w := b.Window()
		if w.Start.Before(de) && w.End.After(ds) {
			return p, nil
		}
	}
	return nil, ErrNoBookingToday.With(map[string]any{"date": calendar.Today(now, family).String()})
}
