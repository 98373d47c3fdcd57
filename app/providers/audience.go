package providers

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// Audiences says who hears of what providers record.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{
		provider.EventCertificateExpiring: notify.AudienceFunc(s.certificateHolders),
		provider.EventVerificationChanged: notify.AudienceFunc(s.admins),
		provider.EventCreditChanged:       notify.AudienceFunc(s.admins),
		// Registration and edits are the admins' own doing: they feed the
		// regulator's indicators and tell nobody.
		provider.EventRegistered: notify.AudienceFunc(nobody),
		provider.EventUpdated:    notify.AudienceFunc(nobody),
	}
}

func nobody(context.Context, event.Event) ([]notify.Recipient, error) { return nil, nil }

// admins are the provider's admins now: who hears what the platform and
// the regulator decided about it.
func (s *Service) admins(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	p, err := s.d.Providers.Get(ctx, e.Subject.ID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]notify.Recipient, len(p.Admins))
	for i, id := range p.Admins {
		out[i] = notify.Recipient{UserID: id}
	}
	return out, nil
}

// certificateHolders are the caregiver and the provider's admins, while
// the reminder still applies (a renewed or removed certificate, or a
// caregiver who left, tells nobody).
func (s *Service) certificateHolders(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	p, err := s.d.Providers.Get(ctx, e.Subject.ID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !p.StillExpiring(e) {
		return nil, nil
	}
	out := []notify.Recipient{{UserID: e.Data["caregiverId"]}}
	for _, admin := range p.Admins {
		if admin != e.Data["caregiverId"] {
			out = append(out, notify.Recipient{UserID: admin})
		}
	}
	return out, nil
}
