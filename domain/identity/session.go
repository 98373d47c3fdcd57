package identity

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// RefreshTokenTTL is how long an unused refresh token stays valid; each
// rotation starts it again.
const RefreshTokenTTL = 30 * 24 * time.Hour

var (
	ErrRefreshInvalid = fault.New(fault.Unauthenticated, "refresh_token_invalid")
	ErrRefreshReused  = fault.New(fault.Unauthenticated, "refresh_token_reused")
	ErrSessionEnded   = fault.New(fault.Unauthenticated, "session_ended")
)

// Session is one login on one device: a family of refresh tokens. Each
// refresh rotates it to the next generation; a token of an older
// generation presented again means it was stolen or replayed, and the
// whole family is revoked.
type Session struct {
	ID         string
	UserID     string
	Generation int
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
}

// NewSession starts a family at generation 1.
func NewSession(id, userID string, now time.Time, ttl time.Duration) Session {
	now = now.UTC()
	return Session{ID: id, UserID: userID, Generation: 1, CreatedAt: now, ExpiresAt: now.Add(ttl)}
}

// CheckRefresh judges a refresh token of generation gen.
func (s Session) CheckRefresh(gen int, now time.Time) error {
	switch {
	case !s.RevokedAt.IsZero():
		return ErrSessionEnded
	case gen < s.Generation:
		return ErrRefreshReused
	case gen > s.Generation:
		return ErrRefreshInvalid
	case !now.Before(s.ExpiresAt):
		return ErrSessionEnded
	}
	return nil
}
