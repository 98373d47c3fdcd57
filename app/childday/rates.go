package childday

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	domainregion "github.com/kincare/kincare/domain/region"
)

var regionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// RateCommand is a regulator setting a region's subsidy for 普惠
// childcare places, per attended day, from a month on, with the policy
// document that decided it.
type RateCommand struct {
	DailyFen int64
	From     attendance.Month
	Document string
}

// regulatorZone is where a regulator's months turn: the rates are
// Chinese regions'.
const regulatorZone = "Asia/Shanghai"

// SetRate records a region's rate: the region's regulators (and the
// platform's admins) decide what a 普惠 place's attended day is worth,
// not the providers who claim it. A regulator sets the rates of regions
// within theirs only (403 region_not_supervised elsewhere: the region
// is public, so nothing is hidden by a 404). A rate applies from a month not yet
// over: statements of months gone keep the rate they were computed with.
func (s *Service) SetRate(ctx context.Context, a actor.Actor, region string, cmd RateCommand) (attendance.Rate, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return attendance.Rate{}, err
	}
	if !regionCode.MatchString(region) {
		return attendance.Rate{}, attendance.ErrRateInvalid.WithFields(fault.FieldError{Field: "regionCode", Code: "pattern"})
	}
	if !a.Oversees(region) {
		return attendance.Rate{}, domainregion.ErrNotSupervised
	}
	loc, err := time.LoadLocation(regulatorZone)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	now := s.d.Now()
	r := attendance.Rate{DailyFen: cmd.DailyFen, From: cmd.From, Document: cmd.Document, SetBy: a.UserID, SetAt: now,
		Basis: attendance.PerAttendedDay}
	book, err := s.d.Rates.Update(ctx, region, func(b *attendance.RateBook) error {
		return b.Set(r, attendance.MonthOf(calendar.Today(now, loc)))
	})
	if err != nil {
		return attendance.Rate{}, err
	}
	set, _ := book.For(cmd.From)
	s.d.Officials.Record(ctx, a, audit.SetSubsidyRate, "region", region, region,
		strconv.FormatInt(cmd.DailyFen, 10)+" fen/day from "+cmd.From.String())
	return set, nil
}

// Rates are a region's rates over time; published policy, for anyone
// signed in (providers see what their places will claim).
func (s *Service) Rates(ctx context.Context, a actor.Actor, region string) (*attendance.RateBook, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	if !regionCode.MatchString(region) {
		return nil, attendance.ErrRateNotFound
	}
	return s.d.Rates.Get(ctx, region)
}
