package provider_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/provider"
)

func TestHoursCoverOnlyWholeWindowsWithinOnePeriod(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	hours := []provider.Hours{{Weekday: 1, Open: "08:00", Close: "12:00"}, {Weekday: 1, Open: "14:00", Close: "18:00"},
		{Weekday: 7, Open: "09:00", Close: "11:00"}}
	at := func(day, hh, mm int) time.Time { return time.Date(2026, 11, day, hh, mm, 0, 0, sh) } // 30 Nov is a Monday
	cases := []struct {
		name       string
		start, end time.Time
		want       bool
	}{
		{"inside the morning", at(30, 8, 0), at(30, 12, 0), true},
		{"inside the afternoon", at(30, 15, 0), at(30, 16, 30), true},
		{"across the lunch break", at(30, 11, 0), at(30, 15, 0), false},
		{"starting before opening", at(30, 7, 59), at(30, 9, 0), false},
		{"Sunday counts as weekday 7", at(29, 9, 30), at(29, 10, 30), true},
		{"a closed Tuesday", time.Date(2026, 12, 1, 9, 0, 0, 0, sh), time.Date(2026, 12, 1, 10, 0, 0, 0, sh), false},
		{"across midnight", at(29, 23, 0), at(30, 9, 0), false},
		{"backwards", at(30, 10, 0), at(30, 9, 0), false},
	}
	for _, c := range cases {
		if got := provider.HoursCover(hours, c.start, c.end); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
