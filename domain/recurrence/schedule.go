// Package recurrence owns the calendar of care that repeats: a Schedule
// (RFC 5545 recurrence in a family's time zone: weekly on days, every N
// weeks, monthly by day of the month, between a first and an optional
// last day, at a local time of day) and a Rule, the aggregate a family
// keeps for a home-care service ordered again and again (bathing every
// Tuesday), with pause, skips, an end and a split ("this and future").
//
// The dates come from github.com/teambition/rrule-go on a floating
// calendar (no zone); each date's start is then placed in the rule's zone
// with time.Date, so a visit at 10:00 stays at 10:00 local across a
// daylight-saving change. It imports no driver and reads no clock: time
// is passed in.
package recurrence

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

// Frequency is how a schedule repeats.
type Frequency string

const (
	Weekly  Frequency = "weekly"
	Monthly Frequency = "monthly"
)

// Errors a schedule's constructor answers, with stable codes.
var (
	// ErrNoDays is a weekly schedule on no weekday, or a monthly one on
	// no day of the month: it would never happen.
	ErrNoDays = fault.New(fault.Unprocessable, "recurrence_no_days")
	// ErrEndBeforeStart is a last day earlier than the first.
	ErrEndBeforeStart = fault.New(fault.Unprocessable, "recurrence_end_before_start")
	// ErrInvalid is any other bad field, named in the field errors.
	ErrInvalid = fault.New(fault.Unprocessable, "recurrence_invalid")
)

// Limits of a schedule.
const (
	MaxInterval = 52
	MinDuration = 15 * time.Minute
	MaxDuration = 12 * time.Hour
)

// Spec is what a schedule is made from.
type Spec struct {
	Frequency Frequency
	// Interval: every Interval weeks or months; 0 means 1.
	Interval int
	// Weekdays of a weekly schedule.
	Weekdays []time.Weekday
	// MonthDays of a monthly schedule: 1–31, or -1 for the month's last
	// day. A month without the day (31 in April) has no occurrence that
	// month, as RFC 5545 says.
	MonthDays []int
	// TimeZone is the family's IANA zone.
	TimeZone string
	// StartsOn is the first day it may happen; EndsOn the last (zero:
	// open-ended).
	StartsOn, EndsOn calendar.Date
	// At is the local time of day, minutes after midnight; Duration how
	// long each visit lasts.
	At       int
	Duration time.Duration
}

// Schedule is a valid Spec; the zero value never happens.
type Schedule struct {
	spec Spec
	loc  *time.Location
}

// Occurrence is one date of a schedule and its window.
type Occurrence struct {
	Date       calendar.Date
	Start, End time.Time
}

// NewSchedule refuses a schedule with no days (ErrNoDays), a last day
// before the first (ErrEndBeforeStart), and other bad fields (ErrInvalid
// with the fields named).
func NewSchedule(s Spec) (Schedule, error) {
	if s.Interval == 0 {
		s.Interval = 1
	}
	var bad []fault.FieldError
	add := func(field, code string) { bad = append(bad, fault.FieldError{Field: field, Code: code}) }
	loc, err := time.LoadLocation(s.TimeZone)
	if s.TimeZone == "" || err != nil {
		add("/timeZone", "invalid")
	}
	if s.Interval < 1 || s.Interval > MaxInterval {
		add("/interval", "range")
	}
	if s.StartsOn.IsZero() {
		add("/startsOn", "required")
	}
	if s.At < 0 || s.At >= 24*60 {
		add("/at", "range")
	}
	if s.Duration < MinDuration || s.Duration > MaxDuration {
		add("/durationMinutes", "range")
	}
	switch s.Frequency {
	case Weekly:
		s.MonthDays = nil
		s.Weekdays = uniqueSorted(s.Weekdays)
		for _, d := range s.Weekdays {
			if d < time.Sunday || d > time.Saturday {
				add("/weekdays", "enum")
			}
		}
		if len(s.Weekdays) == 0 && len(bad) == 0 {
			return Schedule{}, ErrNoDays.WithFields(fault.FieldError{Field: "/weekdays", Code: "required"})
		}
	case Monthly:
		s.Weekdays = nil
		s.MonthDays = uniqueSorted(s.MonthDays)
		for _, d := range s.MonthDays {
			if d == 0 || d < -1 || d > 31 {
				add("/monthDays", "range")
			}
		}
		if len(s.MonthDays) == 0 && len(bad) == 0 {
			return Schedule{}, ErrNoDays.WithFields(fault.FieldError{Field: "/monthDays", Code: "required"})
		}
	default:
		add("/frequency", "enum")
	}
	if len(bad) > 0 {
		return Schedule{}, ErrInvalid.WithFields(bad...)
	}
	if !s.EndsOn.IsZero() && s.EndsOn.Before(s.StartsOn) {
		return Schedule{}, ErrEndBeforeStart.WithFields(fault.FieldError{Field: "/endsOn", Code: "before_start"})
	}
	return Schedule{spec: s, loc: loc}, nil
}

