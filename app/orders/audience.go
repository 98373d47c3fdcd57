package orders

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// Who hears of each state change: the family (the orderer and every
// member: each chooses in their preferences), the caregiver concerned,
// and the provider's admins and office staff.
type hearers struct{ family, caregiver, previousCaregiver, provider bool }

var audienceOf = map[event.Type]hearers{
	order.EventCreated:             {provider: true},
	order.EventDispatched:          {provider: true},
	order.EventOffered:             {caregiver: true},
	order.EventDeclined:            {provider: true},
	order.EventAssigned:            {family: true, caregiver: true},
	order.EventAccepted:            {family: true, provider: true},
	order.EventEnRoute:             {family: true},
	order.EventArrived:             {family: true},
	order.EventServiceBegan:        {family: true},
	order.EventCompleted:           {family: true, provider: true},
	order.EventConfirmed:           {caregiver: true, provider: true},
	order.EventCancelledByFamily:   {caregiver: true, provider: true},
	order.EventCancelledByProvider: {family: true, caregiver: true},
	order.EventRedispatched:        {family: true, previousCaregiver: true},
	order.EventNoShowCaregiver:     {family: true, provider: true},
	order.EventNoShowRecipient:     {family: true, provider: true},
	order.EventExpired:             {family: true, provider: true},
}

// Audiences says who hears of each order event.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return notify.OneAudience(audienceOf, s.hearersOf)
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	h := audienceOf[e.Type]
	var out notify.Hearers
	if h.family {
		f, err := s.d.Families.Get(ctx, e.Data["familyId"])
		if err != nil && !fault.Is(err, family.ErrNotFound) {
			return nil, err
		}
		if f != nil {
			out.Add(f.MemberIDs()...)
		}
	}
	if h.caregiver {
		out.Add(e.Data["caregiverId"])
	}
	if h.previousCaregiver {
		out.Add(e.Data["previousCaregiverId"])
	}
	if h.provider {
		p, err := s.d.Providers.Get(ctx, e.Data["providerId"])
		if err != nil && !fault.Is(err, provider.ErrNotFound) {
			return nil, err
		}
		if p != nil {
			out.Add(p.Office()...)
		}
	}
	return out.Recipients(), nil
}
