package notify

import (
	"context"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// Hearers collects the users an event reaches, each once, in the order
// first added.
type Hearers struct {
	seen map[string]bool
	list []Recipient
}

// Add adds users; empty ids and repeats are skipped.
func (h *Hearers) Add(userIDs ...string) {
	for _, id := range userIDs {
		if id == "" || h.seen[id] {
			continue
		}
		if h.seen == nil {
			h.seen = map[string]bool{}
		}
		h.seen[id] = true
		h.list = append(h.list, Recipient{UserID: id})
	}
}

// Recipients is everyone added.
func (h *Hearers) Recipients() []Recipient { return h.list }

// OneAudience gives every event type keyed in types the same audience:
// a capability that decides its hearers per type in one function.
func OneAudience[V any](types map[event.Type]V, f AudienceFunc) map[event.Type]Audience {
	out := make(map[event.Type]Audience, len(types))
	for t := range types {
		out[t] = f
	}
	return out
}

// FamilyReader reads families; ProviderReader providers.
type (
	FamilyReader interface {
		Get(ctx context.Context, id string) (*family.Family, error)
	}
	ProviderReader interface {
		Get(ctx context.Context, id string) (*provider.Provider, error)
	}
)

// AddFamily adds every member of a family; a family gone since hears
// nothing.
func (h *Hearers) AddFamily(ctx context.Context, fs FamilyReader, familyID string) error {
	f, err := fs.Get(ctx, familyID)
	if fault.Is(err, family.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	h.Add(f.MemberIDs()...)
	return nil
}

// AddOffice adds a provider's admins and office staff; a provider gone
// since has nobody to tell.
func (h *Hearers) AddOffice(ctx context.Context, ps ProviderReader, providerID string) error {
	p, err := ps.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	h.Add(p.Office()...)
	return nil
}
