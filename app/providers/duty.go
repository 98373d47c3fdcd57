package providers

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/provider"
)

// SetDuty replaces the provider's emergency duty roster (值班): the
// staff whom an alarm of an elder the provider serves reaches on its
// second rung. The provider's admins only; staff and strangers get what
// they get for any admin step.
func (s *Service) SetDuty(ctx context.Context, a actor.Actor, providerID string, userIDs []string) ([]string, error) {
	p, err := s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := hidden(a, p); err != nil {
			return err
		}
		return p.SetDuty(a.UserID, userIDs)
	})
	if err != nil {
		return nil, err
	}
	return p.OnDuty(), nil
}
