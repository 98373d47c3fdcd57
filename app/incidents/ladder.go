package incidents

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// LadderSetting is an elder's ladder as the family set it; SetBy empty
// for the default.
type LadderSetting struct {
	Ladder incident.Ladder
	SetBy  string
	SetAt  time.Time
}

// Ladder is the elder's ladder, to a member of the elder's family: the
// one its owner set, or the default.
func (s *Service) Ladder(ctx context.Context, a actor.Actor, elderID string) (LadderSetting, error) {
	if a.UserID == "" {
		return LadderSetting{}, fault.ErrUnauthenticated
	}
	if _, _, err := s.familyElder(ctx, a.UserID, elderID); err != nil {
		return LadderSetting{}, err
	}
	return s.ladderOf(ctx, elderID)
}

// SetLadder sets how long the elder's family has to acknowledge before
// rung 2, and rung 2 before the operators (incident.NewLadder's bounds).
// The family's owner sets it (another member: family_owner_required);
// incidents raised from now on climb it, those raised before keep theirs.
func (s *Service) SetLadder(ctx context.Context, a actor.Actor, elderID string, familyWait, nearbyWait time.Duration) (LadderSetting, error) {
	if a.UserID == "" {
		return LadderSetting{}, fault.ErrUnauthenticated
	}
	_, f, err := s.familyElder(ctx, a.UserID, elderID)
	if err != nil {
		return LadderSetting{}, err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return LadderSetting{}, err
	}
	l, err := incident.NewLadder(familyWait, nearbyWait)
	if err != nil {
		return LadderSetting{}, err
	}
	set := LadderSetting{Ladder: l, SetBy: a.UserID, SetAt: s.d.Now().UTC()}
	if err := s.d.Ladders.Put(ctx, elderID, set); err != nil {
		return LadderSetting{}, err
	}
	return set, nil
}

// ladderOf is the ladder an alarm for the elder climbs.
func (s *Service) ladderOf(ctx context.Context, elderID string) (LadderSetting, error) {
	if s.d.Ladders == nil {
		return LadderSetting{Ladder: incident.DefaultLadder}, nil
	}
	set, ok, err := s.d.Ladders.Get(ctx, elderID)
	if err != nil {
		return LadderSetting{}, err
	}
	if !ok {
		return LadderSetting{Ladder: incident.DefaultLadder}, nil
	}
	return set, nil
}

// ladderForAlarm is the elder's ladder for an alarm being raised: a
// setting that cannot be read must not stop the alarm, so it climbs the
// default ladder then.
func (s *Service) ladderForAlarm(ctx context.Context, e *elder.Elder) incident.Ladder {
	set, err := s.ladderOf(ctx, e.ID)
	if err != nil {
		s.d.Log.Warn("elder's ladder not read; the alarm climbs the default", "elder", e.ID, "err", err)
		return incident.DefaultLadder
	}
	return set.Ladder
}

// ElderRemoved forgets the ladder the elder's family set, when the elder
// is removed or their family dissolves (app/elders Stop): the setting is
// the family's, and must not outlive the elder. Incidents raised before
// keep the ladder they were raised with. Idempotent.
func (s *Service) ElderRemoved(ctx context.Context, _ actor.Actor, elderID string) error {
	if s.d.Ladders == nil {
		return nil
	}
	return s.d.Ladders.Delete(ctx, elderID)
}
