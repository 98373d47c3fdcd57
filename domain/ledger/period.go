package ledger

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

// ErrPeriodInvalid is a period that is not a calendar month written
// yyyy-mm.
var ErrPeriodInvalid = fault.New(fault.Unprocessable, "period_invalid")

// Period is the time an account's amount is granted for: a calendar
// month in the grantor's zone (Key "2026-12"), or the validity of a
// one-off grant (Key "2026-01-01..2026-06-30"). Start is inclusive, End
// exclusive.
type Period struct {
	Key        string
	Start, End time.Time
}

var monthKey = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])$`)

// Month is the calendar month in loc that contains t.
func Month(t time.Time, loc *time.Location) Period {
	local := t.In(loc)
	return monthStarting(local.Year(), local.Month(), loc)
}

// ParseMonth reads a month written yyyy-mm, as in loc.
func ParseMonth(s string, loc *time.Location) (Period, error) {
	m := monthKey.FindStringSubmatch(s)
	if m == nil {
		return Period{}, ErrPeriodInvalid.WithFields(fault.FieldError{Field: "period", Code: "pattern"})
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if y < 2000 {
		return Period{}, ErrPeriodInvalid.WithFields(fault.FieldError{Field: "period", Code: "range"})
	}
	return monthStarting(y, time.Month(mo), loc), nil
}

func monthStarting(y int, m time.Month, loc *time.Location) Period {
	start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	return Period{Key: fmt.Sprintf("%04d-%02d", y, int(m)), Start: start.UTC(), End: start.AddDate(0, 1, 0).UTC()}
}

// Span is the whole of a one-off grant's validity, from's first instant
// to the end of to (inclusive) in loc.
func Span(from, to calendar.Date, loc *time.Location) Period {
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return Period{Key: from.String() + ".." + to.String(), Start: start.UTC(), End: end.UTC()}
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }
