package incidents

import (
	"context"
	"slices"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/incident"
)

// StaffCommand is an alarm staff raise at an elder's: what they found,
// where, and a few words.
type StaffCommand struct {
	ElderID  string
	Kind     incident.Kind
	Location *geo.Point
	Note     string
}

// StaffKinds are the alarms staff raise by hand; door_inactive is the
// door sensor's rule, never a person's.
var StaffKinds = []incident.Kind{incident.SOS, incident.Fall, incident.Smoke, incident.HealthAlert, incident.MissedMeal}

// RaiseByStaff raises an incident for an elder the caller serves: the
// admin or office staff of a station covering the elder's address or of
// a provider with an open order for the elder, or a caregiver on an
// order for the elder under way (app/serving). The ladder is the elder's,
// as for an SOS, and an alarm within a minute of the last merges; the
// caller is on the incident as its reporter. Anyone else meets no such
// elder (404), the elder's family included: they raise an SOS.
func (s *Service) RaiseByStaff(ctx context.Context, a actor.Actor, cmd StaffCommand) (Raised, error) {
	if a.UserID == "" {
		return Raised{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return Raised{}, err
	}
	providerID, err := s.serves(ctx, a.UserID, e)
	if err != nil {
		return Raised{}, err
	}
	if !slices.Contains(StaffKinds, cmd.Kind) {
		return Raised{}, incident.ErrInvalid.WithFields(fault.FieldError{Field: "/kind", Code: "enum"})
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if err != nil {
		return Raised{}, err
	}
	loc := cmd.Location
	if loc == nil {
		home := e.Profile.Address.Location
		loc = &home
	}
	reporter := incident.Responder{UserID: a.UserID, ProviderID: providerID}
	i, merged, err := s.raiseReported(ctx, &e, f, cmd.Kind, incident.Source{Kind: incident.FromStaff, UserID: a.UserID},
		loc, cmd.Note, &reporter)
	if err != nil {
		return Raised{}, err
	}
	as, _ := i.Responder(a.UserID)
	return Raised{View: s.view(i, as, &e), Merged: merged}, nil
}

// serves is the provider for which the user serves the elder, or
// elder_not_found.
func (s *Service) serves(ctx context.Context, userID string, e elder.Elder) (string, error) {
	if s.d.Serving == nil {
		return "", elder.ErrNotFound
	}
	if id, ok, err := s.d.Serving.Office(ctx, userID, e); err != nil || ok {
		return id, err
	}
	id, ok, err := s.d.Serving.Caregiver(ctx, userID, e)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", elder.ErrNotFound
	}
	return id, nil
}
