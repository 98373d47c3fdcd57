package families

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// Leave takes the caller out of a family. The last member leaving ends
// the family and erases everything it held, having first stopped what
// acts in its elders' names (stopElders).
func (s *Service) Leave(ctx context.Context, a actor.Actor, familyID string) error {
	f, err := s.member(ctx, a, familyID)
	if err != nil {
		return err
	}
	if lastMember(f, a.UserID) {
		if err := s.stopElders(ctx, a, familyID); err != nil {
			return err
		}
	}
	f, err = s.d.Families.Update(ctx, familyID, func(f *family.Family) error { return f.Leave(a.UserID) })
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

// lastMember reports whether userID is the family's only member: their
// leaving dissolves it.
func lastMember(f *family.Family, userID string) bool {
	ids := f.MemberIDs()
	return len(ids) == 1 && ids[0] == userID
}

// stopElders stops, as a (the last member, still one), everything that
// acts in the names of the family's elders, by the path an elder's
// removal takes (app/elders Stop): meal card, subscriptions, recurring
// plans, cancellable meal and home-care orders. It runs before the last
// member leaves, because those steps act as a member of the family; so
// a crash after it leaves a family that FinishDissolutions may erase
// without a member to act as, with nothing left acting for its elders.
// Should someone join in between, the family lives on with its elders'
// plans stopped, as if its members had ended them.
func (s *Service) stopElders(ctx context.Context, a actor.Actor, familyID string) error {
	if s.stopper == nil {
		return nil
	}
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		es, more, err := s.d.Elders.ListByFamily(ctx, familyID, p)
		if err != nil {
			return fmt.Errorf("elders of dissolving family: %w", err)
		}
		for _, e := range es {
			if err := s.stopper.Stop(ctx, a, e.ID); err != nil {
				return fmt.Errorf("dissolve family: %w", err)
			}
		}
		if !more || len(es) == 0 {
			return nil
		}
		p.After = es[len(es)-1].ID
	}
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
