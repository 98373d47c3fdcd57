package incidents

import (
	"context"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// An elder with a live alarm is not removed, nor is their family
// dissolved (app/elders BeginRemoval): whoever answers the alarm needs
// the elder's address, contacts and family, and the ladder would climb
// for someone nobody answers for any more. An alarm is noted on the
// elder's record before its incident is stored, and refused once the
// elder's removal has begun; the removal begins only after judging every
// noted alarm, by a write that fails if another was noted meanwhile
// (domain/elder removal.go). So either the removal sees the alarm, or
// the alarm sees the removal and is refused as for an elder removed.

// noteAlarm notes incidentID on the elder before it is stored; an elder
// whose removal has begun, or who is gone, is not found.
func (s *Service) noteAlarm(ctx context.Context, elderID, incidentID string, now time.Time) error {
	_, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error { return e.BeginAlarm(incidentID, now) })
	return err
}

// forgetAlarm takes back the note of an incident that lost the race to
// another of the same elder and will never be stored, so a removal does
// not wait for it. Failing only leaves the note until elder.AlarmGrace
// has passed.
func (s *Service) forgetAlarm(ctx context.Context, elderID, incidentID string) {
	if _, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		e.ForgetAlarm(incidentID)
		return nil
	}); err != nil {
		s.d.Log.Warn("a lost alarm's note not taken back; it lapses", "elder", elderID, "err", err)
	}
}

// RemovalBlockers says which incidents stand in the way of removing e:
// its open and acknowledged ones, and any noted on the elder within
// elder.AlarmGrace whose incident is not stored yet (the raise is under
// way) or is live. checked lists every alarm noted on e, all judged, for
// elder.BeginRemoval. An incident resolved or closed does not block.
func (s *Service) RemovalBlockers(ctx context.Context, e elder.Elder) (open, checked []string, err error) {
	open, err = s.d.Incidents.Live(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	now := s.d.Now()
	for _, a := range e.Alarms {
		checked = append(checked, a.IncidentID)
		if slices.Contains(open, a.IncidentID) {
			continue
		}
		i, err := s.d.Incidents.Get(ctx, a.IncidentID)
		switch {
		case fault.Is(err, incident.ErrNotFound):
			if now.Sub(a.At) < elder.AlarmGrace {
				open = append(open, a.IncidentID) // being stored now
			}
		case err != nil:
			return nil, nil, err
		case i.Live():
			open = append(open, a.IncidentID)
		}
	}
	return open, checked, nil
}
