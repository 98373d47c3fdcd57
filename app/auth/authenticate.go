package auth

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Authenticate turns the claims of a verified access token into the
// request's actor. An access token outlives nothing but its 15 minutes,
// yet an account deleted within them must stop acting at once: the
// account is looked up (from the user cache, on the hot path) and a
// deleted one is refused.
func (s *Service) Authenticate(ctx context.Context, userID, sessionID string, roles identity.Roles, requestID string) (actor.Actor, error) {
	u, err := s.users.ByID(ctx, userID)
	if fault.Is(err, identity.ErrUserNotFound) {
		return actor.Actor{}, fault.ErrUnauthenticated
	}
	if err != nil {
		return actor.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	if err := u.CanLogIn(); err != nil {
		return actor.Actor{}, err
	}
	return actor.Actor{UserID: userID, SessionID: sessionID, Roles: roles, RequestID: requestID}, nil
}
