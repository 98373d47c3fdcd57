package families

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// ConsentCommand is a member consenting under the policy they were shown.
type ConsentCommand struct {
	Scope         string
	ElderID       string
	PolicyVersion string
}

// GrantConsent records a consent; any member may give it.
func (s *Service) GrantConsent(ctx context.Context, a actor.Actor, familyID string, cmd ConsentCommand) (consent.Consent, error) {
	if _, err := s.member(ctx, a, familyID); err != nil {
		return consent.Consent{}, err
	}
	if consent.Scope(cmd.Scope) == consent.ElderAccount {
		// The elder gives it, on accepting their invite.
		return consent.Consent{}, consent.ErrScopeInvalid.WithFields(fault.FieldError{Field: "/scope", Code: "enum"})
	}
	if cmd.ElderID != "" {
		if err := s.elderOf(ctx, familyID, cmd.ElderID); err != nil {
			return consent.Consent{}, err
		}
	}
	c, err := consent.New(s.d.NewID(), consent.Scope(cmd.Scope), cmd.ElderID, a.UserID, cmd.PolicyVersion, s.d.Now())
	if err != nil {
		return consent.Consent{}, err
	}
	var granted consent.Consent
	_, err = s.d.Families.Update(ctx, familyID, func(f *family.Family) error {
		granted, err = f.GrantConsent(a.UserID, c)
		return err
	})
	if err != nil {
		return consent.Consent{}, err
	}
	if granted.ID == c.ID {
		s.d.Audit.Record(ctx, a, familyID, audit.Create, "consent", c.ID)
	}
	return granted, nil
}

// elderOf answers not found for an elder of another family.
func (s *Service) elderOf(ctx context.Context, familyID, elderID string) error {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return err
	}
	if e.FamilyID != familyID {
		return elder.ErrNotFound
	}
	return nil
}

// Consents lists every consent, in force or withdrawn, to a member.
func (s *Service) Consents(ctx context.Context, a actor.Actor, familyID string) ([]consent.Consent, error) {
	f, err := s.member(ctx, a, familyID)
	if err != nil {
		return nil, err
	}
	return f.Consents(), nil
}

// WithdrawConsent ends a consent and erases what it covered. The data is
// erased before and after the withdrawal is recorded, so neither a crash
// nor a write racing the withdrawal leaves covered data behind.
func (s *Service) WithdrawConsent(ctx context.Context, a actor.Actor, familyID, consentID string) (consent.Consent, error) {
	f, err := s.member(ctx, a, familyID)
	if err != nil {
		return consent.Consent{}, err
	}
	var target consent.Consent
	for _, c := range f.Consents() {
		if c.ID == consentID {
			target = c
		}
	}
	if target.ID == "" {
		return consent.Consent{}, consent.ErrNotFound
	}
	if !target.InForce() {
		return consent.Consent{}, consent.ErrAlreadyWithdrawn
	}
	if target.Scope == consent.ElderAccount {
		return s.withdrawElderConsent(ctx, a, familyID, target)
	}
	if err := s.erase(ctx, familyID, target); err != nil {
		return consent.Consent{}, err
	}
	var withdrawn consent.Consent
	if _, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error {
		withdrawn, err = f.WithdrawConsent(a.UserID, consentID, s.d.Now())
		return err
	}); err != nil {
		return consent.Consent{}, err
	}
	if err := s.erase(ctx, familyID, target); err != nil {
		return consent.Consent{}, err
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Delete, "consent", consentID)
	return withdrawn, nil
}

func (s *Service) erase(ctx context.Context, familyID string, c consent.Consent) error {
	switch c.Scope {
	case consent.ElderHealth:
		_, err := s.d.Elders.Update(ctx, c.SubjectID, func(e *elder.Elder) error {
			e.Health = elder.Health{}
			return nil
		})
		if fault.Is(err, elder.ErrNotFound) {
			return nil // the elder is gone, and their health with them
		}
		if err != nil {
			return fmt.Errorf("erase elder health: %w", err)
		}
	case consent.ChildData:
		if err := s.d.Children.DeleteByFamily(ctx, familyID); err != nil {
			return fmt.Errorf("erase children: %w", err)
		}
	}
	return nil
}

// withdrawElderConsent ends an elder's account consent by unlinking the
// account, as UnlinkElderAccount does (owners only): the consent and
// the link it allowed end together.
func (s *Service) withdrawElderConsent(ctx context.Context, a actor.Actor, familyID string, c consent.Consent) (consent.Consent, error) {
	if err := s.UnlinkElderAccount(ctx, a, c.SubjectID); err != nil && !fault.Is(err, ErrNoElderAccount) {
		return consent.Consent{}, err
	}
	f, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error {
		f.EndElderConsent(c.SubjectID, a.UserID, s.d.Now())
		return nil
	})
	if err != nil {
		return consent.Consent{}, err
	}
	for _, w := range f.Consents() {
		if w.ID == c.ID {
			return w, nil
		}
	}
	return consent.Consent{}, consent.ErrNotFound
}
