package region

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Residents are a region's population figures, which a regulator enters
// from the statistics office's yearbook (kincare holds no census): its
// residents aged 60 and over, per year. They are the basis of the
// indicators per resident (持证养老护理员 per 10,000 residents aged 60+).
type Residents struct {
	Code Code
	// Figures are by year, oldest first, one per year.
	Figures []Figure
}

// Figure is one year's count, with who entered it and when.
type Figure struct {
	Year       int
	Aged60Plus int64
	EnteredBy  string
	EnteredAt  time.Time
}

// The range a figure is believed in: a year of kincare's data, and no
// more residents than a province has.
const (
	MinResidentsYear = 2000
	MaxAged60Plus    = 100_000_000
)

var (
	// ErrResidentsInvalid is a figure out of range.
	ErrResidentsInvalid = fault.New(fault.Unprocessable, "residents_invalid")
	// ErrYearInFuture is a figure for a year that has not begun.
	ErrYearInFuture = fault.New(fault.Unprocessable, "year_in_future")
)

// Set records f for its year, replacing the year's figure if there was
// one; thisYear is the current year in the regions' zone.
func (r *Residents) Set(f Figure, thisYear int) error {
	if f.Year > thisYear {
		return ErrYearInFuture.With(map[string]any{"year": f.Year})
	}
	var fields []fault.FieldError
	if f.Year < MinResidentsYear {
		fields = append(fields, fault.FieldError{Field: "year", Code: "range"})
	}
	if f.Aged60Plus < 1 || f.Aged60Plus > MaxAged60Plus {
		fields = append(fields, fault.FieldError{Field: "/aged60Plus", Code: "range"})
	}
	if len(fields) > 0 {
		return ErrResidentsInvalid.WithFields(fields...)
	}
	f.EnteredAt = f.EnteredAt.UTC()
	r.Figures = slices.DeleteFunc(r.Figures, func(o Figure) bool { return o.Year == f.Year })
	r.Figures = append(r.Figures, f)
	slices.SortFunc(r.Figures, func(a, b Figure) int { return a.Year - b.Year })
	return nil
}

// For is the figure that holds in year: the year's own, else the latest
// one before it (a yearbook figure stands until the next is out); none
// before the first figure entered.
func (r Residents) For(year int) (Figure, bool) {
	for i := len(r.Figures) - 1; i >= 0; i-- {
		if r.Figures[i].Year <= year {
			return r.Figures[i], true
		}
	}
	return Figure{}, false
}
