// Package catalog holds the use cases of providers' service menus: items,
// their published prices (收费公开) and price versions. A menu lives in
// its provider's document, so every change here is one atomic update of
// that provider.
package catalog

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/provider"
)

// Providers keeps providers with their menus.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
	Update(ctx context.Context, id string, fn func(*provider.Provider) error) (*provider.Provider, error)
}

// Service gathers the catalog use cases.
type Service struct {
	providers Providers
	now       func() time.Time
	newID     func() string
}

func NewService(p Providers, now func() time.Time, newID func() string) *Service {
	return &Service{providers: p, now: now, newID: newID}
}

// admin checks the caller manages the provider. To a non-admin a hidden
// provider does not exist; a visible one is public, so they are told
// they may not change it.
func admin(a actor.Actor, p *provider.Provider) error {
	if p.IsAdmin(a.UserID) {
		return nil
	}
	if p.Visible() || p.StaffMember(a.UserID) != nil {
		return provider.ErrAdminRequired
	}
	return provider.ErrNotFound
}

// AddItem publishes a new item; the provider's admins only.
func (s *Service) AddItem(ctx context.Context, a actor.Actor, providerID string, it catalog.Item) (catalog.Item, error) {
	it.ID = s.newID()
	it, err := catalog.New(it, s.now())
	if err != nil {
		return catalog.Item{}, err
	}
	_, err = s.providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := admin(a, p); err != nil {
			return err
		}
		return p.AddItem(it)
	})
	it.ProviderID = providerID
	return it, err
}

// ItemChange is an edit of an item; nil fields stay as they are.
type ItemChange struct {
	Price  *catalog.Price // published as the next version
	Active *bool          // off the menu, or back on; orders already made keep it
}

// Change edits an item in one atomic update; the provider's admins only.
func (s *Service) Change(ctx context.Context, a actor.Actor, providerID, itemID string, ch ItemChange) (catalog.Item, error) {
	var out catalog.Item
	_, err := s.providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := admin(a, p); err != nil {
			return err
		}
		it, err := p.Item(itemID)
		if err != nil {
			return err
		}
		if ch.Price != nil {
			if err := it.Reprice(*ch.Price, s.now()); err != nil {
				return err
			}
		}
		if ch.Active != nil {
			it.Active = *ch.Active
		}
		out = *it
		return nil
	})
	return out, err
}

// Menu lists a provider's items: active ones to the public once the
// provider is visible, all of them to its admins and to those who
// supervise it (platform admins; regulators of its region — elsewhere a
// regulator sees what the public sees).
func (s *Service) Menu(ctx context.Context, a actor.Actor, providerID string) ([]catalog.Item, error) {
	p, err := s.providers.Get(ctx, providerID)
	if err != nil {
		return nil, err
	}
	if p.IsAdmin(a.UserID) || p.StaffMember(a.UserID) != nil ||
		a.Oversees(p.Profile.Address.RegionCode) {
		return p.Items, nil
	}
	if !p.Visible() {
		return nil, provider.ErrNotFound
	}
	out := make([]catalog.Item, 0, len(p.Items))
	for _, it := range p.Items {
		if it.Active {
			out = append(out, it)
		}
	}
	return out, nil
}
