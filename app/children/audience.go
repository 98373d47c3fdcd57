package children

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// Audiences says who hears of changes to who may collect a child: every
// member of the child's family but the one who made the change.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{
		child.EventPickupAdded:   notify.AudienceFunc(s.restOfFamily),
		child.EventPickupRemoved: notify.AudienceFunc(s.restOfFamily),
		// A one-time person is a pickup change like any other.
		child.EventOneTimePickupAdded: notify.AudienceFunc(s.restOfFamily),
	}
}

func (s *Service) restOfFamily(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	f, err := s.d.Families.Get(ctx, e.Data["familyId"])
	if fault.Is(err, family.ErrNotFound) {
		return nil, nil // dissolved since
	}
	if err != nil {
		return nil, err
	}
	var out []notify.Recipient
	for _, m := range f.Members() {
		if m.UserID != e.Data["by"] {
			out = append(out, notify.Recipient{UserID: m.UserID})
		}
	}
	return out, nil
}
