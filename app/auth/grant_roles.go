package auth

import (
	"context"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/region"
)

// SetRoles replaces another user's roles. Only a platform admin may; the
// change counts from the user's next request (see Authenticate).
func (s *Service) SetRoles(ctx context.Context, a actor.Actor, userID string, names []string) (*identity.User, error) {
	if err := a.Require(identity.RolePlatformAdmin); err != nil {
		return nil, err
	}
	roles := make([]identity.Role, 0, len(names))
	for i, n := range names {
		r, err := identity.ParseRole(n)
		if err != nil {
			return nil, err.(*fault.Error).WithFields(fault.FieldError{Field: "/roles/" + strconv.Itoa(i), Code: "enum"})
		}
		roles = append(roles, r)
	}
	if userID == a.UserID && !identity.NewRoles(roles...).Has(identity.RolePlatformAdmin) {
		// Otherwise the last admin could lock everyone out of role grants.
		return nil, ErrSelfDemotion
	}
	return s.users.Update(ctx, userID, func(u *identity.User) error {
		u.ReplaceRoles(roles)
		return nil
	})
}

var ErrSelfDemotion = fault.New(fault.Conflict, "self_demotion")

// SetRegions binds a user, as a regulator, to the regions they oversee
// (GB/T 2260 codes; a city's code covers its districts, a province's its
// cities: see domain/region), replacing those before. Only a platform
// admin may; like roles, the change counts from the user's next request.
// The user need not be a regulator yet: an admin may bind first and
// grant the role after, and a regulator without regions oversees nothing.
func (s *Service) SetRegions(ctx context.Context, a actor.Actor, userID string, codes []string) (*identity.User, error) {
	if err := a.Require(identity.RolePlatformAdmin); err != nil {
		return nil, err
	}
	scope, err := region.NewScope(codes)
	if err != nil {
		return nil, err
	}
	return s.users.Update(ctx, userID, func(u *identity.User) error {
		u.SetRegions(scope)
		return nil
	})
}
