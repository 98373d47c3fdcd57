package childcare_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func offering(t *testing.T, edit func(*childcare.Offering)) childcare.Offering {
	t.Helper()
	in := halfDay()
	if edit != nil {
		edit(&in)
	}
	o, err := childcare.New(in, nursery, t0)
	must(t, err)
	return o
}

func fullDay(t *testing.T) childcare.Offering {
	return offering(t, func(o *childcare.Offering) {
		o.CareType, o.Schedule = childcare.FullDay, childcare.Schedule{}
	})
}

func keys(specs []childcare.SlotSpec) string {
	var out []string
	for _, s := range specs {
		out = append(out, s.Key)
	}
	return strings.Join(out, " ")
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFullDayCareIsBookedByTheMonthsStartingInTheRange(t *testing.T) {
	o := fullDay(t)
	for _, c := range []struct {
		name     string
		from, to string
		keys     string
	}{
		{"from a first of the month", "2027-01-01", "2027-03-31", "2027-01 2027-02 2027-03"},
		{"from mid-month, the next month first", "2026-11-20", "2027-02-15", "2026-12 2027-01 2027-02"},
		{"to a first of the month includes it", "2026-12-02", "2027-02-01", "2027-01 2027-02"},
		{"from the last day of a month", "2026-12-31", "2027-01-01", "2027-01"},
		{"no month starts in the range", "2026-11-02", "2026-11-30", ""},
		{"one day, a first", "2027-03-01", "2027-03-01", "2027-03"},
		{"a whole year", "2027-01-01", "2027-12-31", "2027-01 2027-02 2027-03 2027-04 2027-05 2027-06 2027-07 2027-08 2027-09 2027-10 2027-11 2027-12"},
	} {
		specs, err := o.Slots(day(c.from), day(c.to), shanghai)
		if err != nil || keys(specs) != c.keys {
			t.Errorf("%s: %q %v, want %q", c.name, keys(specs), err, c.keys)
		}
	}

	// A month is midnight to midnight in Shanghai, and enrolment stays
	// open until it ends.
	specs, err := o.Slots(day("2027-02-01"), day("2027-02-01"), shanghai)
	must(t, err)
	s := specs[0]
	if !s.Window.Start.Equal(utc("2027-01-31T16:00:00Z")) || !s.Window.End.Equal(utc("2027-02-28T16:00:00Z")) ||
		s.Window.TimeZone != "Asia/Shanghai" || !s.HoldsCloseAt.Equal(s.Window.End) {
		t.Fatalf("February: %+v", s)
	}
	if s.Window.Start.Location() != time.UTC || s.HoldsCloseAt.Location() != time.UTC {
		t.Fatal("times not in UTC")
	}
	if s.Window.StartLocal() != "2027-02-01 00:00" {
		t.Fatalf("February starts %s", s.Window.StartLocal())
	}
}

func TestFullDayCareOpensAtMostTwelveMonthsAtOnce(t *testing.T) {
	o := fullDay(t)
	specs, err := o.Slots(day("2027-01-01"), day("2027-12-31"), shanghai)
	if err != nil || len(specs) != childcare.MaxOpenMonths {
		t.Fatalf("a year: %d months %v", len(specs), err)
	}
	for _, to := range []string{"2028-01-01", "2030-06-30"} {
		specs, err := o.Slots(day("2027-01-01"), day(to), shanghai)
		if !fault.Is(err, childcare.ErrRangeInvalid) || specs != nil {
			t.Errorf("to %s: %d months %v, want slot_range_invalid", to, len(specs), err)
			continue
		}
		if params(err)["maxMonths"] != childcare.MaxOpenMonths || faulttest.Fields(err)["to"] != "range_too_long" {
			t.Errorf("to %s: params %v fields %v", to, params(err), faulttest.Fields(err))
		}
	}
}

func TestHalfDayCareHasEachSessionOnEachScheduledWeekday(t *testing.T) {
	o := offering(t, nil) // Monday to Friday, 08:00–12:00 and 13:30–17:30
	// Monday 23 to Sunday 29 November 2026.
	specs, err := o.Slots(day("2026-11-23"), day("2026-11-29"), shanghai)
	must(t, err)
	if len(specs) != 10 {
		t.Fatalf("%d slots in a week: %s", len(specs), keys(specs))
	}
	want := []struct {
		key, start, end string
	}{
		{"2026-11-23T08:00", "2026-11-23T00:00:00Z", "2026-11-23T04:00:00Z"},
		{"2026-11-23T13:30", "2026-11-23T05:30:00Z", "2026-11-23T09:30:00Z"},
		{"2026-11-24T08:00", "2026-11-24T00:00:00Z", "2026-11-24T04:00:00Z"},
		{"2026-11-24T13:30", "2026-11-24T05:30:00Z", "2026-11-24T09:30:00Z"},
		{"2026-11-25T08:00", "2026-11-25T00:00:00Z", "2026-11-25T04:00:00Z"},
		{"2026-11-25T13:30", "2026-11-25T05:30:00Z", "2026-11-25T09:30:00Z"},
		{"2026-11-26T08:00", "2026-11-26T00:00:00Z", "2026-11-26T04:00:00Z"},
		{"2026-11-26T13:30", "2026-11-26T05:30:00Z", "2026-11-26T09:30:00Z"},
		{"2026-11-27T08:00", "2026-11-27T00:00:00Z", "2026-11-27T04:00:00Z"},
		{"2026-11-27T13:30", "2026-11-27T05:30:00Z", "2026-11-27T09:30:00Z"},
	}
	for i, w := range want {
		s := specs[i]
		if s.Key != w.key || !s.Window.Start.Equal(utc(w.start)) || !s.Window.End.Equal(utc(w.end)) ||
			s.Window.TimeZone != "Asia/Shanghai" || !s.HoldsCloseAt.Equal(s.Window.Start) ||
			s.Window.Start.Location() != time.UTC {
			t.Errorf("slot %d: %s %v–%v closes %v, want %s %s–%s", i, s.Key, s.Window.Start, s.Window.End,
				s.HoldsCloseAt, w.key, w.start, w.end)
		}
	}
}

func TestWeekdaysCountFromMondayToSunday(t *testing.T) {
	for _, c := range []struct {
		name     string
		weekdays []int
		keys     string
	}{
		{"weekends", []int{6, 7}, "2026-11-28T09:00 2026-11-29T09:00"},
		{"Sunday is 7", []int{7}, "2026-11-29T09:00"},
		{"Monday is 1", []int{1}, "2026-11-23T09:00"},
		{"a weekday twice is one slot", []int{3, 3}, "2026-11-25T09:00"},
	} {
		o := offering(t, func(o *childcare.Offering) {
			o.CareType = childcare.DropIn
			o.Schedule = childcare.Schedule{Weekdays: c.weekdays, Sessions: []childcare.Session{{Start: "09:00", End: "17:00"}}}
		})
		specs, err := o.Slots(day("2026-11-23"), day("2026-11-29"), shanghai)
		if err != nil || keys(specs) != c.keys {
			t.Errorf("%s: %q %v, want %q", c.name, keys(specs), err, c.keys)
		}
	}
}

func TestSessionsOpenAtMostNinetyTwoDaysAtOnce(t *testing.T) {
	o := offering(t, nil)
	from := day("2026-12-01")
	for _, c := range []struct {
		name string
		to   calendar.Date
		ok   bool
	}{
		{"one day", from, true},
		{"92 days", from.AddDays(91), true},
		{"93 days", from.AddDays(92), false},
		{"a year", from.AddDays(365), false},
	} {
		specs, err := o.Slots(from, c.to, shanghai)
		if c.ok {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !fault.Is(err, childcare.ErrRangeInvalid) || specs != nil {
			t.Errorf("%s: %d slots %v, want slot_range_invalid", c.name, len(specs), err)
			continue
		}
		if params(err)["maxDays"] != childcare.MaxOpenDays || faulttest.Fields(err)["to"] != "range_too_long" {
			t.Errorf("%s: params %v fields %v", c.name, params(err), faulttest.Fields(err))
		}
	}
	// 92 days are 92 days' worth of sessions: 1 December 2026 to 2 March
	// 2027 holds 13 weeks and a day (a Tuesday), so 66 weekdays.
	specs, err := o.Slots(from, from.AddDays(91), shanghai)
	if err != nil || len(specs) != 2*66 {
		t.Fatalf("%d slots %v", len(specs), err)
	}
	if specs[len(specs)-1].Key != "2027-03-02T13:30" {
		t.Fatalf("last slot %s", specs[len(specs)-1].Key)
	}
}

func TestARangeEndingBeforeItStartsIsRefused(t *testing.T) {
	for name, o := range map[string]childcare.Offering{"half-day": offering(t, nil), "full-day": fullDay(t)} {
		specs, err := o.Slots(day("2026-12-02"), day("2026-12-01"), shanghai)
		if !fault.Is(err, childcare.ErrRangeInvalid) || specs != nil || faulttest.Fields(err)["to"] != "before_from" {
			t.Errorf("%s: %d slots %v %v", name, len(specs), err, faulttest.Fields(err))
		}
	}
}

func TestOverlappingSessionsAreRefused(t *testing.T) {
	p := &provider.Provider{ID: "p", Profile: provider.Profile{Licences: []provider.Licence{{Kind: provider.ChildcareInstitution, Number: "n"}}}}
	o := childcare.Offering{Names: catalog.Names{ZhCN: "计时托"}, CareType: childcare.Hourly,
		Ages: childcare.AgeRange{MinMonths: 6, MaxMonths: 35}, Capacity: reservation.Capacity{Total: 5},
		Price:    catalog.Price{MarketFen: 5000, InclusiveFen: 4000},
		Schedule: childcare.Schedule{Weekdays: []int{1}, Sessions: []childcare.Session{{Start: "09:00", End: "11:00"}, {Start: "10:30", End: "12:00"}}}}
	_, err := childcare.New(o, p, time.Now())
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) != 1 || fe.Fields[0].Field != "/schedule/sessions/1" || fe.Fields[0].Code != "overlaps_0" {
		t.Fatalf("overlapping sessions: %v", err)
	}
	o.Schedule.Sessions[1].Start = "11:00"
	if _, err := childcare.New(o, p, time.Now()); err != nil {
		t.Fatalf("back-to-back sessions: %v", err)
	}
}
