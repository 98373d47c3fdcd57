package families

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// The elder's own account (一老 with a phone of their own): a family
// owner invites the elder's phone for one of the family's elders; the
// elder logs in with that phone by SMS code and accepts, giving their
// consent; from then on that account is the elder's, acting only as the
// elder (identity.RoleElder). The link is written on both sides, the
// elder's record (elder.Account, one account per elder) and the account
// (identity.User.ElderID, one elder per account); access as the elder
// needs both, so a link half-written by a crash grants nothing.

// ElderInvite is an invite for an elder's own account, and whether this
// call issued it (false: the live one for the same phone, returned).
type ElderInvite struct {
	Invite family.Invite
	Issued bool
}

// InviteElderAccount invites phone to become the elder's own account;
// owners of the elder's family only (a member gets 403, anyone else
// 404). Asking again for the same phone while its invite is live
// returns that invite; asking for another phone revokes it first, so an
// elder has at most one live invite. An elder who has an account
// already is refused: it is unlinked first.
func (s *Service) InviteElderAccount(ctx context.Context, a actor.Actor, elderID, phone string) (ElderInvite, error) {
	e, f, err := s.familyElder(ctx, a, elderID)
	if err != nil {
		return ElderInvite{}, err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return ElderInvite{}, err
	}
	p, err := identity.ParsePhone(phone)
	if err != nil {
		return ElderInvite{}, err
	}
	if e.Account != nil {
		return ElderInvite{}, elder.ErrAccountLinked
	}
	now := s.d.Now()
	live, err := s.d.Invites.ListLive(ctx, f.ID(), now)
	if err != nil {
		return ElderInvite{}, fmt.Errorf("live invites: %w", err)
	}
	for _, inv := range live {
		if !inv.ForElder() || inv.ElderID != elderID {
			continue
		}
		if inv.Phone == p {
			return ElderInvite{Invite: inv}, nil
		}
		if _, err := s.d.Invites.Revoke(ctx, f.ID(), inv.Digest, now); err != nil {
			return ElderInvite{}, fmt.Errorf("revoke earlier elder invite: %w", err)
		}
	}
	code, err := newInviteCode()
	if err != nil {
		return ElderInvite{}, err
	}
	inv, err := f.NewElderInvite(s.d.InviteKey, a.UserID, code, p, elderID, now)
	if err != nil {
		return ElderInvite{}, err
	}
	if err := inv.AnnounceInvite(f, s.d.NewID, now); err != nil {
		return ElderInvite{}, err
	}
	if err := s.d.Invites.Create(ctx, inv); err != nil {
		return ElderInvite{}, fmt.Errorf("store elder invite: %w", err)
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "elder_account_invite", inv.Digest)
	return ElderInvite{Invite: inv, Issued: true}, nil
}

// ElderLink is an elder's account as the elder or their family sees it.
type ElderLink struct {
	ElderID   string
	ElderName string
	Account   elder.Account
	Consent   consent.Consent
}

