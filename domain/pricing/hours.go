package pricing

import (
	"time"

	"github.com/kincare/kincare/domain/provider"
)

// open reports whether one opening period of the provider's covers the
// whole window, both ends given in the provider's zone. A window that
// crosses midnight needs a provider open around the clock.
func open(hours []provider.Hours, start, end time.Time) bool {
	if start.YearDay() != end.YearDay() && !(end.Hour() == 0 && end.Minute() == 0 && end.Sub(start) <= 24*time.Hour) {
		return false
	}
	weekday := int(start.Weekday())
	if weekday == 0 {
		weekday = 7 // Hours count Monday 1 … Sunday 7
	}
	from := clock(start)
	to := clock(end)
	if to == 0 && end.After(start) {
		to = 24 * 60
	}
	for _, h := range hours {
		if h.Weekday != weekday {
			continue
		}
		if parse(h.Open) <= from && to <= closing(h.Close) {
			return true
		}
	}
	return false
}

func clock(t time.Time) int { return t.Hour()*60 + t.Minute() }

func parse(hhmm string) int {
	if len(hhmm) != 5 {
		return -1
	}
	return int(hhmm[0]-'0')*600 + int(hhmm[1]-'0')*60 + int(hhmm[3]-'0')*10 + int(hhmm[4]-'0')
}

// closing reads a closing time; "24:00" and "00:00" mean midnight.
func closing(hhmm string) int {
	if c := parse(hhmm); c > 0 {
		return c
	}
	return 24 * 60
}
