package reservations

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/reservation"
)

// Who hears of what: the family (every member; each chooses in their
// preferences), the provider's admins and office staff, and the one user
// a hold is for.
type hearers struct{ family, provider, holder bool }

var audienceOf = map[event.Type]hearers{
	reservation.EventConfirmed:           {family: true, provider: true},
	reservation.EventCancelledByFamily:   {family: true, provider: true},
	reservation.EventCancelledByProvider: {family: true},
	reservation.EventWaitlistPromoted:    {holder: true},
	reservation.EventHoldExpiring:        {holder: true},

	reservation.EventClassConfirmed:           {family: true, provider: true},
	reservation.EventClassCancelledByFamily:   {family: true, provider: true},
	reservation.EventClassCancelledByProvider: {family: true},
	reservation.EventClassOffered:             {holder: true},
	reservation.EventClassHoldExpiring:        {holder: true},

	reservation.EventMealConfirmed:           {family: true},
	reservation.EventMealCancelledByFamily:   {family: true, provider: true},
	reservation.EventMealCancelledByProvider: {family: true},
}

// Audiences says who hears of each reservation event.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	out := notify.OneAudience(audienceOf, s.hearersOf)
	// A childcare slot's places changing is the bookings' news, told by
	// their own events: this one only feeds the indicators.
	out[reservation.EventPlacesChanged] = notify.AudienceFunc(func(context.Context, event.Event) ([]notify.Recipient, error) {
		return nil, nil
	})
	return out
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	h := audienceOf[e.Type]
	if e.Type == reservation.EventHoldExpiring || e.Type == reservation.EventClassHoldExpiring {
		// A reminder of a hold booked, released or lost tells nobody.
		hold, ok, err := s.d.Engine.Lookup(ctx, e.Data["holdId"], s.d.Now())
		if err != nil {
			return nil, err
		}
		if !ok || !hold.Live(s.d.Now()) {
			return nil, nil
		}
	}
	var out notify.Hearers
	if h.holder {
		out.Add(e.Data["userId"])
	}
	if h.family && e.Data["familyId"] == "" {
		out.Add(e.Data["bookedBy"]) // a seat booked for oneself: the family is the booker
	} else if h.family {
		if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
			return nil, err
		}
	}
	if h.provider {
		if err := out.AddOffice(ctx, s.d.Providers, e.Data["providerId"]); err != nil {
			return nil, err
		}
	}
	return out.Recipients(), nil
}
