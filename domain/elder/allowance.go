package elder

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
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

// Allowance is what an issuer grants an elder each month: an amount in
// fen, or (free_hours) a number of service hours. Orders draw on it.
type Allowance struct {
	ID           string
	Issuer       string // 上海市徐汇区民政局
	Kind         AllowanceKind
	MonthlyFen   int64
	MonthlyHours int
	ServiceTypes []service.Type
	ValidFrom    calendar.Date
	ValidTo      calendar.Date // inclusive; zero means open-ended
	SetBy        string
	SetAt        time.Time
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
	return a, v.errAs(ErrAllowanceInvalid)
}

// CoversOn reports whether the allowance pays for t on day.
func (a Allowance) CoversOn(t service.Type, day calendar.Date) bool {
	return slices.Contains(a.ServiceTypes, t) && !day.Before(a.ValidFrom) &&
		(a.ValidTo.IsZero() || !a.ValidTo.Before(day))
}
