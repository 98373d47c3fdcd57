package recurrence

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

var tuesday = calendar.Date{Year: 2027, Month: time.March, Day: 2}

func bathing(t *testing.T, now time.Time) *Rule {
	t.Helper()
	s := mustSchedule(t, Spec{Frequency: Weekly, Weekdays: []time.Weekday{time.Tuesday}, TimeZone: "Asia/Shanghai",
		StartsOn: tuesday, At: 600, Duration: time.Hour})
	r, err := New(Draft{ID: "r1", FamilyID: "f", ElderID: "e", CreatedBy: "u", ProviderID: "p", ItemID: "i",
		PriceVersion: 1, Schedule: s}, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRuleSkipPauseResumeEnd(t *testing.T) {
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	r := bathing(t, now)
	month := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	if n := len(r.Occurrences(now, month)); n != 5 {
		t.Fatalf("%d occurrences in March", n)
	}
	if err := r.Skip(tuesday.AddDays(7), now); err != nil {
		t.Fatal(err)
	}
	if err := r.Skip(tuesday.AddDays(7), now); err != nil {
		t.Fatal("a second skip of the same day:", err)
	}
	if n := len(r.Occurrences(now, month)); n != 4 {
		t.Fatalf("%d occurrences after a skip", n)
	}
	if err := r.Skip(tuesday.AddDays(1), now); !fault.Is(err, ErrNotAnOccurrence) {
		t.Fatalf("skip of a Wednesday: %v", err)
	}
	if err := r.Skip(tuesday, time.Date(2027, 3, 2, 3, 0, 0, 0, time.UTC)); !fault.Is(err, ErrNotAnOccurrence) {
		t.Fatalf("skip of a past Tuesday: %v", err)
	}
	if err := r.Resume(now); !fault.Is(err, ErrStatus) {
		t.Fatalf("resume an active rule: %v", err)
	}
	if err := r.Pause(now); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Occurrences(now, month)); n != 0 {
		t.Fatalf("%d occurrences while paused", n)
	}
	if err := r.Resume(now); err != nil {
		t.Fatal(err)
	}
	if err := r.End(now); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Occurrences(now, month)); n != 0 {
		t.Fatalf("%d occurrences after the end", n)
	}
	if err := r.Skip(tuesday.AddDays(14), now); !fault.Is(err, ErrStatus) {
		t.Fatalf("skip on an ended rule: %v", err)
	}
}

func TestSplitChangesThisAndFuture(t *testing.T) {
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	r := bathing(t, now)
	if err := r.Skip(tuesday.AddDays(21), now); err != nil {
		t.Fatal(err)
	}
	spec := r.Schedule().Spec()
	spec.Weekdays, spec.At = []time.Weekday{time.Thursday}, 14*60
	from := tuesday.AddDays(14)
	due := int64(4000)
	next, err := r.Split(from, Change{Spec: &spec, PriceVersion: 2, DueFen: &due}, "r2", now)
	if err != nil {
		t.Fatal(err)
	}
	month := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	old := r.Occurrences(now, month)
	if len(old) != 2 || old[1].Date != tuesday.AddDays(7) {
		t.Fatalf("old rule keeps %v", old)
	}
	got := next.Occurrences(now, month)
	if len(got) != 2 || got[0].Date != from.AddDays(2) || got[0].Start.In(r.Schedule().Location()).Hour() != 14 {
		t.Fatalf("new rule has %v", got)
	}
	if next.SplitFrom() != "r1" || next.PriceVersion() != 2 || next.DueFen() != 4000 || len(next.Skips()) != 0 {
		t.Fatalf("new rule %+v", next.Snapshot())
	}
	if _, err := r.Split(tuesday.AddDays(1), Change{}, "r3", now); !fault.Is(err, ErrNotAnOccurrence) {
		t.Fatalf("split on a day not in the rule: %v", err)
	}
	// A split on the first day leaves nothing of the old rule.
	r2 := bathing(t, now)
	if _, err := r2.Split(tuesday, Change{}, "r4", now); err != nil || r2.Status() != Ended {
		t.Fatalf("split on the first day: %v, %s", err, r2.Status())
	}
}

func TestStartInThePastIsRefused(t *testing.T) {
	s := mustSchedule(t, Spec{Frequency: Weekly, Weekdays: []time.Weekday{time.Tuesday}, TimeZone: "Asia/Shanghai",
		StartsOn: tuesday, At: 600, Duration: time.Hour})
	_, err := New(Draft{ID: "r1", FamilyID: "f", ElderID: "e", CreatedBy: "u", ProviderID: "p", ItemID: "i",
		PriceVersion: 1, Schedule: s}, time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC))
	if !fault.Is(err, ErrStartsInPast) {
		t.Fatal(err)
	}
}
