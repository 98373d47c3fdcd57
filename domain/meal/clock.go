package meal

import (
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/calendar"
)

// Clock is a time of day on the canteen's wall clock, in minutes after
// midnight: serving times and cutoffs are local, whatever the season.
type Clock int

// ParseClock reads "HH:MM" (00:00–23:59).
func ParseClock(s string) (Clock, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return Clock(t.Hour()*60 + t.Minute()), true
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// On is the instant the clock shows on day d in loc. A wall time a
// daylight-saving change skips is read as time.Date reads it.
func (c Clock) On(d calendar.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, int(c)/60, int(c)%60, 0, 0, loc).UTC()
}
