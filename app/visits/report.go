package visits

import (
	"context"
	"regexp"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/visit"
)

var (
	// ErrMonthInvalid is a month that is not yyyy-mm.
	ErrMonthInvalid = fault.New(fault.Invalid, "month_invalid")
	// ErrRegionInvalid is a region filter that is not a province, city
	// or district prefix.
	ErrRegionInvalid = fault.New(fault.Invalid, "region_invalid")
	regionPrefix     = regexp.MustCompile(`^[1-9][0-9](?:[0-9]{2}){0,2}$`)
)

func checkMonth(month string) error {
	if _, err := ledger.ParseMonth(month, time.UTC); err != nil {
		return ErrMonthInvalid.WithFields(fault.FieldError{Field: "query.month", Code: "pattern"})
	}
	return nil
}

// StationReport is a month's visiting of the elders a station answers
// for (visited ÷ due, overdue once the month ended, per visitor), to its
// office.
func (s *Service) StationReport(ctx context.Context, a actor.Actor, stationID, month string) (visit.MonthlyReport, error) {
	if err := checkMonth(month); err != nil {
		return visit.MonthlyReport{}, err
	}
	if _, err := s.stationOffice(ctx, a, stationID); err != nil {
		return visit.MonthlyReport{}, err
	}
	cs, err := s.d.Cares.ForStation(ctx, stationID)
	if err != nil {
		return visit.MonthlyReport{}, err
	}
	vs, err := s.d.Visits.ForStationMonth(ctx, stationID, month)
	if err != nil {
		return visit.MonthlyReport{}, err
	}
	return visit.MonthReport(month, cs, vs, s.d.Now())
}

// RegionReport is the same over the elders in the caller's regions (or
// the part of them under region), to regulators; a region outside them
// counts nothing.
func (s *Service) RegionReport(ctx context.Context, a actor.Actor, region, month string) (visit.MonthlyReport, error) {
	if err := a.Require(identity.RoleRegulator); err != nil {
		return visit.MonthlyReport{}, err
	}
	if err := checkMonth(month); err != nil {
		return visit.MonthlyReport{}, err
	}
	if region != "" && !regionPrefix.MatchString(region) {
		return visit.MonthlyReport{}, ErrRegionInvalid.WithFields(fault.FieldError{Field: "query.region", Code: "pattern"})
	}
	var cs []*visit.Care
	var vs []*visit.Visit
	for _, p := range a.Regions.Narrow(region) {
		c, err := s.d.Cares.InRegion(ctx, p)
		if err != nil {
			return visit.MonthlyReport{}, err
		}
		v, err := s.d.Visits.ForRegionMonth(ctx, p, month)
		if err != nil {
			return visit.MonthlyReport{}, err
		}
		cs, vs = append(cs, c...), append(vs, v...)
	}
	return visit.MonthReport(month, cs, vs, s.d.Now())
}

// PastMonth parses a month (YYYY-MM) that has begun by the service's
// clock: what a file of a month accepts (422 month_invalid,
// month_in_future otherwise, as the indicators' exports answer).
func (s *Service) PastMonth(m string) (indicator.Month, error) {
	month, err := indicator.ParseMonth(m)
	if err != nil {
		return indicator.Month{}, err
	}
	return month, month.CheckPast(s.d.Now())
}

// VisitorPlan is the caller's own month: the elders assigned to them,
// each with the month's visit if made (by anyone).
func (s *Service) VisitorPlan(ctx context.Context, a actor.Actor, month string) (visit.MonthlyReport, error) {
	if a.UserID == "" {
		return visit.MonthlyReport{}, fault.ErrUnauthenticated
	}
	if err := checkMonth(month); err != nil {
		return visit.MonthlyReport{}, err
	}
	cs, err := s.d.Cares.ForVisitor(ctx, a.UserID)
	if err != nil {
		return visit.MonthlyReport{}, err
	}
	var vs []*visit.Visit
	stations := map[string]bool{}
	for _, c := range cs {
		if c.StationID == "" || stations[c.StationID] {
			continue
		}
		stations[c.StationID] = true
		v, err := s.d.Visits.ForStationMonth(ctx, c.StationID, month)
		if err != nil {
			return visit.MonthlyReport{}, err
		}
		vs = append(vs, v...)
	}
	return visit.MonthReport(month, cs, vs, s.d.Now())
}
