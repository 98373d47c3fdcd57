package order

import (
	"sync"
	"time"
)

// DefaultTimeZone is where kincare's families live unless they say otherwise.
const DefaultTimeZone = "Asia/Shanghai"

// MaxWindow bounds one order's window; respite stays (喘息服务) run for
// days, nothing runs for weeks.
const MaxWindow = 7 * 24 * time.Hour

// MaxAdvance is how far ahead an order may be placed: taking money for
// services far in the future invites prepaid fraud (DOMAIN.md).
const MaxAdvance = 90 * 24 * time.Hour

// Window is when the service is delivered: instants, and the family's
// zone so "Tuesday 9:00" reads the same way to everyone.
type Window struct {
	Start    time.Time
	End      time.Time
	TimeZone string // IANA, e.g. Asia/Shanghai
}

func (w *Window) check(v *validator, now time.Time) {
	if w.TimeZone == "" {
		w.TimeZone = DefaultTimeZone
	}
	if _, err := loadZone(w.TimeZone); err != nil || w.TimeZone == "Local" {
		v.add("/window/timeZone", "time_zone_invalid")
	}
	w.Start, w.End = w.Start.UTC(), w.End.UTC()
	switch {
	case w.Start.IsZero():
		v.add("/window/start", "required")
	case !w.Start.After(now):
		v.add("/window/start", "in_past")
	case w.Start.Sub(now) > MaxAdvance:
		v.add("/window/start", "too_far_ahead")
	}
	switch {
	case !w.End.After(w.Start):
		v.add("/window/end", "not_after_start")
	case w.End.Sub(w.Start) > MaxWindow:
		v.add("/window/end", "too_long")
	}
}

// Location is the window's zone.
func (w Window) Location() *time.Location {
	loc, err := loadZone(w.TimeZone)
	if err != nil {
		return time.UTC // validated when the order was made; unreachable
	}
	return loc
}

// zones caches loaded zones: every event an order records formats its
// window in the family's zone, and time.LoadLocation reads the zone
// database from disk each time.
var zones sync.Map // name → *time.Location

func loadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
