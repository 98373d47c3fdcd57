// Package family is who cares together: a family group, its members and
// their roles, the invites that bring new members in, and the consents
// the family has given. Pure domain code.
package family

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
	"github.com/kincare/kincare/domain/upload"
)

// Role is a member's standing in one family.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleMember Role = "member"
)

// DefaultTimeZone is where kincare's families live unless they say otherwise.
const DefaultTimeZone = "Asia/Shanghai"

// MaxMembers bounds a family document; real families are far smaller.
const MaxMembers = 30

var (
	// ErrNotFound is also what non-members get: a family that is not
	// yours does not exist, as far as you can tell.
	ErrNotFound      = fault.New(fault.NotFound, "family_not_found")
	ErrOwnerRequired = fault.New(fault.Forbidden, "family_owner_required")
	ErrAlreadyMember = fault.New(fault.Conflict, "already_member")
	ErrNotMember     = fault.New(fault.NotFound, "member_not_found")
	ErrLastOwner     = fault.New(fault.Conflict, "last_owner")
	ErrFull          = fault.New(fault.Conflict, "family_full")
	ErrNameInvalid   = fault.New(fault.Unprocessable, "family_name_invalid")
	ErrTimeZone      = fault.New(fault.Unprocessable, "time_zone_invalid")
	ErrRoleInvalid   = fault.New(fault.Unprocessable, "family_role_invalid")
)

// Member is one user in a family.
type Member struct {
	UserID   string
	Role     Role
	JoinedAt time.Time
}

// Family is one document: members and consents change atomically with it.
type Family struct {
	id        string
	name      string
	timeZone  string
	members   []Member
	consents  []consent.Consent
	createdBy string
	createdAt time.Time
	// The events this family's next write announces.
	event.Outbox
}

// New creates a family whose creator is its first owner.
func New(id, name, timeZone, creatorID string, now time.Time) (*Family, error) {
	name, err := checkName(name)
	if err != nil {
		return nil, err
	}
	if timeZone == "" {
		timeZone = DefaultTimeZone
	}
	if _, err := Location(timeZone); err != nil {
		return nil, err
	}
	now = now.UTC()
	return &Family{id: id, name: name, timeZone: timeZone, createdBy: creatorID, createdAt: now,
		members: []Member{{UserID: creatorID, Role: RoleOwner, JoinedAt: now}}}, nil
}

// Snapshot is a family's stored form.
type Snapshot struct {
	ID        string
	Name      string
	TimeZone  string
	Members   []Member
	Consents  []consent.Consent
	CreatedBy string
	CreatedAt time.Time
	Pending   []event.Event
}

// Unmarshal rebuilds a stored family.
func Unmarshal(s Snapshot) *Family {
	return &Family{id: s.ID, name: s.Name, timeZone: s.TimeZone, members: s.Members, consents: s.Consents,
		createdBy: s.CreatedBy, createdAt: s.CreatedAt, Outbox: event.RestoreOutbox(s.Pending)}
}

func (f *Family) Snapshot() Snapshot {
	return Snapshot{ID: f.id, Name: f.name, TimeZone: f.timeZone, Members: slices.Clone(f.members),
		Consents: slices.Clone(f.consents), CreatedBy: f.createdBy, CreatedAt: f.createdAt, Pending: f.Pending()}
}

func (f *Family) ID() string        { return f.id }
func (f *Family) Name() string      { return f.name }
func (f *Family) TimeZone() string  { return f.timeZone }
func (f *Family) Members() []Member { return slices.Clone(f.members) }

// MemberIDs are the users of the family's members.
func (f *Family) MemberIDs() []string {
	out := make([]string, len(f.members))
	for i, m := range f.members {
		out[i] = m.UserID
	}
	return out
}
func (f *Family) Consents() []consent.Consent { return slices.Clone(f.consents) }
func (f *Family) CreatedAt() time.Time        { return f.createdAt }

// Location is the family's zone, in which ages, "today" and cutoffs count.
func (f *Family) Location() *time.Location {
	loc, err := Location(f.timeZone)
	if err != nil {
		return time.UTC // stored zones were validated; unreachable
	}
	return loc
}

// Location loads an IANA zone name.
func Location(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, ErrTimeZone.With(map[string]any{"timeZone": name}).
			WithFields(fault.FieldError{Field: "/timeZone", Code: "time_zone_invalid"})
	}
	return loc, nil
}

var nameRule = text.Rule{Max: 50, Required: true}

