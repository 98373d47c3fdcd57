package complaints

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
)

// Who hears of each step: the family (every member; each chooses in
// their preferences) and the provider's admins and office staff.
// Regulators work from their list of escalated complaints in the console
// rather than from pushes.
type hearers struct{ family, provider bool }

var audienceOf = map[event.Type]hearers{
	complaint.EventFiled:     {family: true, provider: true},
	complaint.EventResponded: {family: true},
	complaint.EventEscalated: {family: true, provider: true},
	complaint.EventResolved:  {provider: true},
	complaint.EventDecided:   {family: true, provider: true},
}

// Audiences says who hears of each complaint event.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return notify.OneAudience(audienceOf, s.hearersOf)
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	h := audienceOf[e.Type]
	var out notify.Hearers
	if h.family {
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
