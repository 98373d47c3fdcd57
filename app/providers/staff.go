package providers

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// InviteStaff invites a phone to work for the provider as office staff
// or caregiver; the provider's admins only.
func (s *Service) InviteStaff(ctx context.Context, a actor.Actor, providerID, rawPhone, role string) (provider.StaffInvite, error) {
	phone, err := identity.ParsePhone(rawPhone)
	if err != nil {
		return provider.StaffInvite{}, err
	}
	var inv provider.StaffInvite
	_, err = s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := hidden(a, p); err != nil {
			return err
		}
		inv, err = p.InviteStaff(a.UserID, phone, provider.StaffRole(role), s.d.Now())
		return err
	})
	return inv, err
}

// hidden answers not found to strangers for a provider families cannot
// see, exactly as for one that does not exist.
func hidden(a actor.Actor, p *provider.Provider) error {
	if !p.Visible() && !p.IsAdmin(a.UserID) && p.StaffMember(a.UserID) == nil {
		return provider.ErrNotFound
	}
	return nil
}

// PendingStaffInvite is an invite addressed to the caller's phone.
type PendingStaffInvite struct {
	Provider *provider.Provider
	Invite   provider.StaffInvite
}

// MyStaffInvites lists live invites to work for a provider.
func (s *Service) MyStaffInvites(ctx context.Context, a actor.Actor) ([]PendingStaffInvite, error) {
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	ps, err := s.d.Providers.ListInvitingPhone(ctx, u.Phone(), now)
	if err != nil {
		return nil, err
	}
	var out []PendingStaffInvite
	for _, p := range ps {
		for _, inv := range p.StaffInvites {
			if inv.Phone == u.Phone() && now.Before(inv.ExpiresAt) {
				out = append(out, PendingStaffInvite{Provider: p, Invite: inv})
			}
		}
	}
	return out, nil
}

// AcceptStaffInvite joins the caller to the provider's staff and grants
// them the role, which counts from their next request.
func (s *Service) AcceptStaffInvite(ctx context.Context, a actor.Actor, providerID string) (provider.StaffRole, error) {
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return "", err
	}
	var role provider.StaffRole
	_, err = s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		role, err = p.AcceptStaffInvite(a.UserID, u.Phone(), s.d.Now())
		return err
	})
	if fault.Is(err, provider.ErrNotFound) {
		return "", provider.ErrStaffInviteGone
	}
	if err != nil {
		return "", err
	}
	if _, err := s.d.Users.Update(ctx, a.UserID, func(u *identity.User) error {
		u.GrantRoles(identity.Role(role))
		return nil
	}); err != nil {
		return "", fmt.Errorf("grant %s: %w", role, err)
	}
	return role, nil
}

// StaffView is a member of staff with what the provider must act on.
// Colleague views carry only what a caregiver may see of a colleague
// (provider.Staff.AsColleague), and nothing to renew.
type StaffView struct {
	Staff     provider.Staff
	Expiring  []provider.Certificate
	Colleague bool
}

// Staff lists the provider's staff with certificates to renew; its
// admins and staff only. Caregivers see their colleagues' roles and
// skills, not their certificates, home base or hours.
func (s *Service) Staff(ctx context.Context, a actor.Actor, providerID string) ([]StaffView, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, err
	}
	if !p.CanSeeStaff(a.UserID) {
		if err := hidden(a, p); err != nil {
			return nil, err
		}
		return nil, provider.ErrAdminRequired
	}
	loc, err := timeZone(p)
	if err != nil {
		return nil, err
	}
	today := calendar.Today(s.d.Now(), loc)
	out := make([]StaffView, len(p.Staff))
	for i, m := range p.Staff {
		if !p.SeesInFull(a.UserID, m) {
			out[i] = StaffView{Staff: m.AsColleague(), Colleague: true}
			continue
		}
		out[i] = StaffView{Staff: m}
		if m.Caregiver != nil {
			out[i].Expiring = m.Caregiver.Expiring(today)
		}
	}
	return out, nil
}

// RemoveStaff ends someone's work for the provider; admins only. Their
// access to its orders and bookings ends at once: every check reads the
// staff list from the provider's document.
//
// What a caregiver held is then handed back: open offers withdrawn,
// orders not yet checked in to back to dispatch, a visit under way
// flagged for the office. That is other documents, written after this
// one; should it fail, the order timers find the same orders at their
// next sweep (orders.Service.Sweep), so it is logged, not answered.
//
// The role the job gave them goes too, unless they hold it for another
// provider: a role must not outlive every job that justified it.
func (s *Service) RemoveStaff(ctx context.Context, a actor.Actor, providerID, userID string) error {
	var role provider.StaffRole
	_, err := s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := hidden(a, p); err != nil {
			return err
		}
		if m := p.StaffMember(userID); m != nil {
			role = m.Role
		}
		if err := p.RemoveStaff(a.UserID, userID); err != nil {
			return err
		}
		if role == provider.StaffCaregiver {
			p.AnnounceUpdated(s.d.NewID(), s.d.Now()) // one certified caregiver fewer
		}
		return nil
	})
	if err != nil {
		return err
	}
	if role == provider.StaffCaregiver {
		n, err := s.d.Handover.StaffLeft(ctx, providerID, userID)
		if err != nil {
			s.d.Log.WarnContext(ctx, "hand back a removed caregiver's orders; the order timers will retry",
				"provider_id", providerID, "err", err)
		} else if n > 0 {
			s.d.Log.InfoContext(ctx, "handed back a removed caregiver's orders", "provider_id", providerID, "orders", n)
		}
	}
	elsewhere, err := s.d.Providers.ListByStaff(ctx, userID)
	if err != nil {
		return fmt.Errorf("check other jobs: %w", err)
	}
	for _, p := range elsewhere {
		if m := p.StaffMember(userID); m != nil && m.Role == role {
			return nil
		}
	}
	if _, err := s.d.Users.Update(ctx, userID, func(u *identity.User) error {
		u.RevokeRole(identity.Role(role))
		return nil
	}); err != nil {
		return fmt.Errorf("revoke %s: %w", role, err)
	}
	return nil
}

// SetCaregiver enters a caregiver's certificates, skills and hours;
// admins only.
func (s *Service) SetCaregiver(ctx context.Context, a actor.Actor, providerID, userID string, c provider.Caregiver) (provider.Staff, error) {
	var out provider.Staff
	_, err := s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if err := hidden(a, p); err != nil {
			return err
		}
		if err := p.SetCaregiver(a.UserID, userID, c); err != nil {
			return err
		}
		out = *p.StaffMember(userID)
		p.AnnounceUpdated(s.d.NewID(), s.d.Now()) // the certified caregivers the indicators count
		return p.AnnounceCertificates(userID, s.d.Now())
	})
	return out, err
}
