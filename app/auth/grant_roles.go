package auth

import (
	"context"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
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
