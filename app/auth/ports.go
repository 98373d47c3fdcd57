// Package auth holds the use cases that prove who a user is and keep them
// logged in: one-time codes, login, token refresh with reuse detection,
// logout, and the user's own profile.
package auth

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/identity"
)

// Users stores user accounts. Update loads, applies fn and writes back
// atomically, retrying on a concurrent change.
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
	ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error)
	// FirstOrCreate returns the user with u's phone, creating u if there is
	// none; created says which happened. Concurrent calls create one user.
	FirstOrCreate(ctx context.Context, u *identity.User) (stored *identity.User, created bool, err error)
	Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error)
}

// Sessions stores refresh-token families.
type Sessions interface {
	Create(ctx context.Context, s identity.Session) error
	Get(ctx context.Context, id string) (identity.Session, error)
	// Rotate moves the session from generation from to from+1 if it is
	// still there, unrevoked and unexpired; false means another refresh won.
	Rotate(ctx context.Context, id string, from int, now, expiresAt time.Time) (bool, error)
	Revoke(ctx context.Context, id string, now time.Time, reason string) error
}

// OTPs keeps one pending login code per phone and judges attempts
// atomically, so concurrent guesses share one attempt budget.
type OTPs interface {
	Issue(ctx context.Context, phone identity.Phone, digest string, ttl time.Duration) error
	Verify(ctx context.Context, phone identity.Phone, digest string, maxAttempts int) (OTPCheck, error)
}

// OTPCheck is a store's answer to one attempt.
type OTPCheck struct {
	Verdict      identity.OTPVerdict
	AttemptsLeft int
	LockedFor    time.Duration
}

// SMS delivers login codes.
type SMS interface {
	SendLoginCode(ctx context.Context, phone identity.Phone, code string, locale identity.Locale) error
}

// Tokens mints and reads the tokens a client holds.
type Tokens interface {
	IssueAccess(userID, sessionID string, roles identity.Roles, now time.Time) (token string, expiresAt time.Time, err error)
	MintRefresh(sessionID string, generation int) string
	// ParseRefresh verifies a refresh token's integrity and returns what it names.
	ParseRefresh(token string) (sessionID string, generation int, err error)
}

// Config is the policy a deployment chooses.
type Config struct {
	RefreshTTL time.Duration
	// AdminPhones are granted platform_admin when they log in, so a new
	// deployment has someone to grant every other role.
	AdminPhones    []identity.Phone
	OTPSendLimits  []throttle.Limit
	OTPPerIPLimits []throttle.Limit
	LoginLimits    []throttle.Limit
}

// DefaultConfig is kincare's policy: one code per minute and five per hour
// per phone; thirty codes per hour per client address (generous, because
// mobile carriers put many subscribers behind one address); ten login
// attempts per phone per quarter hour.
func DefaultConfig() Config {
	return Config{
		RefreshTTL:     identity.RefreshTokenTTL,
		OTPSendLimits:  []throttle.Limit{{Count: 1, Per: time.Minute}, {Count: 5, Per: time.Hour}},
		OTPPerIPLimits: []throttle.Limit{{Count: 30, Per: time.Hour}},
		LoginLimits:    []throttle.Limit{{Count: 10, Per: 15 * time.Minute}},
	}
}
