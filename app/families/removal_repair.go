package families

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// An elder's removal marks the elder first (app/elders BeginRemoval): no
// alarm is raised for them from then on. A removal that dies part-way
// (a crash between the owner's mark and the erasure, or in a last
// member's leave before it took its marks back when someone joined)
// leaves the mark on an elder whose family lives on, and the elder's
// SOS answers 404 until someone finishes the removal. RepairRemovals
// decides each such elder by what MongoDB holds: the elder's mark and
// its age, the family's members, and their accounts — never by what a
// request had in mind, which died with it.

// RemovalRepair is what one RepairRemovals pass did, by elder id.
type RemovalRepair struct {
	// TakenBack are elders whose removal died part-way in a family that
	// lives on: their alarms are raised again, and the owner who still
	// wants them removed asks again.
	TakenBack []string
	// Finished are elders of a family left without members (or gone)
	// whose dissolution died part-way: erased with it, as it would have.
	Finished []string
	// Pending are elders of a family whose every member's account
	// deletion has begun: the family dissolves when those deletions
	// finish (app/privacy FinishDeletions), so their marks stay.
	Pending []string
}

// Found is how many elders the pass found marked long ago.
func (r RemovalRepair) Found() int { return len(r.TakenBack) + len(r.Finished) + len(r.Pending) }

// repairPage is how many marked elders one read of the pass takes.
const repairPage = 100

// errRenewed is a mark renewed or replaced since the pass read it: a
// removal is running, and the mark stays.
var errRenewed = errors.New("families: the removal was renewed since the repair read it")

// familyFate is what becomes of a family whose elders are marked.
type familyFate int

const (
	livesOn    familyFate = iota // a member remains whose account is not being deleted
	dissolving                   // no member left, or the family is gone
	departing                    // every member's account deletion has begun
)

// RepairRemovals finds elders whose removal began more than
// elder.RemovalGrace ago and is still not done, and settles each by its
// family's fate: a family that lives on gets the elder's alarms back
// (the mark is taken back by a versioned write that leaves a mark
// renewed meanwhile alone); a family left without members is dissolved,
// erasing its elders as its dissolution would have; a family whose
// members are all being deleted is left to their deletions. A removal
// running now is younger than the grace (a retry renews its mark), so
// the pass never takes back one that is going ahead. One elder or family
// that fails does not stop the others; the errors come back joined.
func (s *Service) RepairRemovals(ctx context.Context) (RemovalRepair, error) {
	cutoff := s.d.Now().Add(-elder.RemovalGrace)
	var rep RemovalRepair
	var errs []error
	fates := map[string]familyFate{}
	for after := ""; ; {
		es, err := s.d.Elders.RemovingSince(ctx, cutoff, after, repairPage)
		if err != nil {
			return rep, errors.Join(append(errs, err)...)
		}
		for _, e := range es {
			fate, known := fates[e.FamilyID]
			if !known {
				if fate, err = s.familyFate(ctx, e.FamilyID); err != nil {
					errs = append(errs, err)
					continue
				}
				fates[e.FamilyID] = fate
				if fate == dissolving {
					if err := s.dissolve(ctx, e.FamilyID); err != nil {
						errs = append(errs, err)
						delete(fates, e.FamilyID) // its other elders are tried with it next pass
						continue
					}
				}
			}
			switch fate {
			case dissolving:
				rep.Finished = append(rep.Finished, e.ID)
			case departing:
				rep.Pending = append(rep.Pending, e.ID)
			case livesOn:
				taken, err := s.takeBack(ctx, e, cutoff)
				if err != nil {
					errs = append(errs, err)
				} else if taken {
					rep.TakenBack = append(rep.TakenBack, e.ID)
				}
			}
		}
		if len(es) < repairPage {
			return rep, errors.Join(errs...)
		}
		after = es[len(es)-1].ID
	}
}

// familyFate reads what becomes of a family from its document and its
// members' accounts.
func (s *Service) familyFate(ctx context.Context, familyID string) (familyFate, error) {
	f, err := s.d.Families.Get(ctx, familyID)
	if fault.Is(err, family.ErrNotFound) {
		return dissolving, nil // its elders outlived a dissolution that died
	}
	if err != nil {
		return 0, fmt.Errorf("family %s of elders being removed: %w", familyID, err)
	}
	if f.Empty() {
		return dissolving, nil
	}
	for _, id := range f.MemberIDs() {
		u, err := s.d.Users.ByID(ctx, id)
		if fault.Is(err, identity.ErrUserNotFound) {
			return livesOn, nil // no deletion of theirs will dissolve it
		}
		if err != nil {
			return 0, fmt.Errorf("member %s of family %s: %w", id, familyID, err)
		}
		if !u.Deleted() {
			return livesOn, nil
		}
	}
	return departing, nil
}

// takeBack takes back e's removal as the pass read it, if it is still
// that one and still older than cutoff; false if it was renewed,
// replaced, or the elder is gone.
func (s *Service) takeBack(ctx context.Context, e elder.Elder, cutoff time.Time) (bool, error) {
	_, err := s.d.Elders.Update(ctx, e.ID, func(x *elder.Elder) error {
		if !x.TakeBackRemoval(e.Removal.ID, cutoff) {
			return errRenewed
		}
		return nil
	})
	switch {
	case errors.Is(err, errRenewed), fault.Is(err, elder.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("take back the removal of elder %s: %w", e.ID, err)
	}
	return true, nil
}
