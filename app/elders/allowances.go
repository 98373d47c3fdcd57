package elders

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/service"
)

// AllowanceInput is an allowance as an administrator enters it, from an
// issuer's approved list.
type AllowanceInput struct {
	Issuer       string
	Kind         string
	MonthlyFen   int64
	MonthlyHours int
	ServiceTypes []string
	ValidFrom    string
	ValidTo      string
	OneOff       bool
	TimeZone     string
}

// mayGrant: allowances are public money, set by platform administrators
// or regulators from an issuer's approved list, never by families (403).
func mayGrant(a actor.Actor) error {
	return a.Require(identity.RolePlatformAdmin, identity.RoleRegulator)
}

// supervised refuses an elder outside the caller's regions as not found:
// a regulator grants and ends the allowances of elders in their regions
// only (platform admins everywhere).
func supervised(a actor.Actor, e *elder.Elder) error {
	if !a.Oversees(e.Profile.Address.RegionCode) {
		return elder.ErrNotFound
	}
	return nil
}

// AddAllowance grants an elder an allowance.
func (s *Service) AddAllowance(ctx context.Context, a actor.Actor, elderID string, in AllowanceInput) (elder.Allowance, error) {
	if err := mayGrant(a); err != nil {
		return elder.Allowance{}, err
	}
	al := elder.Allowance{ID: s.d.NewID(), Issuer: in.Issuer, Kind: elder.AllowanceKind(in.Kind),
		MonthlyFen: in.MonthlyFen, MonthlyHours: in.MonthlyHours, OneOff: in.OneOff, TimeZone: in.TimeZone,
		SetBy: a.UserID, SetAt: s.d.Now().UTC()}
	var fields []fault.FieldError
	for _, t := range in.ServiceTypes {
		al.ServiceTypes = append(al.ServiceTypes, service.Type(t))
	}
	var err error
	if al.ValidFrom, err = calendar.ParseDate(in.ValidFrom); err != nil {
		fields = append(fields, fault.FieldError{Field: "/validFrom", Code: "date_invalid"})
	}
	if in.ValidTo != "" {
		if al.ValidTo, err = calendar.ParseDate(in.ValidTo); err != nil {
			fields = append(fields, fault.FieldError{Field: "/validTo", Code: "date_invalid"})
		}
	}
	if len(fields) > 0 {
		return elder.Allowance{}, elder.ErrAllowanceInvalid.WithFields(fields...)
	}
	if al, err = al.Validate(); err != nil {
		return elder.Allowance{}, err
	}
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		if err := supervised(a, e); err != nil {
			return err
		}
		e.Allowances = append(e.Allowances, al)
		return nil
	})
	if err != nil {
		return elder.Allowance{}, err
	}
	s.d.Audit.Record(ctx, a, e.FamilyID, audit.Create, "allowance", al.ID)
	s.d.Officials.Record(ctx, a, audit.GrantAllowance, "elder", e.ID, e.Profile.Address.RegionCode, al.ID)
	return al, nil
}

// RemoveAllowance ends an allowance granted in error.
func (s *Service) RemoveAllowance(ctx context.Context, a actor.Actor, elderID, allowanceID string) error {
	if err := mayGrant(a); err != nil {
		return err
	}
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		if err := supervised(a, e); err != nil {
			return err
		}
		for i, al := range e.Allowances {
			if al.ID == allowanceID {
				e.Allowances = append(e.Allowances[:i:i], e.Allowances[i+1:]...)
				return nil
			}
		}
		return elder.ErrAllowanceNotFound
	})
	if err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, e.FamilyID, audit.Delete, "allowance", allowanceID)
	s.d.Officials.Record(ctx, a, audit.EndAllowance, "elder", e.ID, e.Profile.Address.RegionCode, allowanceID)
	return nil
}

// Allowances shows an elder's allowances to their family or to those who
// grant them in the elder's region.
func (s *Service) Allowances(ctx context.Context, a actor.Actor, elderID string) ([]elder.Allowance, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return nil, err
	}
	if supervised(a, &e) == nil {
		return e.Allowances, nil
	}
	e, _, err = s.access(ctx, a, elderID)
	return e.Allowances, err
}
