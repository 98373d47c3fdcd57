package elders

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
)

// errTakenBack is a mark the repair took back while a retry renewed it.
var errTakenBack = errors.New("elders: the removal was taken back by the repair")

// markTries bounds the checks of one elder that alarms keep overtaking.
const markTries = 5

// BeginRemoval begins the removal of elders as a, a member whom the
// caller has judged may remove them (the owner deleting one, the last
// member dissolving the family): from then on no alarm is raised for
// them. An elder with an alarm not yet resolved refuses it with
// elder_has_open_incident naming every such incident, before any elder
// is changed; an alarm raised while the elders are marked, one by one,
// takes back the marks made. Each elder is judged, then marked by a
// write that fails if an alarm was noted on it meanwhile, so no alarm
// slips between the check and the mark (domain/elder removal.go). An
// elder whose removal began already keeps it, its clock renewed (a
// retry; elder.RenewRemoval), and this call's cancel leaves it: a mark
// nobody takes back is the repair's (app/families RepairRemovals).
//
// cancel takes back the marks this call made, for a caller that goes
// no further (a family someone joined meanwhile): the elders raise
// alarms again.
func (s *Service) BeginRemoval(ctx context.Context, a actor.Actor, elderIDs ...string) (cancel func(context.Context) error, err error) {
	if len(elderIDs) > 1 {
		// Judge them all first, writing nothing, so the usual refusal
		// leaves no trace at all.
		if err := s.CheckRemoval(ctx, elderIDs...); err != nil {
			return nil, err
		}
	}
	r := elder.Removal{ID: s.d.NewID(), Since: s.d.Now(), By: a.UserID}
	var marked []string
	cancel = func(ctx context.Context) error {
		var errs []error
		for _, id := range marked {
			_, err := s.d.Elders.Update(ctx, id, func(e *elder.Elder) error { e.CancelRemoval(r.ID); return nil })
			if err != nil && !errors.Is(err, elder.ErrNotFound) {
				errs = append(errs, fmt.Errorf("take back the removal of elder %s: %w", id, err))
			}
		}
		return errors.Join(errs...)
	}
	for _, id := range elderIDs {
		ok, err := s.mark(ctx, id, r)
		if err != nil {
			if cerr := cancel(ctx); cerr != nil {
				err = errors.Join(err, cerr)
			}
			return nil, err
		}
		if ok {
			marked = append(marked, id)
		}
	}
	return cancel, nil
}

// CheckRemoval refuses, with elder_has_open_incident naming every
// incident in the way, elders who may not be removed now; it changes
// nothing, and decides nothing either: BeginRemoval judges again.
func (s *Service) CheckRemoval(ctx context.Context, elderIDs ...string) error {
	var open []string
	for _, id := range elderIDs {
		e, err := s.d.Elders.Get(ctx, id)
		if errors.Is(err, elder.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if e.Removing() {
			continue
		}
		blockers, _, err := s.blockers(ctx, e)
		if err != nil {
			return err
		}
		open = append(open, blockers...)
	}
	if len(open) > 0 {
		return elder.OpenIncidents(open)
	}
	return nil
}

// mark begins one elder's removal r, and reports whether this call did
// (false: it had begun already).
func (s *Service) mark(ctx context.Context, elderID string, r elder.Removal) (bool, error) {
	for range markTries {
		e, err := s.d.Elders.Get(ctx, elderID)
		if err != nil {
			return false, err
		}
		if e.Removing() {
			// A retry of a removal that died part-way renews its mark,
			// so the repair (app/families RepairRemovals) leaves it be
			// while the retry runs; a mark the repair took back since
			// is begun anew, judging the alarms again.
			_, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
				if !e.RenewRemoval(r.Since) {
					return errTakenBack
				}
				return nil
			})
			if errors.Is(err, errTakenBack) {
				continue
			}
			return false, err
		}
		open, checked, err := s.blockers(ctx, e)
		if err != nil {
			return false, err
		}
		if len(open) > 0 {
			return false, elder.OpenIncidents(open)
		}
		_, err = s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
			return e.BeginRemoval(r, checked)
		})
		if errors.Is(err, elder.ErrAlarmsChanged) {
			continue // an alarm was noted since the check: judge it too
		}
		return err == nil, err
	}
	return false, fmt.Errorf("elders: removal of elder %s kept being overtaken by alarms", elderID)
}

func (s *Service) blockers(ctx context.Context, e elder.Elder) (open, checked []string, err error) {
	if s.alarms == nil {
		return nil, nil, nil
	}
	return s.alarms.RemovalBlockers(ctx, e)
}
