package meal_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

func clock(t *testing.T, s string) meal.Clock {
	t.Helper()
	c, ok := meal.ParseClock(s)
	if !ok {
		t.Fatalf("clock %q", s)
	}
	return c
}

func lunchCanteen(t *testing.T, zone string) meal.Canteen {
	t.Helper()
	c, err := meal.Canteen{TimeZone: zone, Windows: []meal.Window{{Kind: meal.Lunch, ServeFrom: clock(t, "11:00"),
		ServeTo: clock(t, "12:30"), Cutoff: clock(t, "09:30"), Portions: 120}}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The lunch cutoff is 09:30 on the canteen's wall clock: a second before
// it orders are taken, at it and a second after they are not — in
// Shanghai (UTC+8) and in New York on the day daylight saving ends,
// where 09:30 is 14:30 UTC, not 13:30.
func TestCutoffIsOneSecondSharpInTheCanteensZone(t *testing.T) {
	for _, tc := range []struct {
		zone   string
		day    calendar.Date
		cutoff time.Time
	}{
		{"Asia/Shanghai", calendar.Date{Year: 2026, Month: time.December, Day: 3}, time.Date(2026, 12, 3, 1, 30, 0, 0, time.UTC)},
		{"America/New_York", calendar.Date{Year: 2026, Month: time.November, Day: 1}, time.Date(2026, 11, 1, 14, 30, 0, 0, time.UTC)},
	} {
		c := lunchCanteen(t, tc.zone)
		c.OpenWeekdays = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
		st, err := c.SittingOn(tc.day, meal.Lunch)
		if err != nil {
			t.Fatal(err)
		}
		if !st.CutoffAt.Equal(tc.cutoff) {
			t.Fatalf("%s: cutoff %s, want %s", tc.zone, st.CutoffAt, tc.cutoff)
		}
		if err := st.CheckOpen(tc.cutoff.Add(-time.Second)); err != nil {
			t.Errorf("%s: a second before the cutoff: %v", tc.zone, err)
		}
		for _, at := range []time.Time{tc.cutoff, tc.cutoff.Add(time.Second)} {
			if err := st.CheckOpen(at); !fault.Is(err, meal.ErrCutoffPassed) {
				t.Errorf("%s at %s: %v, want meal_cutoff_passed", tc.zone, at, err)
			}
		}
		o := &meal.Order{Status: meal.Placed, CutoffAt: st.CutoffAt}
		if err := o.Cancel("u", true, "", tc.cutoff.Add(time.Second)); !fault.Is(err, meal.ErrCutoffPassed) {
			t.Errorf("%s: the family cancelled a second after the cutoff: %v", tc.zone, err)
		}
		if err := o.Cancel("u", true, "", tc.cutoff.Add(-time.Second)); err != nil || o.Status != meal.Cancelled {
			t.Errorf("%s: the family could not cancel a second before the cutoff: %v", tc.zone, err)
		}
	}
}

// A breakfast ordered the evening before closes then.
func TestCutoffTheDayBefore(t *testing.T) {
	c, err := meal.Canteen{TimeZone: "Asia/Shanghai", Windows: []meal.Window{{Kind: meal.Breakfast, ServeFrom: clock(t, "07:00"),
		ServeTo: clock(t, "08:30"), Cutoff: clock(t, "20:00"), CutoffDaysBefore: 1, Portions: 50}}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.SittingOn(calendar.Date{Year: 2026, Month: time.December, Day: 3}, meal.Breakfast)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC); !st.CutoffAt.Equal(want) {
		t.Fatalf("cutoff %s, want %s", st.CutoffAt, want)
	}
}

// Holidays close the canteen; a 调休 working Saturday opens it; other
// days follow its weekdays (Monday to Friday unless set).
func TestOpenDays(t *testing.T) {
	c := lunchCanteen(t, "Asia/Shanghai")
	national := calendar.Date{Year: 2026, Month: time.October, Day: 1}    // a Thursday, 国庆
	workingSat := calendar.Date{Year: 2026, Month: time.October, Day: 10} // a Saturday, 调休
	sunday := calendar.Date{Year: 2026, Month: time.October, Day: 11}
	monday := calendar.Date{Year: 2026, Month: time.October, Day: 12}
	c.ClosedDates, c.OpenDates = []calendar.Date{national}, []calendar.Date{workingSat}
	for d, want := range map[calendar.Date]bool{national: false, workingSat: true, sunday: false, monday: true} {
		if got := c.OpenOn(d); got != want {
			t.Errorf("open on %s: %v, want %v", d, got, want)
		}
	}
	if _, err := c.SittingOn(national, meal.Lunch); !fault.Is(err, meal.ErrCanteenClosed) {
		t.Errorf("a holiday's lunch: %v", err)
	}
}

func TestSettingsAreCheckedByField(t *testing.T) {
	_, err := meal.Canteen{Windows: []meal.Window{
		{Kind: meal.Lunch, ServeFrom: clock(t, "11:00"), ServeTo: clock(t, "10:00"), Cutoff: clock(t, "11:30"), Portions: 0},
		{Kind: meal.Lunch, ServeFrom: clock(t, "11:00"), ServeTo: clock(t, "12:00"), Cutoff: clock(t, "09:00"), Portions: 5},
	}, Delivery: meal.Delivery{RadiusMetres: -1, RegionCodes: []string{"0101"}}}.Validate()
	fe, ok := fault.As(err)
	if !ok || fe.Code != meal.ErrCanteenInvalid.Code {
		t.Fatalf("got %v", err)
	}
	want := map[string]bool{"/windows/0/serveTo": true, "/windows/0/cutoff": true, "/windows/0/portions": true,
		"/windows/1/kind": true, "/delivery/radiusMetres": true, "/delivery/regionCodes/0": true}
	for _, f := range fe.Fields {
		delete(want, f.Field)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v (got %+v)", want, fe.Fields)
	}
}
