package childday

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/room"
)

// childcareOffice loads a provider that offers childcare places for its
// office.
func (s *Service) childcareOffice(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, error) {
	p, err := s.officeAt(ctx, a, providerID)
	if err != nil {
		return nil, err
	}
	if !childcare.Offers(p) {
		return nil, childcare.ErrNotChildcare
	}
	return p, nil
}

// CreateRoom adds a room to a childcare provider; its admins and office
// staff may. Ratio and size default to the national standard for the
// room's youngest children and may only be stricter; a home childcare
// point's rooms take five children in all.
func (s *Service) CreateRoom(ctx context.Context, a actor.Actor, providerID string, spec room.Spec) (room.Room, error) {
	p, err := s.childcareOffice(ctx, a, providerID)
	if err != nil {
		return room.Room{}, err
	}
	var made room.Room
	id := s.d.NewID()
	_, err = s.d.Setups.Update(ctx, p.ID, func(st *room.Setup) error {
		made, err = st.AddRoom(id, spec, childcare.HomePoint(p), a.UserID, s.d.Now())
		return err
	})
	return made, err
}

// UpdateRoom changes a room within the standard.
func (s *Service) UpdateRoom(ctx context.Context, a actor.Actor, providerID, roomID string, spec room.Spec) (room.Room, error) {
	p, err := s.childcareOffice(ctx, a, providerID)
	if err != nil {
		return room.Room{}, err
	}
	var changed room.Room
	_, err = s.d.Setups.Update(ctx, p.ID, func(st *room.Setup) error {
		changed, err = st.UpdateRoom(roomID, spec, childcare.HomePoint(p), s.d.Now())
		return err
	})
	return changed, err
}

// Rooms lists a provider's rooms and policy to everyone who works there.
func (s *Service) Rooms(ctx context.Context, a actor.Actor, providerID string) (*room.Setup, error) {
	p, err := s.staffAt(ctx, a, providerID, provider.ErrNotFound)
	if err != nil {
		return nil, err
	}
	return s.d.Setups.Get(ctx, p.ID)
}

// SetPolicy changes the provider's day policy: after how many booked days
// away in a row the office hears, and how late a pickup may be before it
// counts.
func (s *Service) SetPolicy(ctx context.Context, a actor.Actor, providerID string, pol room.Policy) (room.Policy, error) {
	p, err := s.childcareOffice(ctx, a, providerID)
	if err != nil {
		return room.Policy{}, err
	}
	st, err := s.d.Setups.Update(ctx, p.ID, func(st *room.Setup) error { return st.SetPolicy(pol) })
	if err != nil {
		return room.Policy{}, err
	}
	return st.Policy(), nil
}
