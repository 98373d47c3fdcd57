package childcare

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// Schedule says which slots an offering has: every calendar month for
// full-day care; otherwise each session on each of the weekdays (1
// Monday … 7 Sunday), in the provider's zone. Drop-in care has one
// session, the day's opening hours.
type Schedule struct {
	Weekdays []int
	Sessions []Session
}

// Session is a time range within a day, "HH:MM".
type Session struct{ Start, End string }

const maxSessions = 12

// Bounds of one request to open slots.
const (
	MaxOpenDays   = 92
	MaxOpenMonths = 12
)

var ErrRangeInvalid = fault.New(fault.Unprocessable, "slot_range_invalid")

var errSessionTime = errors.New("childcare: a session time is HH:MM")

func (s Schedule) validate(t CareType) []fault.FieldError {
	var fields []fault.FieldError
	bad := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	if t == FullDay {
		return nil
	}
	if len(s.Weekdays) == 0 {
		bad("/schedule/weekdays", "required")
	}
	for _, d := range s.Weekdays {
		if d < 1 || d > 7 {
			bad("/schedule/weekdays", "range")
			break
		}
	}
	switch {
	case len(s.Sessions) == 0:
		bad("/schedule/sessions", "required")
	case t == DropIn && len(s.Sessions) != 1:
		bad("/schedule/sessions", "one_for_drop_in")
	case len(s.Sessions) > maxSessions:
		bad("/schedule/sessions", "maxItems")
	}
	for i, ss := range s.Sessions {
		a, errA := minutes(ss.Start)
		b, errB := minutes(ss.End)
		if errA != nil || errB != nil || b <= a {
			bad(fmt.Sprintf("/schedule/sessions/%d", i), "range")
			continue
		}
		// Two sessions of one day that overlap would be one place twice.
		for j, other := range s.Sessions[:i] {
			c, errC := minutes(other.Start)
			d, errD := minutes(other.End)
			if errC == nil && errD == nil && a < d && c < b {
				bad(fmt.Sprintf("/schedule/sessions/%d", i), "overlaps_"+strconv.Itoa(j))
			}
		}
	}
	return fields
}

// minutes reads "HH:MM" exactly: a session's start is part of its slot's
// key (and id), so "9:00" and "09:00" must not name two slots.
func minutes(hhmm string) (int, error) {
	if len(hhmm) != len("15:04") {
		return 0, errSessionTime
	}
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// SlotSpec is one slot the schedule has: a key unique within the
// offering (its id is derived from it, so opening the same range twice
// makes no second slot) and its window.
type SlotSpec struct {
	Key          string
	Window       reservation.Window
	HoldsCloseAt time.Time
}

// Slots are the offering's slots from day from to day to, inclusive, in
// zone loc: months starting in the range for full-day care, sessions on
// scheduled weekdays otherwise.
func (o Offering) Slots(from, to calendar.Date, loc *time.Location) ([]SlotSpec, error) {
	if to.Before(from) {
		return nil, ErrRangeInvalid.WithFields(fault.FieldError{Field: "to", Code: "before_from"})
	}
	if o.CareType == FullDay {
		return o.months(from, to, loc)
	}
	if from.AddDays(MaxOpenDays - 1).Before(to) {
		return nil, ErrRangeInvalid.With(map[string]any{"maxDays": MaxOpenDays}).
			WithFields(fault.FieldError{Field: "to", Code: "range_too_long"})
	}
	var out []SlotSpec
	for d := from; !to.Before(d); d = d.AddDays(1) {
		day := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
		wd := int(day.Weekday())
		if wd == 0 {
			wd = 7
		}
		if !slices.Contains(o.Schedule.Weekdays, wd) {
			continue
		}
		for _, ss := range o.Schedule.Sessions {
			a, _ := minutes(ss.Start)
			b, _ := minutes(ss.End)
			start := time.Date(d.Year, d.Month, d.Day, a/60, a%60, 0, 0, loc)
			end := time.Date(d.Year, d.Month, d.Day, b/60, b%60, 0, 0, loc)
			out = append(out, SlotSpec{Key: d.String() + "T" + ss.Start,
				Window:       reservation.Window{Start: start.UTC(), End: end.UTC(), TimeZone: loc.String()},
				HoldsCloseAt: start.UTC()})
		}
	}
	return out, nil
}

// months are whole calendar months; enrolment stays open until the month
// ends (a family moving mid-month still needs the place).
func (o Offering) months(from, to calendar.Date, loc *time.Location) ([]SlotSpec, error) {
	first := time.Date(from.Year, from.Month, 1, 0, 0, 0, 0, loc)
	if from.Day != 1 {
		first = first.AddDate(0, 1, 0)
	}
	var out []SlotSpec
	for m := first; !to.Before(calendar.Today(m, loc)); m = m.AddDate(0, 1, 0) {
		if len(out) == MaxOpenMonths {
			return nil, ErrRangeInvalid.With(map[string]any{"maxMonths": MaxOpenMonths}).
				WithFields(fault.FieldError{Field: "to", Code: "range_too_long"})
		}
		end := m.AddDate(0, 1, 0)
		out = append(out, SlotSpec{Key: m.Format("2006-01"),
			Window:       reservation.Window{Start: m.UTC(), End: end.UTC(), TimeZone: loc.String()},
			HoldsCloseAt: end.UTC()})
	}
	return out, nil
}
