package incident

import (
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC) // 23:00 in Shanghai

func raised(t *testing.T) *Incident {
	t.Helper()
	i, err := New(Raise{ID: "i", ElderID: "e", FamilyID: "f", ElderName: "王秀英", Kind: SOS,
		Source: Source{Kind: FromFamily, UserID: "son"}, Family: []string{"son", "daughter"}}, "ev1", t0)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestEveryRungIsCalledOnceAndOnlyWhenDue(t *testing.T) {
	i := raised(t)
	if i.Rung() != RungFamily || !i.DueAt().Equal(t0.Add(2*time.Minute)) || len(i.RespondersOn(1)) != 2 {
		t.Fatalf("raised: rung %d due %s responders %v", i.Rung(), i.DueAt(), i.RespondersOn(1))
	}
	nearby := Call{Rung: RungNearby, Responders: []Responder{{UserID: "duty", Role: RoleStation}}, SMS: []string{"+8613"}}
	if err := i.Escalate(nearby, "ev2", t0.Add(119*time.Second)); !errors.Is(err, ErrNotDue) {
		t.Fatalf("rung 2 a second early: %v", err)
	}
	if err := i.Escalate(nearby, "ev2", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := i.Escalate(nearby, "ev3", t0.Add(3*time.Minute)); !errors.Is(err, ErrNotDue) {
		t.Fatalf("rung 2 twice: %v", err)
	}
	if !i.DueAt().Equal(t0.Add(7*time.Minute)) || len(i.Snapshot().PendingSMS) != 1 {
		t.Fatalf("after rung 2: due %s, texts %v", i.DueAt(), i.Snapshot().PendingSMS)
	}
	if err := i.Acknowledge(Responder{UserID: "duty", Rung: 2, Role: RoleStation}, "ev4", t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	ops := Call{Rung: RungOperator, Responders: []Responder{{UserID: "op", Role: RoleOperator}}}
	if err := i.Escalate(ops, "ev5", t0.Add(time.Hour)); !errors.Is(err, ErrNotDue) {
		t.Fatalf("rung 3 after the acknowledgement: %v", err)
	}
	var types []string
	for _, e := range i.Pending() {
		types = append(types, string(e.Type))
	}
	if len(types) != 3 || types[0] != "incident.raised" || types[1] != "incident.escalated" || types[2] != "incident.acknowledged" {
		t.Fatalf("events %v", types)
	}
}

func TestANearbyRungWithNobodyCallsTheOperatorsAtOnce(t *testing.T) {
	i := raised(t)
	if err := i.Escalate(Call{Rung: RungNearby}, "ev2", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !i.DueAt().Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("an empty rung 2 waits until %s", i.DueAt())
	}
	if err := i.Escalate(Call{Rung: RungOperator}, "ev3", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !i.DueAt().IsZero() || i.Next() != 0 {
		t.Fatalf("the top rung leaves a deadline %s", i.DueAt())
	}
}

func TestAnAlarmWithinAMinuteIsTheSameIncident(t *testing.T) {
	i := raised(t)
	if !i.Mergeable(t0.Add(59*time.Second)) || i.Mergeable(t0.Add(time.Minute)) {
		t.Fatal("the merge window is not one minute")
	}
	if err := i.RaiseAgain(Source{Kind: FromDevice, DeviceID: "d"}, "", t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	// The window runs from the last alarm.
	if !i.Mergeable(t0.Add(80 * time.Second)) {
		t.Fatal("a press 50 s after the second does not merge")
	}
	if err := i.Resolve(Responder{UserID: "son", Rung: 1, Role: RoleFamily}, FalseAlarm, "", "ev", t0.Add(40*time.Second)); err != nil {
		t.Fatal(err)
	}
	if i.Mergeable(t0.Add(45 * time.Second)) {
		t.Fatal("a resolved incident takes alarms")
	}
}

func TestBadInputIsRefused(t *testing.T) {
	if _, err := New(Raise{ID: "i", Kind: "flood"}, "ev", t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("kind flood: %v", err)
	}
	i := raised(t)
	by := Responder{UserID: "son", Rung: 1, Role: RoleFamily}
	if err := i.Note(by, "  ", t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a blank note: %v", err)
	}
	if err := i.Resolve(by, "fixed", "", "ev", t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("outcome fixed: %v", err)
	}
	if err := i.Close(by, t0); !errors.Is(err, ErrTransition) {
		t.Fatalf("closing an open incident: %v", err)
	}
}

// Staff who raise an alarm are on the incident as its reporter, on no
// rung: rung 1 still calls the whole family; a reporter whom a later rung
// calls (the station's worker on duty) is called as anyone on it.
func TestAReporterIsOnTheIncidentButOnNoRung(t *testing.T) {
	i, err := New(Raise{ID: "i", ElderID: "e", FamilyID: "f", Kind: Fall,
		Source: Source{Kind: FromStaff, UserID: "worker"}, Family: []string{"son"},
		Reporter: &Responder{UserID: "worker", ProviderID: "station"}}, "ev1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := i.Responder("worker"); !ok || r.Role != RoleReporter || r.Rung != 0 || r.ProviderID != "station" {
		t.Fatalf("the reporter is %+v (%v)", r, ok)
	}
	if got := i.RespondersOn(RungFamily); len(got) != 1 || got[0] != "son" {
		t.Fatalf("rung 1 called %v", got)
	}
	i.Report(Responder{UserID: "son"}) // already on it: stays family
	if r, _ := i.Responder("son"); r.Role != RoleFamily {
		t.Fatalf("a family member reporting again became %s", r.Role)
	}
	nearby := Call{Rung: RungNearby, Responders: []Responder{{UserID: "worker", Role: RoleStation, ProviderID: "station"}}}
	if err := i.Escalate(nearby, "ev2", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r, _ := i.Responder("worker"); r.Role != RoleStation || r.Rung != RungNearby {
		t.Fatalf("the reporter called on rung 2 is %+v", r)
	}
	if got := i.RespondersOn(RungNearby); len(got) != 1 || len(i.Called()) != 2 {
		t.Fatalf("rung 2 called %v; on the incident %v", got, i.Called())
	}
}

// An elder's ladder is bounded: the family 1–10 minutes, the contacts and
// the station 2–15, in whole minutes; a raised incident keeps the ladder
// it was raised with and calls its rungs by it.
func TestAnEldersLadderIsBoundedAndKeptByItsIncidents(t *testing.T) {
	for _, bad := range [][2]time.Duration{{0, 5 * time.Minute}, {11 * time.Minute, 5 * time.Minute},
		{2 * time.Minute, time.Minute}, {2 * time.Minute, 16 * time.Minute}, {90 * time.Second, 5 * time.Minute}} {
		if _, err := NewLadder(bad[0], bad[1]); !errors.Is(err, ErrLadderInvalid) {
			t.Errorf("ladder %v accepted (%v)", bad, err)
		}
	}
	l, err := NewLadder(5*time.Minute, 10*time.Minute)
	if err != nil || l.Default() {
		t.Fatalf("a ladder of 5 and 10 minutes: %v %v", l, err)
	}
	i, err := New(Raise{ID: "i", ElderID: "e", FamilyID: "f", Kind: SOS, Source: Source{Kind: FromFamily, UserID: "son"},
		Family: []string{"son"}, Ladder: l}, "ev1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !i.DueAt().Equal(t0.Add(5 * time.Minute)) {
		t.Fatalf("rung 2 due %s, want 5 minutes after the alarm", i.DueAt())
	}
	nearby := Call{Rung: RungNearby, Responders: []Responder{{UserID: "duty", Role: RoleStation}}}
	if err := i.Escalate(nearby, "ev2", t0.Add(5*time.Minute-time.Second)); !errors.Is(err, ErrNotDue) {
		t.Fatalf("rung 2 before the elder's wait: %v", err)
	}
	if err := i.Escalate(nearby, "ev2", t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !i.DueAt().Equal(t0.Add(15 * time.Minute)) {
		t.Fatalf("rung 3 due %s, want 10 minutes after rung 2", i.DueAt())
	}
}