// PhotoPrefix is where what the family's members upload is stored (the
// photos of a complaint); a record of the family accepts keys under it
// only (domain/upload).
func PhotoPrefix(familyID string) string { return upload.Prefix("families", familyID) }

func checkName(name string) (string, error) {
	name, bad := nameRule.Clean("/name", name)
	if bad != nil {
		return "", ErrNameInvalid.WithFields(*bad)
	}
	return name, nil
}

// RoleOf is userID's role, if a member.
func (f *Family) RoleOf(userID string) (Role, bool) {
	for _, m := range f.members {
		if m.UserID == userID {
			return m.Role, true
		}
	}
	return "", false
}

// RequireMember answers not found to anyone outside the family.
func (f *Family) RequireMember(userID string) error {
	if _, ok := f.RoleOf(userID); !ok {
		return ErrNotFound
	}
	return nil
}

// RequireOwner lets owners through, tells members they need an owner,
// and tells everyone else the family does not exist.
func (f *Family) RequireOwner(userID string) error {
	role, ok := f.RoleOf(userID)
	switch {
	case !ok:
		return ErrNotFound
	case role != RoleOwner:
		return ErrOwnerRequired
	}
	return nil
}

func (f *Family) owners() int {
	n := 0
	for _, m := range f.members {
		if m.Role == RoleOwner {
			n++
		}
	}
	return n
}

// Rename changes the name; owners only.
func (f *Family) Rename(actorID, name string) error {
	if err := f.RequireOwner(actorID); err != nil {
		return err
	}
	name, err := checkName(name)
	if err != nil {
		return err
	}
	f.name = name
	return nil
}

// SetTimeZone moves the family; owners only.
func (f *Family) SetTimeZone(actorID, tz string) error {
	if err := f.RequireOwner(actorID); err != nil {
		return err
	}
	if _, err := Location(tz); err != nil {
		return err
	}
	f.timeZone = tz
	return nil
}

// ParseRole accepts owner and member.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleOwner, RoleMember:
		return Role(s), nil
	}
	return "", ErrRoleInvalid.WithFields(fault.FieldError{Field: "/role", Code: "enum"})
}

// Join adds a user through an accepted invite.
func (f *Family) Join(userID string, role Role, now time.Time) error {
	if _, ok := f.RoleOf(userID); ok {
		return ErrAlreadyMember
	}
	if len(f.members) >= MaxMembers {
		return ErrFull
	}
	f.members = append(f.members, Member{UserID: userID, Role: role, JoinedAt: now.UTC()})
	return nil
}

// Leave removes the caller. The last owner must hand over first, unless
// they are the last member, in which case the family ends with them.
func (f *Family) Leave(userID string) error {
	role, ok := f.RoleOf(userID)
	if !ok {
		return ErrNotFound
	}
	if role == RoleOwner && f.owners() == 1 && len(f.members) > 1 {
		return ErrLastOwner
	}
	f.drop(userID)
	return nil
}

// Remove takes another member out; owners only, never the last owner.
func (f *Family) Remove(actorID, userID string) error {
	if err := f.RequireOwner(actorID); err != nil {
		return err
	}
	role, ok := f.RoleOf(userID)
	if !ok {
		return ErrNotMember
	}
	if role == RoleOwner && f.owners() == 1 {
		return ErrLastOwner
	}
	f.drop(userID)
	return nil
}

// ChangeRole promotes or demotes a member; owners only, and a family
// always keeps an owner.
func (f *Family) ChangeRole(actorID, userID string, role Role) error {
	if err := f.RequireOwner(actorID); err != nil {
		return err
	}
	current, ok := f.RoleOf(userID)
	if !ok {
		return ErrNotMember
	}
	if current == RoleOwner && role != RoleOwner && f.owners() == 1 {
		return ErrLastOwner
	}
	for i := range f.members {
		if f.members[i].UserID == userID {
			f.members[i].Role = role
		}
	}
	return nil
}

// HandOver makes the longest-standing other member an owner, so a
// departing last owner (an account being deleted) leaves a family that
// can still be managed. It does nothing unless departingID is the last
// owner.
func (f *Family) HandOver(departingID string) {
	if role, _ := f.RoleOf(departingID); role != RoleOwner || f.owners() > 1 {
		return
	}
	for i := range f.members {
		if f.members[i].UserID != departingID {
			f.members[i].Role = RoleOwner
			return
		}
	}
}

// Empty reports whether nobody is left.
func (f *Family) Empty() bool { return len(f.members) == 0 }

func (f *Family) drop(userID string) {
	f.members = slices.DeleteFunc(f.members, func(m Member) bool { return m.UserID == userID })
}
