package auth

import (
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/throttle"
)

// Service gathers the auth use cases, one file each.
type Service struct {
	users    Users
	sessions Sessions
	otps     OTPs
	sms      SMS
	tokens   Tokens
	limiter  throttle.Limiter
	failures PasswordFailures
	announce Announcer
	log      *slog.Logger
	cfg      Config
	now      func() time.Time
	newID    func() string
}

// Deps are the adapters the auth use cases need.
type Deps struct {
	Users    Users
	Sessions Sessions
	OTPs     OTPs
	SMS      SMS
	Tokens   Tokens
	Limiter  throttle.Limiter
	// Failures counts wrong passwords; Announcer tells owners of guessing.
	Failures  PasswordFailures
	Announcer Announcer
	Log       *slog.Logger
	Now       func() time.Time
	NewID     func() string
}

func NewService(d Deps, cfg Config) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{users: d.Users, sessions: d.Sessions, otps: d.OTPs, sms: d.SMS, tokens: d.Tokens,
		limiter: d.Limiter, failures: d.Failures, announce: d.Announcer, log: d.Log, cfg: cfg, now: d.Now,
		newID: d.NewID}
}
