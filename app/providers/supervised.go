package providers

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/provider"
)

// SupervisedQuery narrows the providers a regulator oversees.
type SupervisedQuery struct {
	// Region is a province, city or district prefix (2, 4 or 6 digits).
	Region string
	Kind   string
	Credit string
	Status string
	// LapsesWithinDays, when set, keeps providers with a licence whose
	// last valid day is at most this many days after today (or past).
	LapsesWithinDays *int
	// ComplaintRateAtLeast, when set, keeps providers with at least this
	// many complaints per 100 orders over the complaint-rate window
	// (indicator.ComplaintRate). A platform admin names a region with it.
	ComplaintRateAtLeast *float64
	Cursor               string
	Limit                int
}

// SupervisedPage is one page of providers and the cursor to the next;
// with the complaint-rate filter, the rates of the providers on it.
type SupervisedPage struct {
	Providers  []*provider.Provider
	Rates      map[string]indicator.ComplaintRate
	NextCursor string
}

// MaxComplaintRate bounds the complaint-rate filter (complaints per 100
// orders; a provider complained about without orders can pass 100).
const MaxComplaintRate = 10000

var (
	regionPrefix = regexp.MustCompile(`^[1-9][0-9](?:[0-9]{2}){0,2}$`)
	// ErrFilterInvalid is a filter the list does not know.
	ErrFilterInvalid = fault.New(fault.Invalid, "invalid_parameter")
)

// supervisorZone is where a regulator's days turn: the regions are
// Chinese.
var supervisorZone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Supervised lists the providers in the caller's regions (a platform
// admin: everywhere), whatever their verification or credit, oldest
// first: the regulator's register of providers (监管名录). Regions and
// the store's coarse filters narrow in the store; kind and licence lapse
// are the domain's rules, applied here while the page fills.
func (s *Service) Supervised(ctx context.Context, a actor.Actor, q SupervisedQuery) (SupervisedPage, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return SupervisedPage{}, err
	}
	f, err := supervisedFilter(q)
	if err != nil {
		return SupervisedPage{}, err
	}
	var anywhere bool
	if f.Regions, anywhere = supervisedRegions(a, q.Region); len(f.Regions) == 0 && !anywhere {
		return SupervisedPage{Providers: []*provider.Provider{}}, nil
	}
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return SupervisedPage{}, err
	}
	rates, err := s.complaintRates(ctx, q, f.Regions)
	if err != nil {
		return SupervisedPage{}, err
	}
	var lapsesBy calendar.Date
	if q.LapsesWithinDays != nil {
		lapsesBy = calendar.Today(s.d.Now(), supervisorZone).AddDays(*q.LapsesWithinDays)
	}
	kind := provider.Kind(q.Kind)
	out := SupervisedPage{Providers: []*provider.Provider{}}
	more := false
	err = s.d.Providers.EachSupervised(ctx, f, p.After, func(pr *provider.Provider) (bool, error) {
		if kind != "" && !pr.HasKind(kind) || !lapsesBy.IsZero() && !pr.LicenceLapsesBy(lapsesBy) ||
			rates != nil && rates[pr.ID].PerHundred() < *q.ComplaintRateAtLeast {
			return true, nil
		}
		if len(out.Providers) == p.Limit {
			more = true
			return false, nil
		}
		out.Providers = append(out.Providers, pr)
		return true, nil
	})
	if err != nil {
		return SupervisedPage{}, err
	}
	if n := len(out.Providers); n > 0 {
		out.NextCursor = page.Cursor(out.Providers[n-1].ID, more)
	}
	if rates != nil {
		out.Rates = map[string]indicator.ComplaintRate{}
		for _, pr := range out.Providers {
			out.Rates[pr.ID] = rates[pr.ID]
		}
	}
	return out, nil
}

// complaintRates reads the rates the filter needs, once per page, from
// the indicators' read model for the regions the list reads (nil
// without the filter). Everywhere is not a region the read model is
// kept by: a platform admin names one.
func (s *Service) complaintRates(ctx context.Context, q SupervisedQuery, regions []string) (map[string]indicator.ComplaintRate, error) {
	if q.ComplaintRateAtLeast == nil {
		return nil, nil
	}
	if len(regions) == 0 {
		return nil, ErrFilterInvalid.WithFields(fault.FieldError{Field: "query.region", Code: "required"})
	}
	if s.d.Rates == nil {
		return nil, ErrFilterInvalid.WithFields(fault.FieldError{Field: "query.complaintRateAtLeast", Code: "unsupported"})
	}
	rates, err := s.d.Rates.ComplaintRates(ctx, regions)
	if err != nil {
		return nil, fmt.Errorf("complaint rates: %w", err)
	}
	return rates, nil
}

// supervisedRegions are the regions a list for a may cover, narrowed to
// region when one is asked for: a regulator's own (none when region lies
// outside them), a platform admin's anywhere (then anywhere is true and
// the regions are empty unless region names one).
func supervisedRegions(a actor.Actor, region string) (regions []string, anywhere bool) {
	if a.Roles.Has(identity.RolePlatformAdmin) {
		if region != "" {
			return []string{region}, false
		}
		return nil, true
	}
	return a.Regions.Narrow(region), false
}

func supervisedFilter(q SupervisedQuery) (SupervisedFilter, error) {
	var fields []fault.FieldError
	bad := func(f string) { fields = append(fields, fault.FieldError{Field: "query." + f, Code: "enum"}) }
	if q.Region != "" && !regionPrefix.MatchString(q.Region) {
		fields = append(fields, fault.FieldError{Field: "query.region", Code: "pattern"})
	}
	if _, ok := provider.ParseKind(q.Kind); q.Kind != "" && !ok {
		bad("kind")
	}
	if _, ok := provider.ParseCredit(q.Credit); q.Credit != "" && !ok {
		bad("credit")
	}
	switch provider.Verification(q.Status) {
	case "", provider.Pending, provider.Verified, provider.Rejected, provider.Suspended:
	default:
		bad("status")
	}
	if d := q.LapsesWithinDays; d != nil && (*d < 0 || *d > 366) {
		fields = append(fields, fault.FieldError{Field: "query.licenceLapsesWithinDays", Code: "range"})
	}
	if r := q.ComplaintRateAtLeast; r != nil && (*r < 0 || *r > MaxComplaintRate) {
		fields = append(fields, fault.FieldError{Field: "query.complaintRateAtLeast", Code: "range"})
	}
	if len(fields) > 0 {
		return SupervisedFilter{}, ErrFilterInvalid.WithFields(fields...)
	}
	return SupervisedFilter{Credit: q.Credit, Status: q.Status}, nil
}
