package elder

import (
	"errors"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// An alarm noted before the removal's check is judged by it; one noted
// after is ErrAlarmsChanged; once the removal began, no alarm is noted.
func TestAnAlarmAndARemovalMeetOnTheElder(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)
	var e Elder
	if err := e.BeginAlarm("i1", now); err != nil {
		t.Fatal(err)
	}
	if err := e.BeginAlarm("i2", now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	r := Removal{ID: "r1", Since: now.Add(2 * time.Second), By: "owner"}
	if err := e.BeginRemoval(r, []string{"i1"}); !errors.Is(err, ErrAlarmsChanged) || e.Removing() {
		t.Fatalf("removal with an alarm unjudged: %v, removing %v", err, e.Removing())
	}
	if err := e.BeginRemoval(r, []string{"i1", "i2"}); err != nil || !e.Removing() {
		t.Fatalf("removal with every alarm judged: %v", err)
	}
	if err := e.BeginAlarm("i3", now.Add(3*time.Second)); !fault.Is(err, ErrNotFound) || !errors.Is(err, ErrRemovalUnderway) {
		t.Fatalf("an alarm after the removal began: %v", err)
	}
	if e.CancelRemoval("another") || !e.Removing() {
		t.Fatal("another request's cancel took the removal back")
	}
	if !e.CancelRemoval("r1") || e.Removing() {
		t.Fatal("the removal's own cancel did not take it back")
	}
}

// Notes older than AlarmGrace are forgotten at the next alarm, so the
// list stays short; a lost race's note is taken back at once.
func TestOldAlarmNotesLapse(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)
	var e Elder
	_ = e.BeginAlarm("old", now)
	_ = e.BeginAlarm("lost", now.Add(AlarmGrace))
	_ = e.BeginAlarm("new", now.Add(AlarmGrace+time.Second))
	e.ForgetAlarm("lost")
	if len(e.Alarms) != 1 || e.Alarms[0].IncidentID != "new" {
		t.Fatalf("notes: %+v", e.Alarms)
	}
}

// A removal's mark is taken back by the repair only once RemovalGrace
// has passed since it began or was last renewed, and only its own.
func TestAStaleRemovalIsTakenBack(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)
	var e Elder
	if err := e.BeginRemoval(Removal{ID: "r1", Since: now, By: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	cutoff := now.Add(RemovalGrace - time.Second).Add(-RemovalGrace)
	if e.TakeBackRemoval("r1", cutoff) || !e.Removing() {
		t.Fatal("a removal younger than RemovalGrace was taken back")
	}
	later := now.Add(RemovalGrace)
	if !e.RenewRemoval(later) || e.TakeBackRemoval("r1", later.Add(-RemovalGrace).Add(-time.Second)) {
		t.Fatal("a renewed removal was taken back")
	}
	if e.TakeBackRemoval("another", later) || !e.Removing() {
		t.Fatal("another removal's repair took this one back")
	}
	if !e.TakeBackRemoval("r1", later) || e.Removing() {
		t.Fatal("a removal RemovalGrace old was not taken back")
	}
	if e.RenewRemoval(later) {
		t.Fatal("a removal taken back was renewed")
	}
	if err := e.BeginAlarm("i1", later); err != nil {
		t.Fatalf("an alarm once the removal was taken back: %v", err)
	}
}
