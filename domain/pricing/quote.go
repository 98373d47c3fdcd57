// Package pricing decides what a home-care service costs one elder: the
// market price, the 普惠 price when it applies, what the elder's
// allowances would pay and what the family pays. Amounts are integer fen.
// Pure domain code: the caller loads the elder, the provider and the
// item, and passes the time.
package pricing

import (
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// InclusiveMinAge is the age from which an elder pays the 普惠 price
// where a provider offers one: the law's definition of 老年人.
const InclusiveMinAge = 60

var (
	ErrProviderUnavailable = fault.New(fault.Unprocessable, "provider_unavailable")
	ErrItemInactive        = fault.New(fault.Unprocessable, "service_item_inactive")
	ErrAbilityNotEligible  = fault.New(fault.Unprocessable, "ability_level_not_eligible")
	ErrAgeNotEligible      = fault.New(fault.Unprocessable, "age_not_eligible")
	ErrOutsideServiceArea  = fault.New(fault.Unprocessable, "outside_service_area")
	ErrOutsideHours        = fault.New(fault.Unprocessable, "outside_opening_hours")
	ErrWindowInvalid       = fault.New(fault.Unprocessable, "window_invalid")
	ErrWindowInPast        = fault.New(fault.Unprocessable, "window_in_past")
)

// Request is what a family asks a price for.
type Request struct {
	Elder    elder.Elder
	Provider *provider.Provider
	Item     catalog.Item
	Start    time.Time
	End      time.Time
	// Quantity of a per-visit or per-meal item (0: one). Hours and days
	// always come from the window, so nobody pays for less than they get.
	Quantity int
	// Remaining is what each allowance has left in its ledger period of
	// the service's day: fen, or minutes for free hours. An allowance
	// missing from it offers its whole monthly grant (nothing drew on
	// that period yet). The ledger's reservation, not this number, is
	// what keeps an allowance from being spent twice.
	Remaining map[string]int64
}

// Quote is the price of one request.
type Quote struct {
	ItemID       string
	PriceVersion int
	Unit         catalog.Unit
	Quantity     int
	MarketFen    int64 // market price × quantity
	InclusiveFen int64 // 普惠 price × quantity, 0 when it does not apply
	ChargedFen   int64 // the price the provider charges: 普惠 when it applies
	Allowances   []AllowanceUse
	AllowanceFen int64
	DueFen       int64 // what the family pays
}

// AllowanceUse is what one allowance would pay. Hours are for free_hours.
type AllowanceUse struct {
	AllowanceID string
	Kind        elder.AllowanceKind
	Fen         int64
	Hours       int
}

// Price quotes r at now, or refuses with the first rule it breaks.
func Price(r Request, now time.Time) (Quote, error) {
	loc, err := time.LoadLocation(r.Provider.Profile.TimeZone)
	if err != nil {
		loc = time.UTC // validated when the provider was registered
	}
	if err := checkWindow(r, now, loc); err != nil {
		return Quote{}, err
	}
	if err := checkEligible(r, loc); err != nil {
		return Quote{}, err
	}
	qty := quantity(r.Item.Unit, r.End.Sub(r.Start))
	if r.Item.Unit != catalog.PerHour && r.Item.Unit != catalog.PerDay && r.Quantity > 0 {
		qty = r.Quantity
	}
	p := r.Item.Price
	q := Quote{ItemID: r.Item.ID, PriceVersion: p.Version, Unit: r.Item.Unit, Quantity: qty,
		MarketFen: p.MarketFen * int64(qty)}
	day := calendar.Today(r.Start, loc)
	q.ChargedFen = q.MarketFen
	if p.InclusiveFen > 0 && r.Elder.EligibilityBirthDate().YearsOn(day) >= InclusiveMinAge {
		q.InclusiveFen = p.InclusiveFen * int64(qty)
		q.ChargedFen = q.InclusiveFen
	}
	unitFen := q.ChargedFen / int64(qty)
	q.Allowances, q.AllowanceFen = allowancesFor(r, day, unitFen, qty, q.ChargedFen)
	q.DueFen = q.ChargedFen - q.AllowanceFen
	return q, nil
}

// checkWindow holds a quote to the bounds of the order it is for (see
// order.Window): a quote the order would refuse answers nothing, and an
// unbounded window would let a client make kincare count years of
// opening hours.
func checkWindow(r Request, now time.Time, loc *time.Location) error {
	switch {
	case !r.End.After(r.Start) || r.End.Sub(r.Start) > order.MaxWindow:
		return ErrWindowInvalid.WithFields(fault.FieldError{Field: "/window/end", Code: "window_invalid"})
	case r.Start.Before(now):
		return ErrWindowInPast.WithFields(fault.FieldError{Field: "/window/start", Code: "window_in_past"})
	case r.Start.Sub(now) > order.MaxAdvance:
		return ErrWindowInvalid.WithFields(fault.FieldError{Field: "/window/start", Code: "too_far_ahead"})
	case r.Item.Unit != catalog.PerDay && !provider.HoursCover(r.Provider.Profile.Hours, r.Start.In(loc), r.End.In(loc)):
		// Stays by the day (respite care) are served around the clock.
		return ErrOutsideHours
	}
	return nil
}

func checkEligible(r Request, loc *time.Location) error {
	if !r.Provider.Visible() {
		return ErrProviderUnavailable
	}
	if !r.Item.Active {
		return ErrItemInactive
	}
	// Only an assessing body's word, and the birth date on record, decide
	// eligibility: what a family types is kept, and counts for nothing
	// here (elder.Assessment.IsOfficial, elder.Elder.SetProfile).
	el := r.Item.Eligibility
	if len(el.Levels) > 0 {
		a := r.Elder.Health.Official()
		if a == nil || !slices.Contains(el.Levels, a.Level) {
			return ErrAbilityNotEligible
		}
	}
	if el.MinAge > 0 && r.Elder.EligibilityBirthDate().YearsOn(calendar.Today(r.Start, loc)) < el.MinAge {
		return ErrAgeNotEligible
	}
	home := r.Elder.Profile.Address
	if !r.Provider.Covers(geo.Distance(r.Provider.Profile.Address.Location, home.Location), home.RegionCode) {
		return ErrOutsideServiceArea
	}
	return nil
}

// quantity derives how many units a window holds.
func quantity(u catalog.Unit, window time.Duration) int {
	switch u {
	case catalog.PerHour:
		return int((window + time.Hour - 1) / time.Hour)
	case catalog.PerDay:
		return int((window + 24*time.Hour - 1) / (24 * time.Hour))
	}
	return 1
}

// Yuan writes fen as yuan with exactly two decimals ("120.05"), without
// floating point: for statements and messages people read.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
