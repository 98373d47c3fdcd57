package incidents

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// View is an incident as one person on its ladder may see it. Elder is
// set for whom the elder's address, health summary and contacts are
// shown: the family always, rungs 2 and 3 only while the incident is
// live.
type View struct {
	Incident *incident.Incident
	As       incident.Responder
	Elder    *elder.Elder
}

func (s *Service) view(i *incident.Incident, as incident.Responder, e *elder.Elder) View {
	v := View{Incident: i, As: as}
	if as.Role == incident.RoleFamily || i.Live() {
		v.Elder = e
	}
	return v
}

// responder says as whom the caller stands on the incident's ladder, or
// refuses with incident_not_found: a member of the elder's family now
// (whether or not they were a member when it was raised), or someone a
// later rung called. A family member who left is on the ladder no more.
func (s *Service) responder(ctx context.Context, a actor.Actor, i *incident.Incident) (incident.Responder, error) {
	if a.UserID == "" {
		return incident.Responder{}, fault.ErrUnauthenticated
	}
	f, err := s.d.Families.Get(ctx, i.FamilyID())
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return incident.Responder{}, err
	}
	if f != nil && f.RequireMember(a.UserID) == nil {
		return incident.Responder{UserID: a.UserID, Rung: incident.RungFamily, Role: incident.RoleFamily}, nil
	}
	if r, ok := i.Responder(a.UserID); ok && r.Role != incident.RoleFamily {
		return r, nil
	}
	return incident.Responder{}, incident.ErrNotFound
}

// Get returns an incident to someone on its ladder.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (View, error) {
	i, err := s.d.Incidents.Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	as, err := s.responder(ctx, a, i)
	if err != nil {
		return View{}, err
	}
	return s.withElder(ctx, i, as)
}

func (s *Service) withElder(ctx context.Context, i *incident.Incident, as incident.Responder) (View, error) {
	v := s.view(i, as, nil)
	if as.Role != incident.RoleFamily && !i.Live() {
		return v, nil
	}
	e, err := s.d.Elders.Get(ctx, i.ElderID())
	if fault.Is(err, elder.ErrNotFound) {
		return v, nil // the family deleted the elder since
	}
	if err != nil {
		return View{}, err
	}
	return s.view(i, as, &e), nil
}

// act loads the incident for the caller, as whoever they are on its
// ladder, and applies step in one versioned write with its events.
func (s *Service) act(ctx context.Context, a actor.Actor, id string,
	step func(i *incident.Incident, by incident.Responder) error) (View, error) {
	i, err := s.d.Incidents.Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	by, err := s.responder(ctx, a, i)
	if err != nil {
		return View{}, err
	}
	i, err = s.d.Incidents.Update(ctx, id, func(i *incident.Incident) error { return step(i, by) })
	if err != nil {
		return View{}, err
	}
	s.schedule(ctx, i)
	return s.withElder(ctx, i, by)
}

// ErrActionForbidden is a step the caller's place on the ladder does not
// allow.
var ErrActionForbidden = fault.New(fault.Forbidden, "incident_action_forbidden")

// Acknowledge stops the ladder for everyone: the caller is on it, called
// by a rung. The staff who raised the alarm are not: the ladder exists to
// reach somebody else.
func (s *Service) Acknowledge(ctx context.Context, a actor.Actor, id string) (View, error) {
	return s.act(ctx, a, id, func(i *incident.Incident, by incident.Responder) error {
		if by.Role == incident.RoleReporter {
			return ErrActionForbidden
		}
		return i.Acknowledge(by, s.d.NewID(), s.d.Now())
	})
}

// Note adds a note to the timeline.
func (s *Service) Note(ctx context.Context, a actor.Actor, id, text string) (View, error) {
	return s.act(ctx, a, id, func(i *incident.Incident, by incident.Responder) error {
		return i.Note(by, text, s.d.Now())
	})
}

// Resolve ends the alarm with an outcome; as acknowledging, it stops the
// ladder, so not for the staff who raised it.
func (s *Service) Resolve(ctx context.Context, a actor.Actor, id string, outcome incident.Outcome, note string) (View, error) {
	return s.act(ctx, a, id, func(i *incident.Incident, by incident.Responder) error {
		if by.Role == incident.RoleReporter {
			return ErrActionForbidden
		}
		return i.Resolve(by, outcome, note, s.d.NewID(), s.d.Now())
	})
}

// Close files a resolved incident away: the family or an operator, who
// answer for the elder and for the platform.
func (s *Service) Close(ctx context.Context, a actor.Actor, id string) (View, error) {
	return s.act(ctx, a, id, func(i *incident.Incident, by incident.Responder) error {
		if by.Role != incident.RoleFamily && by.Role != incident.RoleOperator {
			return ErrActionForbidden
		}
		return i.Close(by, s.d.Now())
	})
}
