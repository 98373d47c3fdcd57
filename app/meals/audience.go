package meals

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/meal"
)

// Audiences: a subscribed day that could not be ordered is told to every
// member of the elder's family.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{
		meal.EventSubscriptionSkipped: notify.AudienceFunc(func(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
			var out notify.Hearers
			if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
				return nil, err
			}
			return out.Recipients(), nil
		}),
	}
}
