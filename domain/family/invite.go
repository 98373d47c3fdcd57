package family

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

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
	Digest    string
	Code      string // kept only for phone invites, to show their addressee
	FamilyID  string
	Phone     identity.Phone // empty for a code invite anyone may use
	Role      Role
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	UsedBy    string
	RevokedAt time.Time
}

// InviteDigest is how invites are stored and looked up: a leaked store
// reveals no usable codes.
func InviteDigest(code string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

// NewInvite is issued by an owner of f.
func (f *Family) NewInvite(actorID, code string, phone identity.Phone, role Role, now time.Time) (Invite, error) {
	if err := f.RequireOwner(actorID); err != nil {
		return Invite{}, err
	}
	if len(f.members) >= MaxMembers {
		return Invite{}, ErrFull
	}
	inv := Invite{Digest: InviteDigest(code), FamilyID: f.id, Phone: phone, Role: role, CreatedBy: actorID,
		CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(InviteTTL)}
	if phone != "" {
		inv.Code = code
	}
	return inv, nil
}

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
