package identity

import (
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/region"
)

var (
	ErrUserNotFound  = fault.New(fault.NotFound, "user_not_found")
	ErrUserDeleted   = fault.New(fault.Unauthenticated, "user_deleted")
	ErrLocaleUnknown = fault.New(fault.Unprocessable, "locale_unknown")
)

// Locale is the language a user reads kincare in.
type Locale string

const (
	LocaleZhCN Locale = "zh-CN"
	LocaleEn   Locale = "en"
)

// ParseLocale accepts the locales kincare is translated into.
func ParseLocale(s string) (Locale, error) {
	switch Locale(s) {
	case LocaleZhCN, LocaleEn:
		return Locale(s), nil
	}
	return "", ErrLocaleUnknown.With(map[string]any{"locale": s})
}

// User is a person who logs in with their phone. Everyone starts as
// family; other roles are granted.
type User struct {
	id       string
	phone    Phone
	roles    Roles
	password PasswordHash
	locale   Locale
	// regions are what the user oversees as a regulator; they mean
	// nothing without the role, and the role oversees nothing without
	// them.
	regions region.Scope
	// elderID is the elder whose own account this is (RoleElder).
	elderID   string
	createdAt time.Time
	deletedAt time.Time
}

// NewUser is the user a first login creates.
func NewUser(id string, phone Phone, now time.Time) (*User, error) {
	if id == "" || phone == "" {
		return nil, ErrUserNotFound
	}
	return &User{id: id, phone: phone, roles: NewRoles(RoleFamily), locale: LocaleZhCN, createdAt: now.UTC()}, nil
}

// UserSnapshot is a user's stored form. UnmarshalUser rebuilds a User from
// it without the checks NewUser makes for new users.
type UserSnapshot struct {
	ID        string
	Phone     Phone
	Roles     Roles
	Password  PasswordHash
	Locale    Locale
	Regions   region.Scope
	ElderID   string
	CreatedAt time.Time
	DeletedAt time.Time
}

func UnmarshalUser(s UserSnapshot) *User {
	return &User{id: s.ID, phone: s.Phone, roles: NewRoles(s.Roles...), password: s.Password,
		locale: s.Locale, regions: slices.Clone(s.Regions), elderID: s.ElderID, createdAt: s.CreatedAt, deletedAt: s.DeletedAt}
}

func (u *User) Snapshot() UserSnapshot {
	return UserSnapshot{ID: u.id, Phone: u.phone, Roles: u.roles, Password: u.password,
		Locale: u.locale, Regions: slices.Clone(u.regions), ElderID: u.elderID, CreatedAt: u.createdAt, DeletedAt: u.deletedAt}
}

func (u *User) ID() string            { return u.id }
func (u *User) Phone() Phone          { return u.phone }
func (u *User) Roles() Roles          { return u.roles }
func (u *User) Locale() Locale        { return u.locale }
func (u *User) Regions() region.Scope { return slices.Clone(u.regions) }
func (u *User) CreatedAt() time.Time  { return u.createdAt }
func (u *User) HasPassword() bool     { return u.password != "" }
func (u *User) Deleted() bool         { return !u.deletedAt.IsZero() }

// ElderID is the elder whose own account this is; empty for everyone
// else.
func (u *User) ElderID() string { return u.elderID }

// ErrElderAccountUnavailable is a phone whose account cannot become an
// elder's own: it already is another elder's, or it works for a
// provider, a regulator or the platform. An elder's account sees only
// the elder's day; mixing it with another role would widen what either
// sees.
var ErrElderAccountUnavailable = fault.New(fault.Conflict, "elder_account_unavailable")

// LinkElder makes the account the elder's own: from now on it acts only
// as the elder (RoleElder) and no longer as a family member. Linking the
// same elder again changes nothing.
func (u *User) LinkElder(elderID string) error {
	if u.elderID == elderID && elderID != "" {
		return nil
	}
	if u.elderID != "" || slices.ContainsFunc(u.roles, func(r Role) bool { return r != RoleFamily }) {
		return ErrElderAccountUnavailable
	}
	u.elderID, u.roles = elderID, NewRoles(RoleElder)
	return nil
}

// UnlinkElder ends the account's link to elderID, if it has it: the
// account is an ordinary family user again.
func (u *User) UnlinkElder(elderID string) {
	if u.elderID == "" || u.elderID != elderID {
		return
	}
	u.elderID, u.roles = "", NewRoles(RoleFamily)
}

// CanLogIn refuses deleted accounts.
func (u *User) CanLogIn() error {
	if u.Deleted() {
		return ErrUserDeleted
	}
	return nil
}

// CheckPassword verifies a password login.
func (u *User) CheckPassword(plain string) error {
	if err := u.CanLogIn(); err != nil {
		return err
	}
	if !u.HasPassword() {
		return ErrPasswordNotSet
	}
	if !u.password.Matches(plain) {
		return ErrCredentialsWrong
	}
	return nil
}

// SetPassword replaces the password after the policy accepted it.
func (u *User) SetPassword(h PasswordHash) { u.password = h }

// SetLocale changes the language notifications and errors use.
func (u *User) SetLocale(l Locale) { u.locale = l }

// SetRegions binds the user, as a regulator, to the regions they
// oversee (replacing any before); an empty scope oversees nothing.
func (u *User) SetRegions(s region.Scope) { u.regions = slices.Clone(s) }

// GrantRoles adds roles; existing roles stay.
func (u *User) GrantRoles(rs ...Role) { u.roles = NewRoles(append(u.roles, rs...)...) }

// ReplaceRoles sets exactly rs. Every user keeps family: it is what lets
// them order care at all.
// An elder's own account keeps exactly its one role until unlinked.
func (u *User) ReplaceRoles(rs Roles) {
	if u.elderID != "" {
		return
	}
	u.roles = NewRoles(append(rs, RoleFamily)...)
}

// BeginDeletion marks the account deleted at once, so it can no longer
// log in or act, while the phone stays until every record that mentions
// it has been scrubbed; Erase then removes it.
func (u *User) BeginDeletion(now time.Time) {
	if u.deletedAt.IsZero() {
		u.deletedAt = now.UTC()
	}
}

// Erased reports whether nothing personal is left in the account.
func (u *User) Erased() bool { return strings.HasPrefix(string(u.phone), erasedPrefix) }

const erasedPrefix = "deleted:"

// Erase anonymises a deleted account: the phone is replaced by a marker
// unique to the account, the password and roles are dropped. The record
// itself stays so ids in orders and audit entries still resolve to
// "a deleted user"; nothing in it identifies the person.
func (u *User) Erase(now time.Time) {
	u.phone = Phone(erasedPrefix + u.id)
	u.password = ""
	u.roles = nil
	u.regions = nil
	u.elderID = ""
	u.BeginDeletion(now)
}

// RevokeRole takes a role away; family stays, as with ReplaceRoles.
func (u *User) RevokeRole(r Role) {
	if r == RoleFamily {
		return
	}
	kept := make([]Role, 0, len(u.roles))
	for _, have := range u.roles {
		if have != r {
			kept = append(kept, have)
		}
	}
	u.roles = NewRoles(kept...)
}
