package incidents

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/incident"
)

// SOSCommand is an SOS from a phone: where it was pressed, if the phone
// knows, and a few words.
type SOSCommand struct {
	ElderID  string
	Location *geo.Point
	Note     string
}

// Raised is the incident an alarm raised, and whether it joined one
// raised for the same elder within the merge window.
type Raised struct {
	View   View
	Merged bool
}

// RaiseSOS raises an SOS for an elder of the caller's family, or from
// the elder's own account for the elder themselves. An elder of another
// family, or none, is not found; so is any elder but their own to an
// elder's account.
func (s *Service) RaiseSOS(ctx context.Context, a actor.Actor, cmd SOSCommand) (Raised, error) {
	if a.UserID == "" {
		return Raised{}, fault.ErrUnauthenticated
	}
	if a.IsElder(cmd.ElderID) {
		return s.raiseOwnSOS(ctx, a, cmd)
	}
	e, f, err := s.familyElder(ctx, a.UserID, cmd.ElderID)
	if err != nil {
		return Raised{}, err
	}
	r, merged, err := s.raise(ctx, e, f, incident.SOS, incident.Source{Kind: incident.FromFamily, UserID: a.UserID},
		cmd.Location, cmd.Note)
	if err != nil {
		return Raised{}, err
	}
	return Raised{View: s.view(r, incident.Responder{UserID: a.UserID, Rung: incident.RungFamily,
		Role: incident.RoleFamily}, e), Merged: merged}, nil
}

// raiseOwnSOS is the elder pressing SOS on their own account: the same
// ladder, raised from the elder's phone. The answer shows the incident
// and its state, not the elder's record (they need not read it back, and
// the view is the family's).
func (s *Service) raiseOwnSOS(ctx context.Context, a actor.Actor, cmd SOSCommand) (Raised, error) {
	e, f, err := familyaccess.OwnElder(ctx, s.d.Elders, s.d.Families, a, cmd.ElderID)
	if err != nil {
		return Raised{}, err
	}
	r, merged, err := s.raise(ctx, &e, f, incident.SOS, incident.Source{Kind: incident.FromElder, UserID: a.UserID},
		cmd.Location, cmd.Note)
	if err != nil {
		return Raised{}, err
	}
	return Raised{View: View{Incident: r, As: incident.Responder{UserID: a.UserID, Rung: incident.RungFamily,
		Role: incident.RoleFamily}}, Merged: merged}, nil
}

// familyElder loads an elder the user's family holds, or answers
// elder_not_found.
func (s *Service) familyElder(ctx context.Context, userID, elderID string) (*elder.Elder, *family.Family, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return nil, nil, err
	}
	ep := &e
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return nil, nil, elder.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if f.RequireMember(userID) != nil {
		return nil, nil, elder.ErrNotFound
	}
	return ep, f, nil
}

// raise merges the alarm into the elder's incident raised within the
// merge window, or raises a new one and calls the family. Two alarms at
// once race on the window's unique key; the loser merges.
func (s *Service) raise(ctx context.Context, e *elder.Elder, f *family.Family, kind incident.Kind,
	src incident.Source, loc *geo.Point, note string) (*incident.Incident, bool, error) {
	return s.raiseReported(ctx, e, f, kind, src, loc, note, nil)
}

// raiseReported is raise with the staff member who raised the alarm put
// on the incident as its reporter, whether it is new or merged.
func (s *Service) raiseReported(ctx context.Context, e *elder.Elder, f *family.Family, kind incident.Kind,
	src incident.Source, loc *geo.Point, note string, reporter *incident.Responder) (*incident.Incident, bool, error) {
	ladder := s.ladderForAlarm(ctx, e)
	for range 3 {
		now := s.d.Now()
		last, err := s.d.Incidents.Latest(ctx, e.ID)
		if err != nil {
			return nil, false, err
		}
		if last != nil && last.Mergeable(now) {
			merged, err := s.d.Incidents.Update(ctx, last.ID(), func(i *incident.Incident) error {
				if err := i.RaiseAgain(src, note, s.d.Now()); err != nil {
					return err
				}
				if reporter != nil {
					i.Report(*reporter)
				}
				return nil
			})
			if errors.Is(err, incident.ErrTransition) {
				continue // resolved or out of the window meanwhile: raise anew
			}
			return merged, err == nil, err
		}
		i, err := incident.New(incident.Raise{ID: s.d.NewID(), ElderID: e.ID, FamilyID: f.ID(),
			ElderName: e.Profile.Name, Kind: kind, Source: src, Location: loc, Ladder: ladder,
			Family: f.MemberIDs(), Note: note, Reporter: reporter}, s.d.NewID(), now)
		if err != nil {
			return nil, false, err
		}
		if err := s.noteAlarm(ctx, e.ID, i.ID(), now); err != nil {
			return nil, false, err
		}
		err = s.d.Incidents.Create(ctx, i)
		if errors.Is(err, ErrRaceLost) {
			s.forgetAlarm(ctx, e.ID, i.ID())
			continue
		}
		if err != nil {
			return nil, false, err
		}
		s.schedule(ctx, i)
		return i, false, nil
	}
	return nil, false, fmt.Errorf("incidents: raising for elder %s kept racing", e.ID)
}

// schedule puts the incident's next deadline in the timers. A failure
// is only logged: the resync finds the deadline in MongoDB.
func (s *Service) schedule(ctx context.Context, i *incident.Incident) {
	var err error
	if i.Status() == incident.Open && !i.DueAt().IsZero() {
		err = s.d.Timers.Set(ctx, i.ID(), i.DueAt())
	} else {
		err = s.d.Timers.Clear(ctx, i.ID())
	}
	if err != nil {
		s.d.Log.Warn("incident timer not written; the resync will", "incident", i.ID(), "err", err)
	}
}

// RaiseFromDevice raises the incident of a registered device's alarm
// (the device's registration vouched for the elder) and returns its id.
func (s *Service) RaiseFromDevice(ctx context.Context, elderID string, kind incident.Kind, deviceID, note string) (string, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return "", err
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if err != nil {
		return "", err
	}
	loc := e.Profile.Address.Location
	i, _, err := s.raise(ctx, &e, f, kind, incident.Source{Kind: incident.FromDevice, DeviceID: deviceID}, &loc, note)
	if err != nil {
		return "", err
	}
	return i.ID(), nil
}

// RaiseFromVisit raises the incident a visitor found on a monthly visit
// (app/visits: the visitor was assigned to the elder, which vouches for
// them), as raised by staff, and returns its id. The visitor is on the
// incident as its reporter, for the station whose visit it was (none
// for a visit of no station): they read it and add notes, as staff who
// raise an alarm do.
func (s *Service) RaiseFromVisit(ctx context.Context, elderID, visitorID, stationID, note string) (string, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return "", err
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if err != nil {
		return "", err
	}
	loc := e.Profile.Address.Location
	reporter := incident.Responder{UserID: visitorID, ProviderID: stationID}
	i, _, err := s.raiseReported(ctx, &e, f, incident.HealthAlert, incident.Source{Kind: incident.FromStaff, UserID: visitorID},
		&loc, note, &reporter)
	if err != nil {
		return "", err
	}
	return i.ID(), nil
}
