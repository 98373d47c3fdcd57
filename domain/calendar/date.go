// Package calendar holds civil dates (a birthday has no time zone) and the
// rules for computing ages from them in a family's own time zone.
package calendar

import (
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Date is a day on the calendar, without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const layout = "2006-01-02"

var ErrDateInvalid = fault.New(fault.Unprocessable, "date_invalid")

// ParseDate reads YYYY-MM-DD and refuses impossible days (2026-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, ErrDateInvalid.With(map[string]any{"value": s})
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// Today is the date it is now in loc.
func Today(now time.Time, loc *time.Location) Date {
	y, m, d := now.In(loc).Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports an unset date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// YearsOn is the age in whole years of someone born on d, on day on.
// Someone born on 29 February turns a year older on 1 March in common years.
func (d Date) YearsOn(on Date) int {
	years := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		years--
	}
	return years
}

// MonthsOn is the age in whole months, as childcare counts it.
func (d Date) MonthsOn(on Date) int {
	months := (on.Year-d.Year)*12 + int(on.Month-d.Month)
	if on.Day < d.Day {
		months--
	}
	return months
}

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}
