package auth

import (
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
	Now      func() time.Time
	NewID    func() string
}

func NewService(d Deps, cfg Config) *Service {
	return &Service{users: d.Users, sessions: d.Sessions, otps: d.OTPs, sms: d.SMS, tokens: d.Tokens,
		limiter: d.Limiter, cfg: cfg, now: d.Now, newID: d.NewID}
}
