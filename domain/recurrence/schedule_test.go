package recurrence

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

func mustSchedule(t *testing.T, s Spec) Schedule {
	t.Helper()
	sc, err := NewSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// expectedWeekly walks the calendar day by day (no rrule) and places each
// matching day's local time in loc with time.Date.
func expectedWeekly(loc *time.Location, first, last calendar.Date, days map[time.Weekday]bool, every int,
	hour, minute int) []time.Time {
	var out []time.Time
	// Weeks start on Monday; the first week is the one first falls in.
	start := time.Date(first.Year, first.Month, first.Day, 0, 0, 0, 0, time.UTC)
	monday := start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	for d := first; !last.Before(d); d = d.AddDays(1) {
		day := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		week := int(day.Sub(monday).Hours()) / (24 * 7)
		if days[day.Weekday()] && week%every == 0 {
			out = append(out, time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc).UTC())
		}
	}
	return out
}

func TestWeeklyOverAYearInTwoZones(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		every int
		days  []time.Weekday
	}{
		{"Asia/Shanghai", 1, []time.Weekday{time.Tuesday}},
		{"America/New_York", 1, []time.Weekday{time.Tuesday, time.Saturday, time.Sunday}},
		{"America/New_York", 2, []time.Weekday{time.Monday, time.Thursday}},
		{"Asia/Shanghai", 3, []time.Weekday{time.Sunday}},
	} {
		loc, _ := time.LoadLocation(tc.zone)
		first := calendar.Date{Year: 2027, Month: time.January, Day: 6}
		last := calendar.Date{Year: 2027, Month: time.December, Day: 31}
		s := mustSchedule(t, Spec{Frequency: Weekly, Interval: tc.every, Weekdays: tc.days, TimeZone: tc.zone,
			StartsOn: first, EndsOn: last, At: 9*60 + 30, Duration: time.Hour})
		got := s.Between(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC))
		set := map[time.Weekday]bool{}
		for _, d := range tc.days {
			set[d] = true
		}
		want := expectedWeekly(loc, first, last, set, tc.every, 9, 30)
		if len(got) != len(want) {
			t.Fatalf("%s every %d %v: %d occurrences, want %d", tc.zone, tc.every, tc.days, len(got), len(want))
		}
		for i := range want {
			if !got[i].Start.Equal(want[i]) || !got[i].End.Equal(want[i].Add(time.Hour)) {
				t.Fatalf("%s occurrence %d: %s, want %s", tc.zone, i, got[i].Start, want[i])
			}
			if l := got[i].Start.In(loc); l.Hour() != 9 || l.Minute() != 30 {
				t.Fatalf("%s occurrence %d at %s local", tc.zone, i, l)
			}
			if got[i].Date != (calendar.Date{Year: got[i].Start.In(loc).Year(), Month: got[i].Start.In(loc).Month(),
				Day: got[i].Start.In(loc).Day()}) {
				t.Fatalf("date %s does not match start %s", got[i].Date, got[i].Start)
			}
		}
	}
}

// New York's clocks go forward on 14 March 2027 and back on 7 November:
// the UTC instant of a 09:30 visit moves by an hour, the local time not.
func TestDaylightSavingKeepsLocalTime(t *testing.T) {
	s := mustSchedule(t, Spec{Frequency: Weekly, Weekdays: []time.Weekday{time.Sunday}, TimeZone: "America/New_York",
		StartsOn: calendar.Date{Year: 2027, Month: time.March, Day: 1}, At: 9*60 + 30, Duration: time.Hour})
	got := s.Between(time.Date(2027, 3, 7, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC))
	if len(got) != 2 {
		t.Fatalf("%d occurrences", len(got))
	}
	if got[0].Start != time.Date(2027, 3, 7, 14, 30, 0, 0, time.UTC) ||
		got[1].Start != time.Date(2027, 3, 14, 13, 30, 0, 0, time.UTC) {
		t.Fatalf("starts %s, %s", got[0].Start, got[1].Start)
	}
}

func TestMonthlyByDay(t *testing.T) {
	s := mustSchedule(t, Spec{Frequency: Monthly, MonthDays: []int{31, -1}, TimeZone: "Asia/Shanghai",
		StartsOn: calendar.Date{Year: 2027, Month: time.January, Day: 1}, At: 600, Duration: time.Hour})
	got := s.Between(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC))
	var dates []string
	for _, o := range got {
		dates = append(dates, o.Date.String())
	}
	want := []string{"2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"}
	if len(dates) != len(want) {
		t.Fatalf("dates %v, want %v", dates, want)
	}
	for i := range want {
		if dates[i] != want[i] {
			t.Fatalf("dates %v, want %v", dates, want)
		}
	}
}

func TestBadSchedulesAreRefusedWithStableCodes(t *testing.T) {
	first := calendar.Date{Year: 2027, Month: time.March, Day: 1}
	ok := Spec{Frequency: Weekly, Weekdays: []time.Weekday{time.Monday}, TimeZone: "Asia/Shanghai", StartsOn: first,
		At: 600, Duration: time.Hour}
	for name, tc := range map[string]struct {
		change func(*Spec)
		want   *fault.Error
	}{
		"no weekdays":      {func(s *Spec) { s.Weekdays = nil }, ErrNoDays},
		"no month days":    {func(s *Spec) { s.Frequency = Monthly }, ErrNoDays},
		"end before start": {func(s *Spec) { s.EndsOn = first.AddDays(-1) }, ErrEndBeforeStart},
		"bad zone":         {func(s *Spec) { s.TimeZone = "Mars/Olympus" }, ErrInvalid},
		"bad frequency":    {func(s *Spec) { s.Frequency = "daily" }, ErrInvalid},
		"bad month day":    {func(s *Spec) { s.Frequency, s.MonthDays = Monthly, []int{32} }, ErrInvalid},
		"short visit":      {func(s *Spec) { s.Duration = time.Minute }, ErrInvalid},
		"interval":         {func(s *Spec) { s.Interval = -2 }, ErrInvalid},
	} {
		s := ok
		tc.change(&s)
		_, err := NewSchedule(s)
		if !fault.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s", name, err, tc.want.Code)
		}
	}
	if _, err := NewSchedule(ok); err != nil {
		t.Fatal(err)
	}
}
