package auth

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
)

// Logout ends the caller's session: its refresh tokens stop working at
// once; the access token in hand lapses within its short lifetime.
func (s *Service) Logout(ctx context.Context, a actor.Actor) error {
	if err := s.sessions.Revoke(ctx, a.SessionID, s.now(), "logout"); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}
