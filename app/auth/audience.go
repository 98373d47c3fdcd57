package auth

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
)

// Audiences says who hears that a password is being guessed: the
// account's owner, on every device (the guesser has none of theirs).
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{identity.EventPasswordGuessed: notify.AudienceFunc(owner)}
}

func owner(_ context.Context, e event.Event) ([]notify.Recipient, error) {
	return []notify.Recipient{{UserID: e.Data["userId"]}}, nil
}
