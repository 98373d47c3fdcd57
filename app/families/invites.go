package families

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// InviteCommand invites by phone, or (no phone) makes a code to share.
type InviteCommand struct {
	Phone string
	Role  string
}

// IssuedInvite carries the code, shown once to the owner who made it.
type IssuedInvite struct {
	Invite family.Invite
	Code   string
}

// Invite issues an invite; owners only.
func (s *Service) Invite(ctx context.Context, a actor.Actor, familyID string, cmd InviteCommand) (IssuedInvite, error) {
	role, err := family.ParseRole(cmd.Role)
	if err != nil {
		return IssuedInvite{}, err
	}
	f, err := s.d.Families.Get(ctx, familyID)
	if err != nil {
		return IssuedInvite{}, err
	}
	// Owners only, before anything about the invitee is revealed.
	if err := f.RequireOwner(a.UserID); err != nil {
		return IssuedInvite{}, err
	}
	var phone identity.Phone
	if cmd.Phone != "" {
		if phone, err = identity.ParsePhone(cmd.Phone); err != nil {
			return IssuedInvite{}, err
		}
		if err := s.checkNotMember(ctx, f, phone); err != nil {
			return IssuedInvite{}, err
		}
	}
	code, err := newInviteCode()
	if err != nil {
		return IssuedInvite{}, err
	}
	now := s.d.Now()
	inv, err := f.NewInvite(s.d.InviteKey, a.UserID, code, phone, role, now)
	if err != nil {
		return IssuedInvite{}, err
	}
	if err := inv.AnnounceInvite(f, s.d.NewID, now); err != nil {
		return IssuedInvite{}, err
	}
	if err := s.d.Invites.Create(ctx, inv); err != nil {
		return IssuedInvite{}, fmt.Errorf("store invite: %w", err)
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Create, "invite", inv.Digest)
	return IssuedInvite{Invite: inv, Code: code}, nil
}

func (s *Service) checkNotMember(ctx context.Context, f *family.Family, phone identity.Phone) error {
	u, err := s.d.Users.ByPhone(ctx, phone)
	if fault.Is(err, identity.ErrUserNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up invitee: %w", err)
	}
	if _, ok := f.RoleOf(u.ID()); ok {
		return family.ErrAlreadyMember.WithFields(fault.FieldError{Field: "/phone", Code: "already_member"})
	}
	return nil
}

// Invites lists a family's live invites; owners only.
func (s *Service) Invites(ctx context.Context, a actor.Actor, familyID string) ([]family.Invite, error) {
	f, err := s.d.Families.Get(ctx, familyID)
	if err != nil {
		return nil, err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return nil, err
	}
	return s.d.Invites.ListLive(ctx, familyID, s.d.Now())
}

// RevokeInvite withdraws an unused invite; owners only.
func (s *Service) RevokeInvite(ctx context.Context, a actor.Actor, familyID, inviteID string) error {
	f, err := s.d.Families.Get(ctx, familyID)
	if err != nil {
		return err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return err
	}
	ok, err := s.d.Invites.Revoke(ctx, familyID, inviteID, s.d.Now())
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	if !ok {
		return family.ErrInviteNotFound
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Delete, "invite", inviteID)
	return nil
}

// PendingInvite is an invite addressed to the caller's phone.
type PendingInvite struct {
	Invite     family.Invite
	FamilyName string
}

// MyInvites lists live invites addressed to the caller's phone.
func (s *Service) MyInvites(ctx context.Context, a actor.Actor) ([]PendingInvite, error) {
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	invs, err := s.d.Invites.ListForPhone(ctx, u.Phone(), s.d.Now())
	if err != nil {
		return nil, err
	}
	out := make([]PendingInvite, 0, len(invs))
	for _, inv := range invs {
		f, err := s.d.Families.Get(ctx, inv.FamilyID)
		if fault.Is(err, family.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, PendingInvite{Invite: inv, FamilyName: f.Name()})
	}
	return out, nil
}

// Accept joins the caller to the invite's family. The invite is spent
// first (one atomic write, so of two people racing with one code exactly
// one gets in); if joining then fails, it is given back.
func (s *Service) Accept(ctx context.Context, a actor.Actor, code string) (View, error) {
	digest := s.d.InviteKey.Digest(code)
	inv, err := s.d.Invites.Get(ctx, digest)
	if err != nil {
		return View{}, err
	}
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return View{}, err
	}
	if inv.ForElder() {
		// Accepted as the elder's own account (app/elderaccount), which
		// never makes the addressee a member.
		return View{}, family.ErrInviteNotFound
	}
	now := s.d.Now()
	if err := inv.CheckAccept(u.Phone(), now); err != nil {
		return View{}, err
	}
	f, err := s.d.Families.Get(ctx, inv.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return View{}, family.ErrInviteNotFound
	}
	if err != nil {
		return View{}, err
	}
	if _, ok := f.RoleOf(a.UserID); ok {
		return View{}, family.ErrAlreadyMember
	}
	spent, err := s.d.Invites.MarkUsed(ctx, digest, a.UserID, now)
	if err != nil {
		return View{}, fmt.Errorf("spend invite: %w", err)
	}
	if !spent {
		// Lost a race or it lapsed in between: say which.
		if inv, err = s.d.Invites.Get(ctx, digest); err != nil {
			return View{}, err
		}
		if err := inv.CheckAccept(u.Phone(), now); err != nil {
			return View{}, err
		}
		return View{}, family.ErrInviteUsed
	}
	f, err = s.d.Families.Update(ctx, inv.FamilyID, func(f *family.Family) error {
		if err := f.Join(a.UserID, inv.Role, now); err != nil {
			return err
		}
		return f.AnnounceJoined(s.d.NewID(), a.UserID, u.Phone().Masked(), now)
	})
	if err != nil {
		if uerr := s.d.Invites.Unuse(ctx, digest, a.UserID); uerr != nil {
			err = errors.Join(err, fmt.Errorf("give back invite: %w", uerr))
		}
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "family_member", a.UserID)
	return s.view(ctx, a, f)
}
