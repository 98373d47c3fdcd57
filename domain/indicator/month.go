// Package indicator holds the regulator's indicators (监管指标): the
// facts a read model keeps about each aggregate that feeds them, one
// per order, complaint, incident, provider, …, and the rules that turn
// a region-month's facts into its indicator table. A fact is derived
// from an aggregate's current state, never accumulated from deltas, so
// applying one twice, or out of order, changes nothing, and a rebuild
// from the source collections writes the same facts the events did.
//
// Pure domain code: no I/O, time passed in.
package indicator

import (
	"fmt"
	"regexp"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

var (
	// ErrMonthInvalid is a month that is not YYYY-MM.
	ErrMonthInvalid = fault.New(fault.Unprocessable, "month_invalid")
	// ErrMonthInFuture is a month that has not begun in the regions'
	// zone: nothing can be known of it yet.
	ErrMonthInFuture = fault.New(fault.Unprocessable, "month_in_future")
)

// Zone is where the regions' months turn: the regions are Chinese.
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Month is a calendar month in Zone, "2006-01".
type Month struct {
	Year  int
	Month time.Month
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// ParseMonth accepts YYYY-MM.
func ParseMonth(s string) (Month, error) {
	if !monthPattern.MatchString(s) {
		return Month{}, ErrMonthInvalid.WithFields(fault.FieldError{Field: "month", Code: "pattern"})
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, ErrMonthInvalid.WithFields(fault.FieldError{Field: "month", Code: "pattern"})
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// MonthOf is the month t falls in, in Zone.
func MonthOf(t time.Time) Month {
	l := t.In(Zone)
	return Month{Year: l.Year(), Month: l.Month()}
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports the zero month.
func (m Month) IsZero() bool { return m == Month{} }

// Add moves n months on (back when n < 0).
func (m Month) Add(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	return Month{Year: i / 12, Month: time.Month(i%12 + 1)}
}

// After reports whether m comes later than o.
func (m Month) After(o Month) bool {
	return m.Year > o.Year || m.Year == o.Year && m.Month > o.Month
}

// Start is the month's first instant in Zone.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, Zone) }

// End is the next month's first instant in Zone.
func (m Month) End() time.Time { return m.Add(1).Start() }

// CheckPast refuses a month that has not begun at now.
func (m Month) CheckPast(now time.Time) error {
	if m.After(MonthOf(now)) {
		return ErrMonthInFuture.With(map[string]any{"month": m.String()})
	}
	return nil
}

// Trend is the 12 months ending with to, oldest first.
func Trend(to Month) []Month {
	out := make([]Month, 12)
	for i := range out {
		out[i] = to.Add(i - 11)
	}
	return out
}

// FileTime is the modification time every exported file's entries carry
// (an XLSX is a zip of parts, each with a time): fixed, so that the same
// data exports to the same bytes. The zip format's first representable
// time.
var FileTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
