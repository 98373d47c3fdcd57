package meals

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

// Audiences: every member of the elder's family hears of a subscribed
// day that could not be ordered, of a meal handed over (eaten in,
// collected or delivered), and of a subscribed meal nobody collected by
// the end of its window — that last one only if, when it falls due, the
// meal is still neither handed over nor cancelled.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	family := notify.AudienceFunc(s.family)
	return map[event.Type]notify.Audience{
		meal.EventSubscriptionSkipped: family,
		meal.EventServed:              family,
		meal.EventDelivered:           family,
		meal.EventMissed:              notify.AudienceFunc(s.missedHearers),
	}
}

func (s *Service) family(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	var out notify.Hearers
	if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
		return nil, err
	}
	return out.Recipients(), nil
}

// missedHearers reads the order as it is when the window's end came: a
// meal handed over, cancelled or gone tells nobody.
func (s *Service) missedHearers(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	o, err := s.d.Orders.Get(ctx, e.Subject.ID)
	if fault.Is(err, meal.ErrOrderNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !o.Uncollected() {
		return nil, nil
	}
	return s.family(ctx, e)
}
