package identity

import (
	"slices"

	"github.com/kincare/kincare/domain/fault"
)

// Role is what a user may act as. A user may hold several (a daughter who
// is also a caregiver).
type Role string

const (
	RoleFamily        Role = "family"
	RoleProviderAdmin Role = "provider_admin"
	RoleProviderStaff Role = "provider_staff"
	RoleCaregiver     Role = "caregiver"
	RoleRegulator     Role = "regulator"
	RolePlatformAdmin Role = "platform_admin"
	// RoleOperator is the platform's operator on duty (平台值班): the last
	// rung of every alarm's escalation ladder.
	RoleOperator Role = "operator"
	// RoleElder is an elder's own account, linked to their profile by
	// their family (LinkElder): it sees the elder's own day, raises their
	// SOS and confirms their visits, and holds no other role.
	RoleElder Role = "elder"
)

var ErrRoleUnknown = fault.New(fault.Unprocessable, "role_unknown")

// allRoles are those a platform admin may grant. RoleElder is not among
// them: only linking an elder's account gives it (User.LinkElder).
var allRoles = []Role{RoleFamily, RoleProviderAdmin, RoleProviderStaff, RoleCaregiver, RoleRegulator, RolePlatformAdmin,
	RoleOperator}

// ParseRole refuses names that are not roles.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(allRoles, r) {
		return "", ErrRoleUnknown.With(map[string]any{"role": s})
	}
	return r, nil
}

// Roles is a set of roles kept sorted and without duplicates, so two equal
// sets compare and serialise the same.
type Roles []Role

// NewRoles builds a normalised set.
func NewRoles(rs ...Role) Roles {
	out := slices.Clone(rs)
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether r is in the set.
func (rs Roles) Has(r Role) bool { return slices.Contains(rs, r) }

// HasAny reports whether any of want is in the set.
func (rs Roles) HasAny(want ...Role) bool {
	for _, r := range want {
		if rs.Has(r) {
			return true
		}
	}
	return false
}

// Strings returns the names, for tokens and JSON.
func (rs Roles) Strings() []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}
