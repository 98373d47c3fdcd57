package families

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Service gathers the family use cases, one file each.
type Service struct {
	d Deps
	// stopper ends what acts for a dissolving family's elders; it is
	// built after the service (it reads families), hence not in Deps.
	stopper ElderStopper
}

// OnDissolution gives the service what stops a dissolving family's
// elders before they are erased.
func (s *Service) OnDissolution(st ElderStopper) { s.stopper = st }

// Deps are the adapters the family use cases need.
type Deps struct {
	Families Store
	Invites  Invites
	Users    Users
	Elders   ElderRecords
	Children ChildRecords
	Audit    *audittrail.Recorder
	AuditDel AuditEraser
	Now      func() time.Time
	NewID    func() string
	// InviteKey keys the digests invites are stored under.
	InviteKey family.InviteKey
}

func NewService(d Deps) *Service { return &Service{d: d} }

// MemberView is a member as another member sees them: phone masked,
// except the caller's own.
type MemberView struct {
	UserID   string
	Role     family.Role
	Phone    string
	JoinedAt time.Time
	You      bool
}

// View is a family with its members resolved.
type View struct {
	Family  *family.Family
	Members []MemberView
}

// view resolves member phones for a caller who is a member.
func (s *Service) view(ctx context.Context, a actor.Actor, f *family.Family) (View, error) {
	v := View{Family: f}
	for _, m := range f.Members() {
		mv := MemberView{UserID: m.UserID, Role: m.Role, JoinedAt: m.JoinedAt, You: m.UserID == a.UserID}
		u, err := s.d.Users.ByID(ctx, m.UserID)
		switch {
		case err == nil && mv.You:
			mv.Phone = u.Phone().String()
		case err == nil:
			mv.Phone = u.Phone().Masked()
		case fault.Is(err, identity.ErrUserNotFound):
			mv.Phone = ""
		default:
			return View{}, fmt.Errorf("resolve member: %w", err)
		}
		v.Members = append(v.Members, mv)
	}
	return v, nil
}

// member loads a family the caller belongs to; others get not found.
func (s *Service) member(ctx context.Context, a actor.Actor, familyID string) (*family.Family, error) {
	return familyaccess.Member(ctx, s.d.Families, a, familyID)
}

// inviteAlphabet is Crockford base32: no I, L, O or U to misread aloud.
const inviteAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newInviteCode draws 10 characters (50 bits): short enough to read out
// on the phone to grandma, long enough that guessing within an invite's
// week is hopeless under the per-IP and per-user rate limits.
func newInviteCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw invite code: %w", err)
	}
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b), nil
}
