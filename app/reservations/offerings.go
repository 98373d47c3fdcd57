package reservations

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// CreateOffering publishes a kind of childcare place; the provider's
// admins and office staff may, once the provider is verified and holds a
// childcare licence or filing.
func (s *Service) CreateOffering(ctx context.Context, a actor.Actor, providerID string, o childcare.Offering) (childcare.Offering, error) {
	p, err := s.manager(ctx, a, providerID)
	if err != nil {
		return childcare.Offering{}, err
	}
	if !childcare.Offers(p) {
		return childcare.Offering{}, childcare.ErrNotChildcare
	}
	if p.Status != provider.Verified {
		return childcare.Offering{}, fault.ErrForbidden
	}
	o.ID, o.CreatedBy = s.d.NewID(), a.UserID
	o, err = childcare.New(o, p, s.d.Now())
	if err != nil {
		return childcare.Offering{}, err
	}
	if err := s.d.Offerings.Create(ctx, o); err != nil {
		return childcare.Offering{}, err
	}
	return o, nil
}

// offering loads an offering anyone may see: its provider visible to the
// public, or managed by the caller.
func (s *Service) offering(ctx context.Context, a actor.Actor, id string) (childcare.Offering, *provider.Provider, error) {
	o, err := s.d.Offerings.Get(ctx, id)
	if err != nil {
		return childcare.Offering{}, nil, err
	}
	p, err := s.d.Providers.Get(ctx, o.ProviderID)
	if fault.Is(err, provider.ErrNotFound) {
		return childcare.Offering{}, nil, childcare.ErrNotFound
	}
	if err != nil {
		return childcare.Offering{}, nil, err
	}
	if !(o.Active && p.Visible()) && !p.InOffice(a.UserID) {
		return childcare.Offering{}, nil, childcare.ErrNotFound
	}
	return o, p, nil
}

// GetOffering returns an offering to anyone who may see it.
func (s *Service) GetOffering(ctx context.Context, a actor.Actor, id string) (childcare.Offering, error) {
	o, _, err := s.offering(ctx, a, id)
	return o, err
}

// ListOfferings pages a provider's offerings: its managers see all, the
// public those of a visible provider.
func (s *Service) ListOfferings(ctx context.Context, a actor.Actor, providerID string, p page.Request) ([]childcare.Offering, bool, error) {
	pr, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, false, err
	}
	if !pr.Visible() && !pr.InOffice(a.UserID) {
		return nil, false, provider.ErrNotFound
	}
	return s.d.Offerings.ListByProvider(ctx, providerID, p)
}

// zone is a provider's time zone, Shanghai when it names none.
func zone(p *provider.Provider) *time.Location {
	if loc, err := time.LoadLocation(p.Profile.TimeZone); err == nil && p.Profile.TimeZone != "" {
		return loc
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Zone is a provider's time zone, Shanghai when it names none.
func Zone(p *provider.Provider) *time.Location { return zone(p) }