// AcceptElderInvite makes the caller's account the elder's own, under
// the elder's consent to the policy version they were shown. The invite
// must be addressed to the caller's phone (others: not found), and the
// account must be nobody else's and do nothing else: no family of its
// own, no provider, regulator or platform role (elder_account_unavailable).
//
// The steps, each undone if a later one fails: the invite is spent (of
// two accepting at once, one wins); the elder's record takes the account
// (one per elder); the account takes the elder and its one role; the
// consent goes into the family's records. A retry by the same account
// after a crash finds each step done and finishes.
func (s *Service) AcceptElderInvite(ctx context.Context, a actor.Actor, code, policyVersion string) (ElderLink, error) {
	digest := s.d.InviteKey.Digest(code)
	inv, err := s.d.Invites.Get(ctx, digest)
	if err != nil {
		return ElderLink{}, err
	}
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return ElderLink{}, err
	}
	if !inv.ForElder() || inv.Phone != u.Phone() {
		return ElderLink{}, family.ErrInviteNotFound
	}
	now := s.d.Now()
	retry := !inv.UsedAt.IsZero() && inv.UsedBy == a.UserID && u.ElderID() == inv.ElderID
	if !retry {
		if err := inv.CheckAccept(u.Phone(), now); err != nil {
			return ElderLink{}, err
		}
	}
	c, err := consent.New(s.d.NewID(), consent.ElderAccount, inv.ElderID, a.UserID, policyVersion, now)
	if err != nil {
		return ElderLink{}, err
	}
	if err := s.availableAsElder(ctx, u, inv.ElderID); err != nil {
		return ElderLink{}, err
	}
	if !retry {
		spent, err := s.d.Invites.MarkUsed(ctx, digest, a.UserID, now)
		if err != nil {
			return ElderLink{}, fmt.Errorf("spend elder invite: %w", err)
		}
		if !spent {
			return ElderLink{}, family.ErrInviteUsed
		}
	}
	link, err := s.link(ctx, a, inv, c, now)
	if err != nil && !retry {
		if uerr := s.d.Invites.Unuse(ctx, digest, a.UserID); uerr != nil {
			err = errors.Join(err, fmt.Errorf("give back elder invite: %w", uerr))
		}
	}
	return link, err
}

// availableAsElder refuses an account that belongs to a family or holds
// a role besides family, unless it is already this elder's.
func (s *Service) availableAsElder(ctx context.Context, u *identity.User, elderID string) error {
	if u.ElderID() == elderID {
		return nil
	}
	fams, err := s.d.Families.ListByMember(ctx, u.ID())
	if err != nil {
		return fmt.Errorf("families of the invitee: %w", err)
	}
	if len(fams) > 0 || u.ElderID() != "" || !slicesOnly(u.Roles(), identity.RoleFamily) {
		return identity.ErrElderAccountUnavailable
	}
	return nil
}

func slicesOnly(rs identity.Roles, r identity.Role) bool { return len(rs) == 1 && rs[0] == r }

// link writes the link on the elder, the account and the family's
// consents, in that order, undoing the elder's side if the account's
// fails.
func (s *Service) link(ctx context.Context, a actor.Actor, inv family.Invite, c consent.Consent, now time.Time) (ElderLink, error) {
	e, err := s.d.Elders.Update(ctx, inv.ElderID, func(e *elder.Elder) error {
		if e.FamilyID != inv.FamilyID {
			return elder.ErrNotFound
		}
		if e.Account != nil && e.Account.UserID == a.UserID {
			c.ID = e.Account.ConsentID // a retry keeps the first consent
		}
		return e.Link(elder.Account{UserID: a.UserID, ConsentID: c.ID, LinkedAt: now, InvitedBy: inv.CreatedBy})
	})
	if fault.Is(err, elder.ErrNotFound) {
		return ElderLink{}, family.ErrInviteNotFound // the elder was removed meanwhile
	}
	if err != nil {
		return ElderLink{}, err
	}
	if _, err := s.d.Users.Update(ctx, a.UserID, func(u *identity.User) error { return u.LinkElder(inv.ElderID) }); err != nil {
		if _, uerr := s.d.Elders.Update(ctx, inv.ElderID, func(e *elder.Elder) error { e.Unlink(a.UserID); return nil }); uerr != nil {
			err = errors.Join(err, fmt.Errorf("undo elder link: %w", uerr))
		}
		return ElderLink{}, err
	}
	c.ID = e.Account.ConsentID
	var recorded consent.Consent
	if _, err := s.d.Families.Update(ctx, inv.FamilyID, func(f *family.Family) error {
		recorded, err = f.RecordElderConsent(c)
		return err
	}); err != nil {
		return ElderLink{}, fmt.Errorf("record the elder's consent: %w", err)
	}
	s.d.Audit.Record(ctx, a, inv.FamilyID, audit.Create, "elder_account", inv.ElderID)
	return ElderLink{ElderID: e.ID, ElderName: e.Profile.Name, Account: *e.Account, Consent: recorded}, nil
}