func uniqueSorted[T int | time.Weekday](in []T) []T {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// Spec is a copy of what the schedule was made from.
func (s Schedule) Spec() Spec {
	c := s.spec
	c.Weekdays, c.MonthDays = slices.Clone(c.Weekdays), slices.Clone(c.MonthDays)
	return c
}

// Location is the schedule's zone.
func (s Schedule) Location() *time.Location { return s.loc }

// IsZero reports a schedule never made.
func (s Schedule) IsZero() bool { return s.loc == nil }

// floating is a date as a time on the zoneless calendar rrule walks.
func floating(d calendar.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func dateOf(t time.Time) calendar.Date {
	y, m, d := t.Date()
	return calendar.Date{Year: y, Month: m, Day: d}
}

// On is the occurrence on date d, as if the schedule fell on it: its
// window placed in the schedule's zone.
func (s Schedule) On(d calendar.Date) Occurrence {
	start := time.Date(d.Year, d.Month, d.Day, s.spec.At/60, s.spec.At%60, 0, 0, s.loc)
	return Occurrence{Date: d, Start: start.UTC(), End: start.Add(s.spec.Duration).UTC()}
}

// Between is every occurrence whose start lies in [from, to), in order.
// A local time that a spring-forward skips (02:30 on the change day)
// moves forward by the gap, as time.Date does.
func (s Schedule) Between(from, to time.Time) []Occurrence {
	if s.IsZero() || !from.Before(to) {
		return nil
	}
	// The dates that could hold such a start, a day wider on each side
	// for zones far from UTC, clipped to the schedule's own days.
	first := dateOf(from.In(s.loc)).AddDays(-1)
	last := dateOf(to.In(s.loc)).AddDays(1)
	if first.Before(s.spec.StartsOn) {
		first = s.spec.StartsOn
	}
	if !s.spec.EndsOn.IsZero() && s.spec.EndsOn.Before(last) {
		last = s.spec.EndsOn
	}
	if last.Before(first) {
		return nil
	}
	var out []Occurrence
	for _, t := range s.rule().Between(floating(first), floating(last), true) {
		o := s.On(dateOf(t))
		if !o.Start.Before(from) && o.Start.Before(to) {
			out = append(out, o)
		}
	}
	return out
}

// Has reports whether the schedule falls on date d.
func (s Schedule) Has(d calendar.Date) bool {
	if s.IsZero() || d.Before(s.spec.StartsOn) || (!s.spec.EndsOn.IsZero() && s.spec.EndsOn.Before(d)) {
		return false
	}
	return len(s.rule().Between(floating(d), floating(d), true)) == 1
}

// rule is the RRULE from the first day, on the floating calendar. Its
// DTSTART is the first day itself, so weekly intervals count from the
// week the schedule starts in (weeks starting on Monday, as in China).
func (s Schedule) rule() *rrule.RRule {
	o := rrule.ROption{Dtstart: floating(s.spec.StartsOn), Interval: s.spec.Interval, Wkst: rrule.MO}
	switch s.spec.Frequency {
	case Weekly:
		o.Freq = rrule.WEEKLY
		for _, d := range s.spec.Weekdays {
			o.Byweekday = append(o.Byweekday, weekday(d))
		}
	case Monthly:
		o.Freq = rrule.MONTHLY
		o.Bymonthday = slices.Clone(s.spec.MonthDays)
	}
	if !s.spec.EndsOn.IsZero() {
		o.Until = floating(s.spec.EndsOn)
	}
	r, err := rrule.NewRRule(o)
	if err != nil {
		// NewSchedule checked every bound rrule checks.
		panic("recurrence: rrule refused a checked schedule: " + err.Error())
	}
	return r
}

func weekday(d time.Weekday) rrule.Weekday {
	return [...]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

// From is the same schedule starting on day d instead (for a split).
func (s Schedule) From(d calendar.Date) (Schedule, error) {
	c := s.Spec()
	c.StartsOn = d
	return NewSchedule(c)
}

// Until is the same schedule ending on day d instead.
func (s Schedule) Until(d calendar.Date) (Schedule, error) {
	c := s.Spec()
	c.EndsOn = d
	return NewSchedule(c)
}
