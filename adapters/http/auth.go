package http

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// AccessVerifier reads access tokens.
type AccessVerifier interface {
	ParseAccess(raw string) (*token.Claims, error)
}

var (
	errTokenInvalid = fault.New(fault.Unauthenticated, "token_invalid")
	errTokenExpired = fault.New(fault.Unauthenticated, "token_expired")
)

// Authenticator vouches for the account behind a verified token.
type Authenticator interface {
	Authenticate(ctx context.Context, userID, sessionID string, roles identity.Roles, requestID string) (actor.Actor, error)
}

// authenticate turns a bearer token into the request's actor. It runs on
// the operations the spec marks with bearerAuth, and nowhere else.
func authenticate(v AccessVerifier, accounts Authenticator) fiber.Handler {
	return func(c *fiber.Ctx) error {
		raw, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok {
			return fault.ErrUnauthenticated
		}
		claims, err := v.ParseAccess(raw)
		if errors.Is(err, jwt.ErrTokenExpired) {
			return errTokenExpired
		}
		if err != nil {
			return errTokenInvalid
		}
		roles := make([]identity.Role, len(claims.Roles))
		for i, r := range claims.Roles {
			roles[i] = identity.Role(r)
		}
		a, err := accounts.Authenticate(c.UserContext(), claims.Subject, claims.SessionID, identity.NewRoles(roles...), requestID(c))
		if err != nil {
			return err
		}
		c.Locals(localActor, a)
		return c.Next()
	}
}

func bearer(h string) (string, bool) {
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	raw = strings.TrimSpace(raw)
	return raw, raw != ""
}

func actorOf(c *fiber.Ctx) (actor.Actor, bool) {
	a, ok := c.Locals(localActor).(actor.Actor)
	return a, ok
}

// mustActor is for handlers behind authenticate.
func mustActor(c *fiber.Ctx) actor.Actor {
	a, _ := actorOf(c)
	return a
}

// limitUserWrites bounds how fast one user can change things.
func limitUserWrites(lim throttle.Limiter, perMinute int) fiber.Handler {
	limit := throttle.Limit{Count: perMinute, Per: time.Minute}
	return func(c *fiber.Ctx) error {
		if a, ok := actorOf(c); ok {
			if err := throttle.Check(c.UserContext(), lim, "user-writes:"+a.UserID, limit); err != nil {
				return err
			}
		}
		return c.Next()
	}
}
