package elder

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/service"
)

// AllowanceKind is where public money or time for care comes from.
type AllowanceKind string

const (
	OldAgeAllowance       AllowanceKind = "old_age_allowance" // 高龄津贴
	ServiceSubsidy        AllowanceKind = "service_subsidy"   // 养老服务补贴
	CareSubsidy           AllowanceKind = "care_subsidy"      // 护理补贴
	LongTermCareInsurance AllowanceKind = "ltc_insurance"     // 长期护理保险
	FreeHours             AllowanceKind = "free_hours"        // 免费服务时长
)

var allowanceKinds = []AllowanceKind{OldAgeAllowance, ServiceSubsidy, CareSubsidy, LongTermCareInsurance, FreeHours}

var ErrAllowanceInvalid = fault.New(fault.Unprocessable, "allowance_invalid")
var ErrAllowanceNotFound = fault.New(fault.NotFound, "allowance_not_found")

// DefaultTimeZone is an issuer's zone unless the allowance names one.
const DefaultTimeZone = "Asia/Shanghai"

// Allowance is what an issuer grants an elder each month: an amount in
// fen, or (free_hours) a number of service hours. Orders draw on it
// through the ledger, one account per calendar month in the issuer's
// zone; a one-off grant (OneOff) is one amount for its whole validity.
type Allowance struct {
	ID           string
	Issuer       string // 上海市徐汇区民政局
	Kind         AllowanceKind
	MonthlyFen   int64 // a one-off grant: the whole amount
	MonthlyHours int
	ServiceTypes []service.Type
	ValidFrom    calendar.Date
	ValidTo      calendar.Date // inclusive; zero means open-ended
	OneOff       bool
	TimeZone     string // the issuer's IANA zone; empty: DefaultTimeZone
	SetBy        string
	SetAt        time.Time
}

// Location is the issuer's zone, in which the allowance's months and
// days count.
func (a Allowance) Location() *time.Location {
	name := a.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC // validated when granted
	}
	return loc
}

// Validate checks an allowance as an administrator enters it.
func (a Allowance) Validate() (Allowance, error) {
	v := validator{}
	a.Issuer = v.text("/issuer", a.Issuer, maxText, true)
	if !slices.Contains(allowanceKinds, a.Kind) {
		v.add("/kind", "enum")
	}
	switch {
	case a.Kind == FreeHours && (a.MonthlyHours <= 0 || a.MonthlyFen != 0):
		v.add("/monthlyHours", "required_positive")
	case a.Kind != FreeHours && (a.MonthlyFen <= 0 || a.MonthlyHours != 0):
		v.add("/monthlyFen", "required_positive")
	}
	if len(a.ServiceTypes) == 0 {
		v.add("/serviceTypes", "required")
	}
	for i, t := range a.ServiceTypes {
		if !t.Valid() {
			v.add("/serviceTypes/"+strconv.Itoa(i), "enum")
		}
	}
	if a.ValidFrom.IsZero() {
		v.add("/validFrom", "required")
	}
	if !a.ValidTo.IsZero() && a.ValidTo.Before(a.ValidFrom) {
		v.add("/validTo", "before_valid_from")
	}
	if a.OneOff && a.ValidTo.IsZero() {
		v.add("/validTo", "required") // a one-off grant is for a span
	}
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || !strings.Contains(a.TimeZone, "/") {
			v.add("/timeZone", "time_zone_unknown")
		}
	}
	return a, v.errAs(ErrAllowanceInvalid)
}

// CoversOn reports whether the allowance pays for t on day.
func (a Allowance) CoversOn(t service.Type, day calendar.Date) bool {
	return slices.Contains(a.ServiceTypes, t) && !day.Before(a.ValidFrom) &&
		(a.ValidTo.IsZero() || !a.ValidTo.Before(day))
}

// EventAllowanceAdjusted is a regulator adding to or taking from an
// allowance's period: the family is told what changed and why. Its data
// carries ids, the period, the signed change in the account's unit and
// the reason; never the elder's name.
const EventAllowanceAdjusted event.Type = "allowance.adjusted"
