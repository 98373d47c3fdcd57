package childday

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/event"
)

// Audiences says who hears of the day: a child's family (every member —
// a refused pickup must reach all of them at once) of what happens to
// their child, the provider's admins and office staff of what happens to
// a room.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	out := map[event.Type]notify.Audience{}
	for _, t := range attendance.EventTypes {
		out[t] = notify.AudienceFunc(s.hearersOf)
	}
	for _, t := range dailyreport.EventTypes {
		out[t] = notify.AudienceFunc(s.hearersOf)
	}
	return out
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	var h notify.Hearers
	if attendance.ToOffice(e.Type) {
		if err := h.AddOffice(ctx, s.d.Providers, e.Data["providerId"]); err != nil {
			return nil, err
		}
		return h.Recipients(), nil
	}
	if err := h.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
		return nil, err
	}
	return h.Recipients(), nil
}
