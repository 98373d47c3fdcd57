package visits

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/visit"
)

// RecordCommand is a visit begun at the door (in person: the check-in)
// or made by phone (complete at once, with its assessment).
type RecordCommand struct {
	ElderID         string
	Mode            visit.Mode
	Report          visit.Report // in person
	DurationMinutes int          // by phone
	Assessment      visit.Assessment
	FollowUps       []visit.FollowUp
}

// Record begins (in person) or records (by phone) a visit by the elder's
// assigned visitor. For anyone else the elder is not found: a visitor
// learns nothing of elders not theirs.
func (s *Service) Record(ctx context.Context, a actor.Actor, cmd RecordCommand) (*visit.Visit, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	c, err := s.d.Cares.Get(ctx, cmd.ElderID)
	if errors.Is(err, visit.ErrNotFound) {
		return nil, elder.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !c.Vulnerable() || c.Visitor == nil || c.Visitor.UserID != a.UserID {
		return nil, elder.ErrNotFound
	}
	now := s.d.Now()
	v := visit.Start(s.d.NewID(), c, cmd.Mode, now)
	switch cmd.Mode {
	case visit.InPerson:
		e, err := s.d.Elders.Get(ctx, c.ElderID)
		if err != nil {
			return nil, err
		}
		if err := v.CheckInAt(e.Profile.Address.Location, cmd.Report, c.Location(), now); err != nil {
			return nil, err
		}
	case visit.ByPhone:
		if err := v.Phone(cmd.DurationMinutes, c.Location(), now); err != nil {
			return nil, err
		}
		if err := s.complete(ctx, v, cmd.Assessment, cmd.FollowUps); err != nil {
			return nil, err
		}
	default:
		return nil, visit.ErrVisitInvalid.WithFields(fault.FieldError{Field: "/mode", Code: "enum"})
	}
	if err := s.d.Visits.Create(ctx, v); err != nil {
		return nil, err
	}
	if v.Status == visit.Completed {
		s.afterCompleted(ctx, v)
	}
	return v, nil
}

// complete validates the assessment, raises the incidents the follow-ups
// ask for (before the visit is written, so the record names them; a
// retried request raises into the same incident, which merges alarms of
// one elder within its window), and completes the visit.
func (s *Service) complete(ctx context.Context, v *visit.Visit, a visit.Assessment, fs []visit.FollowUp) error {
	probe := *v
	if err := probe.Complete(a, fs, "probe", s.d.Now()); err != nil {
		return err // nothing raised for a record that would be refused
	}
	for i := range fs {
		if fs[i].Kind == visit.RaiseIncident && fs[i].IncidentID == "" {
			id, err := s.d.Alarms.RaiseFromVisit(ctx, v.ElderID, v.VisitorID, v.StationID, fs[i].Note)
			if err != nil {
				return err
			}
			fs[i].IncidentID = id
		}
	}
	return v.Complete(a, fs, s.d.NewID(), s.d.Now())
}

// CheckOutCommand ends an in-person visit with what the visitor found.
type CheckOutCommand struct {
	VisitID    string
	Report     visit.Report
	Assessment visit.Assessment
	FollowUps  []visit.FollowUp
}

// CheckOut completes an in-person visit; its visitor only.
func (s *Service) CheckOut(ctx context.Context, a actor.Actor, cmd CheckOutCommand) (*visit.Visit, error) {
	v, err := s.d.Visits.Get(ctx, cmd.VisitID)
	if err != nil {
		return nil, err
	}
	if v.VisitorID != a.UserID || a.UserID == "" {
		return nil, visit.ErrVisitNotFound
	}
	if v.Status == visit.Completed {
		return nil, visit.ErrVisitCompleted
	}
	probe := *v
	if err := probe.CheckOutAt(cmd.Report, s.d.Now()); err != nil {
		return nil, err
	}
	fs := cmd.FollowUps
	if err := s.complete(ctx, &probe, cmd.Assessment, fs); err != nil {
		return nil, err
	}
	out, err := s.d.Visits.Update(ctx, v.ID, func(v *visit.Visit) error {
		if err := v.CheckOutAt(cmd.Report, s.d.Now()); err != nil {
			return err
		}
		return v.Complete(cmd.Assessment, probe.FollowUps, s.d.NewID(), s.d.Now())
	})
	if err != nil {
		return nil, err
	}
	s.afterCompleted(ctx, out)
	return out, nil
}

// afterCompleted records the visit on the elder's record and credits a
// volunteer's verified visit. Failures are only logged: the repair pass
// (Repair) finds uncredited visits, and the record's last visit only
// delays an alert.
func (s *Service) afterCompleted(ctx context.Context, v *visit.Visit) {
	if _, err := s.d.Cares.Update(ctx, v.ElderID, func(c *visit.Care) error {
		c.Visited(v.StartedAt)
		return nil
	}); err != nil {
		s.d.Log.Warn("visit not noted on the care record", "visit", v.ID, "err", err)
	}
	if v.VisitorKind == visit.ByVolunteer && v.Verified() {
		e, err := s.credit(ctx, v)
		if err != nil {
			s.d.Log.Warn("visit not credited; the repair pass will", "visit", v.ID, "err", err)
			return
		}
		v.Credited = e.Amount
	}
}

// Visit is one visit record, for its visitor, the elder's family, its
// station's office and the region's regulators.
func (s *Service) Visit(ctx context.Context, a actor.Actor, id string) (*visit.Visit, error) {
	v, err := s.d.Visits.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.mayRead(ctx, a, v) {
		return nil, visit.ErrVisitNotFound
	}
	return v, nil
}

func (s *Service) mayRead(ctx context.Context, a actor.Actor, v *visit.Visit) bool {
	if a.UserID == "" {
		return false
	}
	if v.VisitorID == a.UserID || a.Regulates(v.RegionCode) || s.familyMember(ctx, a.UserID, v.FamilyID) {
		return true
	}
	if v.StationID != "" && a.Roles.HasAny(identity.RoleProviderAdmin, identity.RoleProviderStaff) {
		p, err := s.d.Providers.Get(ctx, v.StationID)
		return err == nil && (p.IsAdmin(a.UserID) || office(p, a.UserID))
	}
	return false
}
