// Package auth holds the use cases that prove who a user is and keep them
// logged in: one-time codes, login, token refresh with reuse detection,
// logout, and the user's own profile.
package auth

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/event"
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

// PasswordFailures counts wrong passwords per phone, from all clients
// and from each, in the windows of a identity.PasswordGuessing. A
// password is checked only after Attempt reserved it a place in both
// budgets, atomically, so that concurrent guesses cannot all slip in
// under the limit; a right password is given back (Forgive), so only
// failures count.
type PasswordFailures interface {
	// Attempt reserves one attempt for phone from client. When the
	// phone's or the client's budget is spent it reserves nothing and
	// says how long until the window ends.
	Attempt(ctx context.Context, phone identity.Phone, client string, g identity.PasswordGuessing) (PasswordAttempt, error)
	// Forgive gives back an attempt that turned out right.
	Forgive(ctx context.Context, phone identity.Phone, client string) error
}

// PasswordAttempt is a budget's answer: Failures is the phone's count in
// the window, this attempt included when Allowed.
type PasswordAttempt struct {
	Allowed    bool
	Failures   int
	RetryAfter time.Duration
}

// Announcer hands on events no document write carries (notify.Announcer):
// a password being guessed is a count in Redis, not a stored change.
type Announcer interface {
	Announce(ctx context.Context, events ...event.Event) error
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
	// Passwords bounds wrong passwords per phone and per (phone,
	// client); it never stops a login by code.
	Passwords identity.PasswordGuessing
}

// DefaultConfig is kincare's policy: one code per minute and five per hour
// per phone; thirty codes per hour per client address (generous, because
// mobile carriers put many subscribers behind one address); wrong
// passwords as identity.DefaultPasswordGuessing. Wrong codes are bounded
// by the code itself (identity.OTPMaxAttempts).
func DefaultConfig() Config {
	return Config{
		RefreshTTL:     identity.RefreshTokenTTL,
		OTPSendLimits:  []throttle.Limit{{Count: 1, Per: time.Minute}, {Count: 5, Per: time.Hour}},
		OTPPerIPLimits: []throttle.Limit{{Count: 30, Per: time.Hour}},
		Passwords:      identity.DefaultPasswordGuessing,
	}
}
