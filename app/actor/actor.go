// Package actor says who is calling a use case. Every command carries one,
// and authorization is decided from it in app/, never in handlers.
package actor

import (
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/region"
)

// Actor is an authenticated caller, as their access token describes them.
type Actor struct {
	UserID    string
	SessionID string
	Roles     identity.Roles
	// Regions are what a regulator oversees (their account's, read with
	// their roles on every request).
	Regions region.Scope
	// ElderID is the elder whose own account the actor is (role elder),
	// read with their roles on every request; empty for everyone else.
	ElderID string
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

// IsElder reports whether the actor is elderID's own account, as the
// account says. The elder's record must say so too (elder.OwnAccount)
// before anything is shown or done as the elder.
func (a Actor) IsElder(elderID string) bool {
	return elderID != "" && a.ElderID == elderID && a.Roles.Has(identity.RoleElder)
}

// Regulates reports whether the actor is a regulator whose regions
// cover the region code (of a provider's or an elder's address).
func (a Actor) Regulates(code string) bool {
	return a.Roles.Has(identity.RoleRegulator) && a.Regions.Covers(code)
}

// Oversees reports whether the actor supervises what lies in the region
// code: a platform admin everywhere, a regulator within their regions
// (DESIGN.md invariant 7: officials too are refused what is not theirs).
func (a Actor) Oversees(code string) bool {
	return a.Roles.Has(identity.RolePlatformAdmin) || a.Regulates(code)
}
