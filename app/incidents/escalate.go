package incidents

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/incident"
)

// duePage bounds the rungs one poll calls.
const duePage = 100

// maxOperators bounds the operators rung 3 calls.
const maxOperators = 200

// FireDue calls every rung whose deadline has come, after loading the
// timers from MongoDB if Redis lost them. It runs in every replica that
// runs jobs, every INCIDENT_POLL_INTERVAL; replicas calling the same
// rung at once are safe, the incident takes the call once.
func (s *Service) FireDue(ctx context.Context) (int, error) {
	built, err := s.d.Timers.Built(ctx)
	if err != nil {
		return 0, err
	}
	if !built {
		if err := s.Resync(ctx); err != nil {
			return 0, err
		}
	}
	ids, err := s.d.Timers.Due(ctx, s.d.Now(), duePage)
	if err != nil {
		return 0, err
	}
	called := 0
	var errs []error
	for _, id := range ids {
		ok, err := s.escalate(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("incident %s: %w", id, err))
			continue // its timer stays: the next poll tries again
		}
		if ok {
			called++
		}
	}
	return called, errors.Join(errs...)
}

// Resync loads every open incident's deadline from MongoDB into the
// timers and sends texts a crash left unsent. It runs at start, every
// INCIDENT_RESYNC_INTERVAL, and whenever Redis lost the timers; loading
// a deadline twice changes nothing.
func (s *Service) Resync(ctx context.Context) error {
	deadlines, err := s.d.Incidents.Deadlines(ctx)
	if err != nil {
		return err
	}
	if err := s.d.Timers.Load(ctx, deadlines); err != nil {
		return err
	}
	ids, err := s.d.Incidents.Untexted(ctx, duePage)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := s.text(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// escalate calls the incident's next rung if it is due, and reports
// whether this call did; then it sets the timer to the new deadline, or
// clears it.
func (s *Service) escalate(ctx context.Context, id string) (bool, error) {
	i, err := s.d.Incidents.Get(ctx, id)
	if fault.Is(err, incident.ErrNotFound) {
		return false, s.d.Timers.Clear(ctx, id)
	}
	if err != nil {
		return false, err
	}
	if i.Status() != incident.Open || i.DueAt().IsZero() || s.d.Now().Before(i.DueAt()) {
		s.schedule(ctx, i) // a stale timer: put the incident's own deadline back
		return false, nil
	}
	call, err := s.callFor(ctx, i, i.Next())
	if err != nil {
		return false, err
	}
	called := true
	after, err := s.d.Incidents.Update(ctx, id, func(i *incident.Incident) error {
		return i.Escalate(call, s.d.NewID(), s.d.Now())
	})
	if errors.Is(err, incident.ErrNotDue) {
		// Acknowledged, or the rung called by another replica, meanwhile.
		called = false
		after, err = s.d.Incidents.Get(ctx, id)
	}
	if err != nil {
		return false, err
	}
	s.schedule(ctx, after)
	if called && len(after.Snapshot().PendingSMS) > 0 {
		if err := s.text(ctx, id); err != nil {
			s.d.Log.Warn("incident texts not sent; the resync retries", "incident", id, "err", err)
		}
	}
	return called, nil
}

// callFor is who rung reaches. Rung 2: the elder's emergency contacts
// (those with an account by the app, the others by SMS) and the staff on
// duty at the station serving the elder's address. Rung 3: the
// operators.
func (s *Service) callFor(ctx context.Context, i *incident.Incident, rung int) (incident.Call, error) {
	c := incident.Call{Rung: rung}
	switch rung {
	case incident.RungNearby:
		e, err := s.d.Elders.Get(ctx, i.ElderID())
		if fault.Is(err, elder.ErrNotFound) {
			return c, nil // the elder's record is gone: nobody nearby is known
		}
		if err != nil {
			return c, err
		}
		for _, contact := range e.Profile.EmergencyContacts {
			u, err := s.d.Users.ByPhone(ctx, contact.Phone)
			switch {
			case err == nil && !u.Deleted():
				c.Responders = append(c.Responders, incident.Responder{UserID: u.ID(), Role: incident.RoleContact})
			case err == nil || fault.Is(err, identity.ErrUserNotFound):
				c.SMS = append(c.SMS, contact.Phone.String())
			default:
				return c, err
			}
		}
		providerID, staff, err := s.d.Stations.OnDutyFor(ctx, e.Profile.Address)
		if err != nil {
			return c, err
		}
		for _, id := range staff {
			c.Responders = append(c.Responders, incident.Responder{UserID: id, Role: incident.RoleStation,
				ProviderID: providerID})
		}
	case incident.RungOperator:
		ops, err := s.d.Operators.WithRole(ctx, identity.RoleOperator, maxOperators)
		if err != nil {
			return c, err
		}
		if len(ops) == 0 {
			s.d.Log.Error("an incident reached the operators' rung and no user holds the operator role", "incident", i.ID())
		}
		for _, id := range ops {
			c.Responders = append(c.Responders, incident.Responder{UserID: id, Role: incident.RoleOperator})
		}
	}
	return c, nil
}

// text sends the incident's pending SMS and records what went out. A
// crash between a send and the record sends that text again at the next
// resync: twice is better than never for an alarm.
func (s *Service) text(ctx context.Context, id string) error {
	i, err := s.d.Incidents.Get(ctx, id)
	if err != nil {
		return err
	}
	snap := i.Snapshot()
	if len(snap.PendingSMS) == 0 {
		return nil
	}
	if !i.Live() {
		// Handled before the text went out: nobody needs it now.
		_, err := s.d.Incidents.Update(ctx, id, func(i *incident.Incident) error {
			i.CancelTexts()
			return nil
		})
		return err
	}
	var sent []string
	var errs []error
	for _, p := range snap.PendingSMS {
		err := s.d.SMS.SendAlert(ctx, identity.Phone(p), "incident_alert", map[string]any{
			"elder": snap.ElderName, "kind": string(snap.Kind), "raisedAt": snap.RaisedAt.UTC().Format(time.RFC3339),
		}, identity.LocaleZhCN)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sent = append(sent, p)
	}
	if len(sent) > 0 {
		if _, err := s.d.Incidents.Update(ctx, id, func(i *incident.Incident) error {
			i.Texted(sent, s.d.Now())
			return nil
		}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
