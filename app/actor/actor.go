// Package actor says who is calling a use case. Every command carries one,
// and authorization is decided from it in app/, never in handlers.
package actor

import (
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Actor is an authenticated caller, as their access token describes them.
type Actor struct {
	UserID    string
	SessionID string
	Roles     identity.Roles
	// RequestID ties what the actor did to the request, for the audit log.
	RequestID string
}

// Require refuses an actor that holds none of the roles.
func (a Actor) Require(roles ...identity.Role) error {
	if a.UserID == "" {
		return fault.ErrUnauthenticated
	}
	if !a.Roles.HasAny(roles...) {
		return fault.ErrForbidden
	}
	return nil
}
