package families

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// Leave takes the caller out of a family. The last member leaving ends
// the family and erases everything it held.
func (s *Service) Leave(ctx context.Context, a actor.Actor, familyID string) error {
	f, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error { return f.Leave(a.UserID) })
	if err != nil {
		return err
	}
	if f.Empty() {
		return s.dissolve(ctx, familyID)
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Delete, "family_member", a.UserID)
	return nil
}

// RemoveMember takes someone else out; owners only.
func (s *Service) RemoveMember(ctx context.Context, a actor.Actor, familyID, userID string) error {
	if _, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error { return f.Remove(a.UserID, userID) }); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Delete, "family_member", userID)
	return nil
}

// ChangeMemberRole promotes or demotes a member; owners only.
func (s *Service) ChangeMemberRole(ctx context.Context, a actor.Actor, familyID, userID, role string) (View, error) {
	r, err := family.ParseRole(role)
	if err != nil {
		return View{}, err
	}
	f, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error { return f.ChangeRole(a.UserID, userID, r) })
	if err != nil {
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Update, "family_member", userID)
	return s.view(ctx, a, f)
}

// dissolve erases a family nobody belongs to any more: its elders,
// children, invites and audit log, then the family itself, so a crash
// part-way leaves an empty family document that FinishDissolutions finds.
func (s *Service) dissolve(ctx context.Context, familyID string) error {
	steps := []struct {
		what string
		do   func(context.Context, string) error
	}{
		{"elders", s.d.Elders.DeleteByFamily},
		{"children", s.d.Children.DeleteByFamily},
		{"invites", s.d.Invites.DeleteByFamily},
		{"audit log", s.d.AuditDel.DeleteByFamily},
		{"family", s.d.Families.Delete},
	}
	for _, st := range steps {
		err := st.do(ctx, familyID)
		if fault.Is(err, family.ErrNotFound) {
			continue // a retry after the family itself went
		}
		if err != nil {
			return fmt.Errorf("dissolve family: erase %s: %w", st.what, err)
		}
	}
	return nil
}
