package provider

import "time"

// HoursCover reports whether one period of hours (a provider's opening
// hours, a caregiver's working hours) covers the whole window, both ends
// given in the provider's zone. Periods close by 23:59, so a window that
// crosses midnight is never covered.
func HoursCover(hours []Hours, start, end time.Time) bool {
	y1, m1, d1 := start.Date()
	y2, m2, d2 := end.Date()
	if y1 != y2 || m1 != m2 || d1 != d2 || !end.After(start) {
		return false
	}
	weekday := int(start.Weekday())
	if weekday == 0 {
		weekday = 7 // Hours count Monday 1 … Sunday 7
	}
	from, to := minuteOfDay(start), minuteOfDay(end)
	for _, h := range hours {
		if h.Weekday == weekday && minutesOf(h.Open) <= from && to <= minutesOf(h.Close) {
			return true
		}
	}
	return false
}

func minuteOfDay(t time.Time) int { return t.Hour()*60 + t.Minute() }

// minutesOf reads "HH:MM", validated when the hours were entered.
func minutesOf(hhmm string) int {
	if len(hhmm) != 5 {
		return -1
	}
	return int(hhmm[0]-'0')*600 + int(hhmm[1]-'0')*60 + int(hhmm[3]-'0')*10 + int(hhmm[4]-'0')
}
