package indicators

import (
	"context"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/region"
)

// ResidentsCommand is a regulator entering a region's residents aged 60
// and over in a year.
type ResidentsCommand struct {
	Region     string
	Year       string
	Aged60Plus int64
}

// SetResidents records a region's resident figure for a year. It is the
// officials' own figure, not business data: a regulator enters it for a
// region within theirs (403 region_not_supervised beyond them, as the
// indicators answer: regions are public, nothing is hidden by a 404), a
// platform admin for any. Nobody else (403). A year not begun: 422
// year_in_future. The regulator's entry is in the officials' log.
func (s *Service) SetResidents(ctx context.Context, a actor.Actor, cmd ResidentsCommand) (*region.Residents, error) {
	code, err := s.checkRegion(a, cmd.Region)
	if err != nil {
		return nil, err
	}
	year, err := strconv.Atoi(cmd.Year)
	if err != nil || len(cmd.Year) != 4 {
		return nil, region.ErrResidentsInvalid.WithFields(fault.FieldError{Field: "year", Code: "pattern"})
	}
	now := s.now()
	f := region.Figure{Year: year, Aged60Plus: cmd.Aged60Plus, EnteredBy: a.UserID, EnteredAt: now}
	thisYear := now.In(indicator.Zone).Year()
	if err := (&region.Residents{}).Set(f, thisYear); err != nil {
		return nil, err // refused before any write
	}
	r, err := s.residents.Update(ctx, code, func(r *region.Residents) error { return r.Set(f, thisYear) })
	if err != nil {
		return nil, err
	}
	s.officials.Record(ctx, a, audit.SetResidents, "region", string(code), string(code),
		cmd.Year+": "+strconv.FormatInt(cmd.Aged60Plus, 10)+" aged 60+")
	return r, nil
}

// Residents shows a region's figures to those who may read its
// indicators.
func (s *Service) Residents(ctx context.Context, a actor.Actor, code string) (*region.Residents, error) {
	c, err := s.checkRegion(a, code)
	if err != nil {
		return nil, err
	}
	return s.residents.Get(ctx, c)
}

// checkRegion lets regulators through for regions within theirs and
// platform admins for any.
func (s *Service) checkRegion(a actor.Actor, code string) (region.Code, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return "", err
	}
	c, err := region.ParseCode(code)
	if err != nil {
		return "", err
	}
	if !a.Roles.Has(identity.RolePlatformAdmin) && !a.Regions.Contains(region.Scope{c}) {
		return "", region.ErrNotSupervised.With(map[string]any{"regionCode": code})
	}
	return c, nil
}

// Exported writes in the officials' log that a regulator took a file
// out of the platform (what: indicators, providers, complaints), for a
// region (none given: their first) with what narrowed it (detail). The
// export was already allowed by the read it repeats; a platform admin's
// is not an official's act (audittrail.Officials).
func (s *Service) Exported(ctx context.Context, a actor.Actor, what, regionCode, detail string) {
	if regionCode == "" && len(a.Regions) > 0 {
		regionCode = string(a.Regions[0])
	}
	s.officials.Record(ctx, a, audit.Export, "export", what, regionCode, detail)
}
