package families

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
)

// Depart takes a user whose account is being deleted out of every
// family: their phone is scrubbed from what the family recorded while
// they are still a member (so a retry finds the family again), then a
// last owner hands over to the longest-standing member, a last member
// dissolves the family, and invites addressed to the phone are deleted.
// Every step is idempotent, so a deletion that failed part-way is
// finished by running it again. A family whose elder has an alarm not
// yet resolved is not dissolved (elder_has_open_incident): the account's
// deletion asked CheckDeparture before it began, so only an alarm raised
// since meets this, and the periodic job departs again once it is
// resolved.
func (s *Service) Depart(ctx context.Context, userID string, phone identity.Phone) error {
	fams, err := s.d.Families.ListByMember(ctx, userID)
	if err != nil {
		return fmt.Errorf("list families: %w", err)
	}
	for _, f := range fams {
		if err := s.scrub(ctx, f.ID(), phone); err != nil {
			return err
		}
		livesOn := noCancel
		if lastMember(f, userID) {
			if livesOn, err = s.stopElders(ctx, actor.Actor{UserID: userID}, f.ID()); err != nil {
				return err
			}
		}
		left, err := s.d.Families.Update(ctx, f.ID(), func(f *family.Family) error {
			f.HandOver(userID)
			return f.Leave(userID)
		})
		if err != nil {
			return errors.Join(fmt.Errorf("leave family %s: %w", f.ID(), err), livesOn(ctx))
		}
		s.d.Audit.Record(ctx, actor.Actor{UserID: userID}, f.ID(), audit.Delete, "family_member", userID)
		if !left.Empty() {
			if err := livesOn(ctx); err != nil {
				return err
			}
			continue
		}
		if err := s.dissolve(ctx, f.ID()); err != nil {
			return err
		}
	}
	return s.d.Invites.DeleteForPhone(ctx, phone)
}

// CheckDeparture refuses, with elder_has_open_incident, the departure of
// a user who is the last member of a family whose elder has an alarm not
// yet resolved: their leaving would dissolve the family (Depart). It
// changes nothing; the account's deletion asks before it begins.
func (s *Service) CheckDeparture(ctx context.Context, userID string) error {
	if s.stopper == nil {
		return nil
	}
	fams, err := s.d.Families.ListByMember(ctx, userID)
	if err != nil {
		return fmt.Errorf("list families: %w", err)
	}
	for _, f := range fams {
		if !lastMember(f, userID) {
			continue
		}
		ids, err := s.elderIDs(ctx, f.ID())
		if err != nil {
			return err
		}
		if err := s.stopper.CheckRemoval(ctx, ids...); err != nil {
			return err
		}
	}
	return nil
}

// FinishDissolutions erases families left without members whose
// dissolution was interrupted. The periodic job runs it.
func (s *Service) FinishDissolutions(ctx context.Context) (int, error) {
	ids, err := s.d.Families.ListEmpty(ctx, 100)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.dissolve(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// scrub removes phone from every elder and child record of a family.
func (s *Service) scrub(ctx context.Context, familyID string, phone identity.Phone) error {
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		es, more, err := s.d.Elders.ListByFamily(ctx, familyID, p)
		if err != nil {
			return fmt.Errorf("scrub elders: %w", err)
		}
		for _, e := range es {
			if _, err := s.d.Elders.Update(ctx, e.ID, func(e *elder.Elder) error { scrubElder(e, phone); return nil }); err != nil {
				return fmt.Errorf("scrub elder: %w", err)
			}
		}
		if !more || len(es) == 0 {
			break
		}
		p.After = es[len(es)-1].ID
	}
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		cs, more, err := s.d.Children.ListByFamily(ctx, familyID, p)
		if err != nil {
			return fmt.Errorf("scrub children: %w", err)
		}
		for _, c := range cs {
			if _, err := s.d.Children.Update(ctx, c.ID, func(c *child.Child) error { scrubChild(c, phone); return nil }); err != nil {
				return fmt.Errorf("scrub child: %w", err)
			}
		}
		if !more || len(cs) == 0 {
			break
		}
		p.After = cs[len(cs)-1].ID
	}
	return nil
}

func scrubElder(e *elder.Elder, phone identity.Phone) {
	if e.Profile.Phone == phone {
		e.Profile.Phone = ""
	}
	kept := e.Profile.EmergencyContacts[:0]
	for _, c := range e.Profile.EmergencyContacts {
		if c.Phone != phone {
			kept = append(kept, c)
		}
	}
	e.Profile.EmergencyContacts = kept
}

func scrubChild(c *child.Child, phone identity.Phone) {
	kept := c.PickupPersons[:0]
	for _, p := range c.PickupPersons {
		if p.Phone != phone {
			kept = append(kept, p)
		}
	}
	c.PickupPersons = kept
}
