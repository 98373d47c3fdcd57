package families

import (
	"context"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Audiences says who hears of each event families record.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{
		family.EventInviteReceived: notify.AudienceFunc(s.inviteAddressee),
		family.EventInviteExpiring: notify.AudienceFunc(s.inviteAddressee),
		family.EventMemberJoined:   notify.AudienceFunc(s.otherMembers),
	}
}

// inviteAddressee is the user with the invite's phone, while the invite
// can still be accepted: a revoked or spent invite, or a reminder of one,
// tells nobody. An addressee without an account hears nothing here.
func (s *Service) inviteAddressee(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	inv, err := s.d.Invites.Get(ctx, e.Subject.ID)
	if fault.Is(err, family.ErrInviteNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if inv.Phone == "" || !inv.Live(s.d.Now()) {
		return nil, nil
	}
	u, err := s.d.Users.ByPhone(ctx, inv.Phone)
	if fault.Is(err, identity.ErrUserNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []notify.Recipient{{UserID: u.ID()}}, nil
}

// otherMembers are the family's members other than the one who joined.
func (s *Service) otherMembers(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	f, err := s.d.Families.Get(ctx, e.Subject.ID)
	if fault.Is(err, family.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []notify.Recipient
	for _, m := range f.Members() {
		if m.UserID != e.Data["memberId"] {
			out = append(out, notify.Recipient{UserID: m.UserID})
		}
	}
	return out, nil
}
