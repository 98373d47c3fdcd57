package calendar_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
)

func d(s string) calendar.Date {
	v, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestAges(t *testing.T) {
	for _, tc := range []struct {
		born, on      string
		years, months int
	}{
		{"1946-03-15", "2026-03-14", 79, 959},
		{"1946-03-15", "2026-03-15", 80, 960},
		{"2024-02-29", "2025-02-28", 0, 11},
		{"2024-02-29", "2025-03-01", 1, 12},
		{"2026-01-31", "2026-02-28", 0, 0},
		{"2026-01-31", "2026-03-01", 0, 1},
	} {
		b, on := d(tc.born), d(tc.on)
		if y := b.YearsOn(on); y != tc.years {
			t.Errorf("%s on %s: %d years, want %d", tc.born, tc.on, y, tc.years)
		}
		if m := b.MonthsOn(on); m != tc.months {
			t.Errorf("%s on %s: %d months, want %d", tc.born, tc.on, m, tc.months)
		}
	}
}

// At 20:00 UTC it is already tomorrow in Shanghai: a birthday there counts.
func TestTodayIsInTheFamilysZone(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC)
	if got := calendar.Today(now, shanghai); got != d("2026-03-15") {
		t.Fatalf("today in Shanghai = %s", got)
	}
	if d("1946-03-15").YearsOn(calendar.Today(now, shanghai)) != 80 {
		t.Fatal("80th birthday not reached in Shanghai")
	}
}

func TestImpossibleDatesAreRefused(t *testing.T) {
	for _, s := range []string{"2026-02-30", "2026-13-01", "26-01-01", "", "2026/01/01"} {
		if _, err := calendar.ParseDate(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
