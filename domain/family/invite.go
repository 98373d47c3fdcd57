package family

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// InviteTTL is how long an invite can be accepted.
const InviteTTL = 7 * 24 * time.Hour

var (
	ErrInviteNotFound = fault.New(fault.NotFound, "invite_not_found")
	ErrInviteExpired  = fault.New(fault.Conflict, "invite_expired")
	ErrInviteUsed     = fault.New(fault.Conflict, "invite_used")
	ErrInviteRevoked  = fault.New(fault.Conflict, "invite_revoked")
)

// Invite brings one person into a family. It is found by the digest of
// its code; an invite addressed to a phone can only be accepted by the
// user with that phone.
type Invite struct {
	Digest string
	// Code is kept only for phone invites, to show their addressee: only
	// the user with that phone can accept one, so the code alone is of no
	// use to anyone who reads it from the store.
	Code     string
	FamilyID string
	Phone    identity.Phone // empty for a code invite anyone may use
	Role     Role
	// ElderID, on an invite of RoleElderAccount, is the elder whose own
	// account the addressee becomes.
	ElderID   string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	UsedBy    string
	RevokedAt time.Time
	// Events are those the invite's next write announces.
	Events []event.Event
}

// InviteKey keys invite digests. Invites are stored and looked up by an
// HMAC of their code under this server-held key, so a leaked store alone
// cannot be searched for codes, even short ones.
type InviteKey []byte

// Digest is the stored form of code; case and spaces do not matter.
func (k InviteKey) Digest(code string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(m.Sum(nil))
}

// NewInvite is issued by an owner of f.
func (f *Family) NewInvite(key InviteKey, actorID, code string, phone identity.Phone, role Role, now time.Time) (Invite, error) {
	if err := f.RequireOwner(actorID); err != nil {
		return Invite{}, err
	}
	if len(f.members) >= MaxMembers {
		return Invite{}, ErrFull
	}
	inv := Invite{Digest: key.Digest(code), FamilyID: f.id, Phone: phone, Role: role, CreatedBy: actorID,
		CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(InviteTTL)}
	if phone != "" {
		inv.Code = code
	}
	return inv, nil
}

// RoleElderAccount is the role of an invite that links its addressee to
// one of the family's elders as the elder's own account (NewElderInvite).
// It is no member's role: ParseRole refuses it, and accepting such an
// invite never makes anyone a member.
const RoleElderAccount Role = "elder"

// ErrElderInvitePhone is an elder-account invite without a phone: the
// elder's own phone is what proves, at login, that the elder accepts.
var ErrElderInvitePhone = fault.New(fault.Unprocessable, "elder_invite_invalid")

// NewElderInvite is issued by an owner of f for the phone of elderID, one
// of f's elders (the caller checks that).
func (f *Family) NewElderInvite(key InviteKey, actorID, code string, phone identity.Phone, elderID string, now time.Time) (Invite, error) {
	if err := f.RequireOwner(actorID); err != nil {
		return Invite{}, err
	}
	if phone == "" || elderID == "" {
		return Invite{}, ErrElderInvitePhone.WithFields(fault.FieldError{Field: "/phone", Code: "required"})
	}
	return Invite{Digest: key.Digest(code), Code: code, FamilyID: f.id, Phone: phone, Role: RoleElderAccount,
		ElderID: elderID, CreatedBy: actorID, CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(InviteTTL)}, nil
}

// ForElder reports whether the invite is for an elder's own account.
func (i Invite) ForElder() bool { return i.Role == RoleElderAccount }

// Live reports whether the invite can still be accepted.
func (i Invite) Live(now time.Time) bool {
	return i.UsedAt.IsZero() && i.RevokedAt.IsZero() && now.Before(i.ExpiresAt)
}

// CheckAccept judges an acceptance by a user with phone. An invite for
// another phone is not found: it is not the caller's to see.
func (i Invite) CheckAccept(phone identity.Phone, now time.Time) error {
	switch {
	case i.Phone != "" && i.Phone != phone:
		return ErrInviteNotFound
	case !i.RevokedAt.IsZero():
		return ErrInviteRevoked
	case !i.UsedAt.IsZero():
		return ErrInviteUsed
	case !now.Before(i.ExpiresAt):
		return ErrInviteExpired
	}
	return nil
}