// ElderAccount shows an elder's account link: to the elder's own account,
// and to the members of the elder's family; anyone else gets 404, and
// an elder without an account elder_account_not_found.
func (s *Service) ElderAccount(ctx context.Context, a actor.Actor, elderID string) (ElderLink, error) {
	e, f, err := s.elderOrSelf(ctx, a, elderID)
	if err != nil {
		return ElderLink{}, err
	}
	if e.Account == nil {
		return ElderLink{}, ErrNoElderAccount
	}
	link := ElderLink{ElderID: e.ID, ElderName: e.Profile.Name, Account: *e.Account}
	for _, c := range f.Consents() {
		if c.ID == e.Account.ConsentID {
			link.Consent = c
		}
	}
	return link, nil
}

// ErrNoElderAccount is an elder without an account of their own.
var ErrNoElderAccount = fault.New(fault.NotFound, "elder_account_not_found")

// UnlinkElderAccount ends the elder's own account: asked by the elder
// themselves, or by an owner of the elder's family (a member gets 403,
// anyone else 404). The account becomes an ordinary one again and the
// elder's consent is withdrawn in the family's records.
func (s *Service) UnlinkElderAccount(ctx context.Context, a actor.Actor, elderID string) error {
	e, f, err := s.elderOrSelf(ctx, a, elderID)
	if err != nil {
		return err
	}
	if !e.OwnAccount(a.UserID) {
		if err := f.RequireOwner(a.UserID); err != nil {
			return err
		}
	}
	if e.Account == nil {
		return ErrNoElderAccount
	}
	if err := s.unlink(ctx, a, e); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Delete, "elder_account", elderID)
	return nil
}

// ElderRemoved unlinks the elder's account when the elder is removed or
// their family dissolves (app/elders Stop): the account must not outlive
// the elder as theirs. Idempotent.
func (s *Service) ElderRemoved(ctx context.Context, a actor.Actor, elderID string) error {
	e, err := s.d.Elders.Get(ctx, elderID)
	if fault.Is(err, elder.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Account == nil {
		return nil
	}
	return s.unlink(ctx, a, e)
}

// unlink clears the elder's side first, which ends access as the elder
// at once, then the account's and the consent; each is idempotent.
func (s *Service) unlink(ctx context.Context, a actor.Actor, e elder.Elder) error {
	userID := e.Account.UserID
	now := s.d.Now()
	if _, err := s.d.Elders.Update(ctx, e.ID, func(e *elder.Elder) error { e.Unlink(userID); return nil }); err != nil {
		return fmt.Errorf("unlink elder: %w", err)
	}
	_, err := s.d.Users.Update(ctx, userID, func(u *identity.User) error { u.UnlinkElder(e.ID); return nil })
	if err != nil && !fault.Is(err, identity.ErrUserNotFound) {
		return fmt.Errorf("unlink account: %w", err)
	}
	_, err = s.d.Families.Update(ctx, e.FamilyID, func(f *family.Family) error {
		f.EndElderConsent(e.ID, a.UserID, now)
		return nil
	})
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return fmt.Errorf("withdraw the elder's consent: %w", err)
	}
	return nil
}

// familyElder loads an elder and its family for a member of the family;
// anyone else gets elder_not_found.
func (s *Service) familyElder(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, *family.Family, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	f, err := s.member(ctx, a, e.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return elder.Elder{}, nil, elder.ErrNotFound
	}
	return e, f, err
}

// elderOrSelf is familyElder that also lets in the elder's own account.
func (s *Service) elderOrSelf(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, *family.Family, error) {
	if !a.IsElder(elderID) {
		return s.familyElder(ctx, a, elderID)
	}
	return familyaccess.OwnElder(ctx, s.d.Elders, s.d.Families, a, elderID)
}
