package indicators

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/region"
)

// Service serves the indicator tables and the resident figures they are
// computed per.
type Service struct {
	facts     Facts
	proj      *Projector
	residents ResidentFigures
	officials *audittrail.Officials
	now       func() time.Time
}

// Deps are what the service needs; Residents may be nil (no indicator
// per resident then), as may Officials (nothing logged).
type Deps struct {
	Facts     Facts
	Projector *Projector
	Residents ResidentFigures
	Officials *audittrail.Officials
	Now       func() time.Time
}

func NewService(d Deps) *Service {
	return &Service{facts: d.Facts, proj: d.Projector, residents: d.Residents, officials: d.Officials, now: d.Now}
}

// Query names a region (a six-digit code: a province, city or district)
// and a month (YYYY-MM; empty: the current one in indicator.Zone).
type Query struct {
	Region string
	Month  string
}

// Report is one region-month's table.
type Report struct {
	Region region.Code
	Month  indicator.Month
	Table  indicator.Table
}

// TrendReport is the 12 months ending with Month, oldest first.
type TrendReport struct {
	Region region.Code
	Months []indicator.Month
	Tables []indicator.Table
}

// Table computes one region-month. A regulator reads the regions that
// lie in theirs (a region reaching beyond them: 403
// region_not_supervised; the region itself is public); a platform admin
// any; everyone else nothing (403). A month that has not begun: 422.
func (s *Service) Table(ctx context.Context, a actor.Actor, q Query) (Report, error) {
	code, month, err := s.check(a, q)
	if err != nil {
		return Report{}, err
	}
	res, err := s.residentsOf(ctx, code)
	if err != nil {
		return Report{}, err
	}
	t, err := s.table(ctx, code, month, res)
	return Report{Region: code, Month: month, Table: t}, err
}

// Trend computes the 12 months ending with the query's month.
func (s *Service) Trend(ctx context.Context, a actor.Actor, q Query) (TrendReport, error) {
	code, month, err := s.check(a, q)
	if err != nil {
		return TrendReport{}, err
	}
	res, err := s.residentsOf(ctx, code)
	if err != nil {
		return TrendReport{}, err
	}
	out := TrendReport{Region: code, Months: indicator.Trend(month)}
	for _, m := range out.Months {
		t, err := s.table(ctx, code, m, res)
		if err != nil {
			return TrendReport{}, err
		}
		out.Tables = append(out.Tables, t)
	}
	return out, nil
}

func (s *Service) table(ctx context.Context, code region.Code, m indicator.Month, res region.Residents) (indicator.Table, error) {
	facts, err := s.facts.InRegion(ctx, code.Prefix(), m)
	if err != nil {
		return indicator.Table{}, err
	}
	var r indicator.Residents
	if f, ok := res.For(m.Year); ok {
		r.Aged60Plus = f.Aged60Plus
	}
	return indicator.Compute(facts, m, s.now(), r), nil
}

// residentsOf reads the figures entered for the region itself: a
// city's figure is the city's, never the sum of its districts' (they may
// be of other years, or some missing).
func (s *Service) residentsOf(ctx context.Context, code region.Code) (region.Residents, error) {
	if s.residents == nil {
		return region.Residents{Code: code}, nil
	}
	r, err := s.residents.Get(ctx, code)
	if err != nil {
		return region.Residents{}, err
	}
	return *r, nil
}

// check authorizes the caller for the region and parses the month.
func (s *Service) check(a actor.Actor, q Query) (region.Code, indicator.Month, error) {
	code, err := s.checkRegion(a, q.Region)
	if err != nil {
		return "", indicator.Month{}, err
	}
	now := s.now()
	month := indicator.MonthOf(now)
	if q.Month != "" {
		if month, err = indicator.ParseMonth(q.Month); err != nil {
			return "", indicator.Month{}, err
		}
	}
	if err := month.CheckPast(now); err != nil {
		return "", indicator.Month{}, err
	}
	return code, month, nil
}

// Rebuild writes the read model again from the source collections
// (Projector.Rebuild). Platform admins only: it is an operator's repair,
// not a regulator's read.
func (s *Service) Rebuild(ctx context.Context, a actor.Actor) (int, error) {
	if err := a.Require(identity.RolePlatformAdmin); err != nil {
		return 0, err
	}
	return s.proj.Rebuild(ctx)
}

// PastMonth parses a month (YYYY-MM) that has begun by the service's
// clock: what an export for a month accepts (422 otherwise).
func (s *Service) PastMonth(m string) (indicator.Month, error) {
	month, err := indicator.ParseMonth(m)
	if err != nil {
		return indicator.Month{}, err
	}
	return month, month.CheckPast(s.now())
}
