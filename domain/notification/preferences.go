// Package notification is what a user is told and how: inbox entries,
// categories a user can switch off, and quiet hours. Pure domain code.
package notification

import (
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Category groups notifications a user can switch off together.
type Category string

const (
	CategoryOrders     Category = "orders"
	CategoryBookings   Category = "bookings"
	CategoryClasses    Category = "classes"
	CategoryCareAlerts Category = "care_alerts"
	CategoryFamily     Category = "family"
	CategoryAccount    Category = "account"
	CategoryMarketing  Category = "marketing"
)

// Categories lists every category in the order apps show them.
var Categories = []Category{CategoryOrders, CategoryBookings, CategoryClasses, CategoryCareAlerts,
	CategoryFamily, CategoryAccount, CategoryMarketing}

// DefaultZone is where quiet hours count unless a user says otherwise.
const DefaultZone = "Asia/Shanghai"

var (
	ErrPreferencesInvalid = fault.New(fault.Unprocessable, "notification_preferences_invalid")
	ErrNotFound           = fault.New(fault.NotFound, "notification_not_found")
)

// QuietHours is a daily span, in a time zone, in which non-urgent pushes
// wait. Start after End spans midnight (22:00–07:00).
type QuietHours struct {
	Start Clock
	End   Clock
	Zone  string
}

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM".
func ParseClock(s string) (Clock, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("notification: clock %q is not HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 23 || m > 59 || h < 0 || m < 0 {
		return 0, fmt.Errorf("notification: clock %q is not HH:MM", s)
	}
	return Clock(h*60 + m), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Preferences are one user's choices. The zero value is the default:
// every category on except marketing, no quiet hours.
type Preferences struct {
	// Switched holds the categories the user set; the rest keep their
	// default.
	Switched map[Category]bool
	Quiet    *QuietHours
}

// NewPreferences validates a user's choices.
func NewPreferences(switched map[Category]bool, quiet *QuietHours) (Preferences, error) {
	var fields []fault.FieldError
	for c := range switched {
		if !known(c) {
			fields = append(fields, fault.FieldError{Field: "/categories/" + string(c), Code: "category_unknown"})
		}
	}
	if quiet != nil {
		if quiet.Zone == "" {
			quiet.Zone = DefaultZone
		}
		if _, err := time.LoadLocation(quiet.Zone); err != nil {
			fields = append(fields, fault.FieldError{Field: "/quietHours/timeZone", Code: "time_zone_invalid"})
		}
		if quiet.Start == quiet.End {
			fields = append(fields, fault.FieldError{Field: "/quietHours/end", Code: "quiet_hours_empty"})
		}
	}
	if len(fields) > 0 {
		return Preferences{}, ErrPreferencesInvalid.WithFields(fields...)
	}
	return Preferences{Switched: switched, Quiet: quiet}, nil
}

func known(c Category) bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// Enabled reports whether pushes of category c are wanted.
func (p Preferences) Enabled(c Category) bool {
	if on, ok := p.Switched[c]; ok {
		return on
	}
	return c != CategoryMarketing
}

// Decision is what to do with one push.
type Decision struct {
	Send bool      // false: the user switched the category off
	At   time.Time // when to send; after now when quiet hours defer it
}

// Decide applies the preferences to a push at now. Urgent pushes (the
// caregiver arrived, SOS, a hold about to expire, an order cancelled by
// the provider) always go at once; others respect the category switch
// and wait out quiet hours.
func (p Preferences) Decide(c Category, urgent bool, now time.Time) Decision {
	if urgent {
		return Decision{Send: true, At: now}
	}
	if !p.Enabled(c) {
		return Decision{}
	}
	if p.Quiet != nil {
		if end, quiet := p.Quiet.endOf(now); quiet {
			return Decision{Send: true, At: end}
		}
	}
	return Decision{Send: true, At: now}
}

// endOf reports whether now falls in quiet hours and, if so, the instant
// they end, computed on the local calendar so it holds across DST.
func (q QuietHours) endOf(now time.Time) (time.Time, bool) {
	loc, err := time.LoadLocation(q.Zone)
	if err != nil {
		loc = time.UTC // validated on the way in; never block pushes on a bad zone
	}
	local := now.In(loc)
	m := Clock(local.Hour()*60 + local.Minute())
	var quiet, endsTomorrow bool
	if q.Start < q.End {
		quiet = m >= q.Start && m < q.End
	} else {
		quiet = m >= q.Start || m < q.End
		endsTomorrow = m >= q.Start
	}
	if !quiet {
		return time.Time{}, false
	}
	day := local.Day()
	if endsTomorrow {
		day++
	}
	end := time.Date(local.Year(), local.Month(), day, int(q.End)/60, int(q.End)%60, 0, 0, loc)
	return end.UTC(), true
}
