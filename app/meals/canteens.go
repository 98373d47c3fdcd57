package meals

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/meal"
)

// SetCanteen replaces a canteen's settings, for its managers. Its zone,
// location and region are its provider's: dine-in is there, delivery is
// measured from there and its region's regulator sets its subsidies.
// Slots already opened keep their portions and cutoff.
func (s *Service) SetCanteen(ctx context.Context, a actor.Actor, providerID string, c meal.Canteen) (meal.Canteen, error) {
	p, err := s.managed(ctx, a, providerID)
	if err != nil {
		return meal.Canteen{}, err
	}
	if !IsCanteen(p) {
		return meal.Canteen{}, meal.ErrNotACanteen
	}
	c, err = c.Validate()
	if err != nil {
		return meal.Canteen{}, err
	}
	c.ProviderID, c.TimeZone = p.ID, p.Profile.TimeZone
	c.Location, c.RegionCode = p.Profile.Address.Location, p.Profile.Address.RegionCode
	c.UpdatedBy, c.UpdatedAt = a.UserID, s.d.Now().UTC()
	if err := s.d.Canteens.Put(ctx, c); err != nil {
		return meal.Canteen{}, err
	}
	return c, nil
}

// GetCanteen returns a canteen's settings to anyone who may see it.
func (s *Service) GetCanteen(ctx context.Context, a actor.Actor, providerID string) (meal.Canteen, error) {
	_, c, _, err := s.visible(ctx, a, providerID)
	return c, err
}
