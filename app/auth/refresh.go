package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Refresh rotates a session: the presented token is spent and a new pair
// issued. A spent token presented again revokes the whole session, so a
// thief and the rightful owner are both logged out and the owner notices.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (TokenPair, error) {
	sessionID, gen, err := s.tokens.ParseRefresh(refreshToken)
	if err != nil {
		return TokenPair{}, identity.ErrRefreshInvalid
	}
	now := s.now()
	sess, err := s.sessions.Get(ctx, sessionID)
	if fault.Is(err, fault.ErrNotFound) {
		return TokenPair{}, identity.ErrRefreshInvalid
	}
	if err != nil {
		return TokenPair{}, fmt.Errorf("load session: %w", err)
	}
	if err := s.judge(ctx, sess, gen); err != nil {
		return TokenPair{}, err
	}
	user, err := s.users.ByID(ctx, sess.UserID)
	if err != nil {
		return TokenPair{}, fmt.Errorf("load user: %w", err)
	}
	if err := user.CanLogIn(); err != nil {
		return TokenPair{}, errors.Join(err, s.sessions.Revoke(ctx, sess.ID, now, "user_deleted"))
	}
	expires := now.Add(s.cfg.RefreshTTL)
	rotated, err := s.sessions.Rotate(ctx, sess.ID, gen, now, expires)
	if err != nil {
		return TokenPair{}, fmt.Errorf("rotate session: %w", err)
	}
	if !rotated {
		// Another refresh with this same token got there first: that is
		// reuse too, and judge revokes the family.
		if sess, err = s.sessions.Get(ctx, sessionID); err != nil {
			return TokenPair{}, fmt.Errorf("reload session: %w", err)
		}
		if err := s.judge(ctx, sess, gen); err != nil {
			return TokenPair{}, err
		}
		return TokenPair{}, identity.ErrSessionEnded
	}
	return s.issue(user, sess.ID, gen+1, expires, now)
}

// judge applies the session's verdict and revokes the family on reuse.
func (s *Service) judge(ctx context.Context, sess identity.Session, gen int) error {
	err := sess.CheckRefresh(gen, s.now())
	if fault.Is(err, identity.ErrRefreshReused) {
		if rerr := s.sessions.Revoke(ctx, sess.ID, s.now(), "refresh_token_reused"); rerr != nil {
			return fmt.Errorf("revoke reused session: %w", rerr)
		}
	}
	return err
}
