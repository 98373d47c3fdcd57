package attendance

import (
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

var (
	ErrMonthInvalid = fault.New(fault.Unprocessable, "month_invalid")
	ErrRateInvalid  = fault.New(fault.Unprocessable, "subsidy_rate_invalid")
	// ErrRateRetroactive is a rate set for a month already over: claims
	// for it were computed with the rate it had.
	ErrRateRetroactive = fault.New(fault.Unprocessable, "subsidy_rate_retroactive")
	ErrRateNotFound    = fault.New(fault.NotFound, "subsidy_rate_not_found")
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != len("2006-01") {
		return Month{}, ErrMonthInvalid.With(map[string]any{"value": s})
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf is the month of a date.
func MonthOf(d calendar.Date) Month { return Month{d.Year, d.Month} }

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// First and Last are the month's first and last days.
func (m Month) First() calendar.Date { return calendar.Date{Year: m.Year, Month: m.Month, Day: 1} }
func (m Month) Last() calendar.Date  { return m.Next().First().AddDays(-1) }

// Next is the month after.
func (m Month) Next() Month {
	if m.Month == time.December {
		return Month{m.Year + 1, time.January}
	}
	return Month{m.Year, m.Month + 1}
}

// Before reports whether m is an earlier month than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// Basis is what a subsidy is paid per.
type Basis string

// PerAttendedDay pays for each day a child on a 普惠 place attended (按实
// 际出勤天数): the rule statements compute claims with.
const PerAttendedDay Basis = "per_attended_day"

// Rate is a region's subsidy for 普惠 childcare places, from a month on,
// as the regulator set it with the document that decided it.
type Rate struct {
	RegionCode string
	DailyFen   int64
	Basis      Basis
	From       Month
	// Document names the policy that decided the rate (文件号).
	Document string
	SetBy    string
	SetAt    time.Time
}

// MaxDailyFen bounds a daily rate (¥500): anything above is a typo in
// fen or yuan.
const MaxDailyFen = 50_000

// maxRates bounds a region's history: ten years of monthly changes.
const maxRates = 120

// RateBook is a region's rates over time, one document per region code:
// a rate applies from its month until the next one's.
type RateBook struct {
	regionCode string
	rates      []Rate
}

func NewRateBook(regionCode string) *RateBook { return &RateBook{regionCode: regionCode} }

func (b *RateBook) RegionCode() string { return b.regionCode }
func (b *RateBook) Rates() []Rate      { return slices.Clone(b.rates) }

// documentRule is the regulator's document a rate is set by, as the
// statement shows it (沪卫人口发〔2026〕1号).
var documentRule = text.Rule{Max: 100, Required: true}

// Set records a rate from r.From on. Months already over keep the rate
// they had, since their claims were computed with it: r.From may be the
// current month (current) or later. A rate for a month that has one
// replaces it.
func (b *RateBook) Set(r Rate, current Month) error {
	var fields []fault.FieldError
	if r.DailyFen < 0 || r.DailyFen > MaxDailyFen {
		fields = append(fields, fault.FieldError{Field: "/dailyRateFen", Code: "range"})
	}
	if r.Basis == "" {
		r.Basis = PerAttendedDay
	}
	if r.Basis != PerAttendedDay {
		fields = append(fields, fault.FieldError{Field: "/basis", Code: "enum"})
	}
	fields = documentRule.Check(fields, "/document", &r.Document)
	if len(fields) > 0 {
		return ErrRateInvalid.WithFields(fields...)
	}
	if r.From.Before(current) {
		return ErrRateRetroactive.With(map[string]any{"from": r.From.String(), "current": current.String()}).
			WithFields(fault.FieldError{Field: "/effectiveFrom", Code: "month_over"})
	}
	r.RegionCode, r.SetAt = b.regionCode, r.SetAt.UTC()
	b.rates = slices.DeleteFunc(b.rates, func(x Rate) bool { return x.From == r.From })
	if len(b.rates) >= maxRates {
		b.rates = slices.Delete(b.rates, 0, 1)
	}
	b.rates = append(b.rates, r)
	slices.SortFunc(b.rates, func(x, y Rate) int {
		switch {
		case x.From.Before(y.From):
			return -1
		case y.From.Before(x.From):
			return 1
		}
		return 0
	})
	return nil
}

// For is the rate in force in month m.
func (b *RateBook) For(m Month) (Rate, bool) {
	for i := len(b.rates) - 1; i >= 0; i-- {
		if !m.Before(b.rates[i].From) {
			return b.rates[i], true
		}
	}
	return Rate{}, false
}

// UnmarshalRateBook rebuilds a stored book.
func UnmarshalRateBook(regionCode string, rates []Rate) *RateBook {
	return &RateBook{regionCode: regionCode, rates: slices.Clone(rates)}
}

// RegionChain is where a provider's rate is looked for: its district's
// code, then its city's, then its province's (GB/T 2260: 310104 → 310100
// → 310000).
func RegionChain(code string) []string {
	if len(code) != 6 {
		return nil
	}
	out := []string{code}
	for _, c := range []string{code[:4] + "00", code[:2] + "0000"} {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
