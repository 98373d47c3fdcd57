package families

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
)

// Create starts a family; the caller becomes its first owner.
func (s *Service) Create(ctx context.Context, a actor.Actor, name, timeZone string) (View, error) {
	// Every user may, but an elder's own account (which acts only as the
	// elder) holds no family role.
	if err := a.Require(identity.RoleFamily); err != nil {
		return View{}, err
	}
	f, err := family.New(s.d.NewID(), name, timeZone, a.UserID, s.d.Now())
	if err != nil {
		return View{}, err
	}
	if err := s.d.Families.Create(ctx, f); err != nil {
		return View{}, fmt.Errorf("create family: %w", err)
	}
	return s.view(ctx, a, f)
}

// Mine lists the caller's families: own parents, in-laws, a child's.
func (s *Service) Mine(ctx context.Context, a actor.Actor) ([]*family.Family, error) {
	return s.d.Families.ListByMember(ctx, a.UserID)
}

// Get shows one family to a member.
func (s *Service) Get(ctx context.Context, a actor.Actor, familyID string) (View, error) {
	f, err := s.member(ctx, a, familyID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, a, f)
}

// UpdateCommand changes a family's settings; nil fields stay.
type UpdateCommand struct {
	Name     *string
	TimeZone *string
}

// Update renames or moves a family; owners only.
func (s *Service) Update(ctx context.Context, a actor.Actor, familyID string, cmd UpdateCommand) (View, error) {
	f, err := s.d.Families.Update(ctx, familyID, func(f *family.Family) error {
		if err := f.RequireOwner(a.UserID); err != nil {
			return err
		}
		if cmd.Name != nil {
			if err := f.Rename(a.UserID, *cmd.Name); err != nil {
				return err
			}
		}
		if cmd.TimeZone != nil {
			return f.SetTimeZone(a.UserID, *cmd.TimeZone)
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Update, "family", familyID)
	return s.view(ctx, a, f)
}
