package auth

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Authenticate turns the claims of a verified access token into the
// request's actor. The account is looked up (from the user cache, on the
// hot path) so that what changed since the token was issued counts at
// once: a deleted account is refused, and roles are the account's
// current ones, not the token's, so a demoted admin loses the power
// within seconds rather than at the token's expiry.
func (s *Service) Authenticate(ctx context.Context, userID, sessionID string, _ identity.Roles, requestID string) (actor.Actor, error) {
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
	return actor.Actor{UserID: userID, SessionID: sessionID, Roles: u.Roles(), Regions: u.Regions(),
		ElderID: u.ElderID(), RequestID: requestID}, nil
}
