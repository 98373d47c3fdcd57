package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/recurrence"
)

// recurrenceEvents is a recurring order whose next occurrence could not
// be ordered.
func recurrenceEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s, err := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly,
		Weekdays: []time.Weekday{time.Tuesday}, TimeZone: "Asia/Shanghai", StartsOn: calendar.Today(now, loc),
		At: 600, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r, err := recurrence.New(recurrence.Draft{ID: "r1", FamilyID: "fam", ElderID: "e", CreatedBy: "owner",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, Schedule: s}, now)
	if err != nil {
		t.Fatal(err)
	}
	next := s.Between(now, now.Add(8*24*time.Hour))[0]
	if err := r.OccurrenceSkipped(next, "price_changed", newID(), now); err != nil {
		t.Fatal(err)
	}
	return r.Pending()
}
