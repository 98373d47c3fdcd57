package families

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// Leave takes the caller out of a family. The last member leaving ends
// the family and erases everything it held, having first stopped what
// acts in its elders' names (stopElders); a family whose elder has an
// alarm not yet resolved does not end (elder_has_open_incident), and the
// last member stays in it.
func (s *Service) Leave(ctx context.Context, a actor.Actor, familyID string) error {
	f, err := s.member(ctx, a, familyID)
	if err != nil {
		return err
	}
	livesOn := noCancel
	if lastMember(f, a.UserID) {
		if livesOn, err = s.stopElders(ctx, a, familyID); err != nil {
			return err
		}
	}
	f, err = s.d.Families.Update(ctx, familyID, func(f *family.Family) error { return f.Leave(a.UserID) })
	if err != nil {
		return errors.Join(err, livesOn(ctx))
	}
	if f.Empty() {
		return s.dissolve(ctx, familyID)
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Delete, "family_member", a.UserID)
	return livesOn(ctx)
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
// removal takes (app/elders BeginRemoval, then Stop): alarms, meal card,
// subscriptions, recurring plans, cancellable meal and home-care orders.
// An elder with an alarm not yet resolved stops it all before anything
// changed (elder_has_open_incident). It runs before the last member
// leaves, because those steps act as a member of the family; so a crash
// after it leaves a family that FinishDissolutions may erase without a
// member to act as, with nothing left acting for its elders.
//
// livesOn is for a family that does not end after all (someone joined
// in between, or the leave failed): its elders raise alarms again, with
// their plans stopped as if its members had ended them. A failure here
// calls it too.
func (s *Service) stopElders(ctx context.Context, a actor.Actor, familyID string) (livesOn func(context.Context) error, err error) {
	if s.stopper == nil {
		return noCancel, nil
	}
	ids, err := s.elderIDs(ctx, familyID)
	if err != nil {
		return nil, err
	}
	livesOn, err = s.stopper.BeginRemoval(ctx, a, ids...)
	if err != nil {
		return nil, fmt.Errorf("dissolve family: %w", err)
	}
	for _, id := range ids {
		if err := s.stopper.Stop(ctx, a, id); err != nil {
			return nil, errors.Join(fmt.Errorf("dissolve family: %w", err), livesOn(ctx))
		}
	}
	return livesOn, nil
}

func noCancel(context.Context) error { return nil }

// elderIDs are the ids of every elder of a family.
func (s *Service) elderIDs(ctx context.Context, familyID string) ([]string, error) {
	var ids []string
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		es, more, err := s.d.Elders.ListByFamily(ctx, familyID, p)
		if err != nil {
			return nil, fmt.Errorf("elders of family %s: %w", familyID, err)
		}
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		if !more || len(es) == 0 {
			return ids, nil
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
