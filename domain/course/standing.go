package course

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
)

// NoShowRule is when missed classes cost a person their direct booking:
// Limit no-shows within Window, and for For after the last of them they
// may only wait for seats of free classes (and accept a seat the
// waitlist offers them). Classes are scarce; a seat someone kept and
// left empty was a seat another family waited for.
type NoShowRule struct {
	Limit  int
	Window time.Duration
	For    time.Duration
}

// DefaultNoShowRule is the issue's: 3 no-shows in 90 days, 30 days.
var DefaultNoShowRule = NoShowRule{Limit: 3, Window: 90 * 24 * time.Hour, For: 30 * 24 * time.Hour}

// ErrRestricted is a person under the no-show rule booking directly, or
// waiting for a paid class.
var ErrRestricted = fault.New(fault.Forbidden, "class_booking_restricted")

// EventRestricted tells a person the no-show rule now applies to them,
// until when and why.
const EventRestricted event.Type = "class.booking_restricted"

// NoShow is a seat kept and not used: attendance recorded as absent.
type NoShow struct {
	BookingID string
	SessionID string
	At        time.Time // when it was recorded
}

// Standing is one person's record of no-shows, one document per user.
// Restriction is derived from it, so a no-show corrected to attended
// takes back what it caused.
type Standing struct {
	UserID  string
	NoShows []NoShow
	event.Outbox
}

// RestrictedUntil is the end of the restriction in force at now under
// rule, and whether there is one: for every Limit no-shows recorded
// within Window of each other, the rule applies for For after the last.
func (s *Standing) RestrictedUntil(rule NoShowRule, now time.Time) (time.Time, bool) {
	if rule.Limit <= 0 || len(s.NoShows) < rule.Limit {
		return time.Time{}, false
	}
	at := make([]time.Time, len(s.NoShows))
	for i, n := range s.NoShows {
		at[i] = n.At
	}
	slices.SortFunc(at, time.Time.Compare)
	var until time.Time
	for i := rule.Limit - 1; i < len(at); i++ {
		if at[i].Sub(at[i-rule.Limit+1]) <= rule.Window {
			if u := at[i].Add(rule.For); u.After(until) {
				until = u
			}
		}
	}
	return until, now.Before(until)
}

// NoteNoShow records a no-show once per booking; when it starts the rule for
// the person, the event telling them is recorded too (eventID).
// Records too old to matter are dropped. loc is the zone the notice
// writes its end in (the session's).
func (s *Standing) NoteNoShow(n NoShow, rule NoShowRule, eventID string, now time.Time, loc *time.Location) bool {
	if slices.ContainsFunc(s.NoShows, func(x NoShow) bool { return x.BookingID == n.BookingID }) {
		return false
	}
	_, before := s.RestrictedUntil(rule, now)
	s.NoShows = slices.DeleteFunc(s.NoShows, func(x NoShow) bool { return now.Sub(x.At) > rule.Window+rule.For })
	s.NoShows = append(s.NoShows, n)
	until, after := s.RestrictedUntil(rule, now)
	if after && !before {
		e, err := event.New(eventID, EventRestricted, event.Subject{Kind: "user", ID: s.UserID}, now, map[string]string{
			"userId": s.UserID, "until": until.UTC().Format(time.RFC3339),
			"untilLocal": until.In(loc).Format("2006-01-02 15:04"), "noShows": strconv.Itoa(rule.Limit),
			"windowDays": strconv.Itoa(int(rule.Window / (24 * time.Hour))), "days": strconv.Itoa(int(rule.For / (24 * time.Hour)))})
		if err == nil {
			s.Record(e)
		}
	}
	return true
}

// Forget takes back a no-show corrected to attended; false when there
// was none.
func (s *Standing) Forget(bookingID string) bool {
	n := len(s.NoShows)
	s.NoShows = slices.DeleteFunc(s.NoShows, func(x NoShow) bool { return x.BookingID == bookingID })
	return len(s.NoShows) != n
}
