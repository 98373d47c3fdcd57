package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type ladderView struct {
	FamilyWaitMinutes int        `json:"familyWaitMinutes"`
	NearbyWaitMinutes int        `json:"nearbyWaitMinutes"`
	Default           bool       `json:"default"`
	SetBy             string     `json:"setBy"`
	SetAt             *time.Time `json:"setAt"`
}

// TestTheDaughterGivesHerFamilyFiveMinutes: the family's owner sets her
// mother's ladder — five minutes for the family, ten for the neighbour
// and the station — which the son may read but not change, and nobody
// else may see. An SOS at 22:00 calls rung 2 at 22:05 (not a second
// before) and the operators at 22:15, each once, by the deadlines
// MongoDB keeps; an SOS raised before the change kept the default.
func TestTheDaughterGivesHerFamilyFiveMinutes(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	sos := tonightAt(22, 0)
	clock := newLadderClock(t, sos.Add(-30*time.Minute))
	w := newCareWorld(t, fcm, clock, t.TempDir())
	path := "/v1/elders/" + w.elder.ID + "/ladder"

	def := must[ladderView](t, w.son.get(t, path), http.StatusOK)
	if !def.Default || def.FamilyWaitMinutes != 2 || def.NearbyWaitMinutes != 5 {
		t.Fatalf("the default ladder reads %s", compactJSON(def))
	}
	// An SOS before the change climbs the default ladder.
	clock.set(t, sos.Add(-20*time.Minute))
	before := must[incidentView](t, w.son.sos(t, w.elder.ID, nil), http.StatusCreated)
	if before.DueAt == nil || !before.DueAt.Equal(sos.Add(-18*time.Minute)) {
		t.Fatalf("an SOS on the default ladder is due %v", before.DueAt)
	}
	acked := w.owner.post(t, "/v1/incidents/"+before.ID+"/acknowledge", nil)
	wantStatus(t, acked, http.StatusOK)

	clock.set(t, sos.Add(-10*time.Minute))
	body := map[string]int{"familyWaitMinutes": 5, "nearbyWaitMinutes": 10}
	wantProblem(t, w.son.put(t, path, body), http.StatusForbidden, "family_owner_required")
	for _, p := range []*person{w.worker, w.boss, w.operator} {
		wantProblem(t, p.put(t, path, body), http.StatusNotFound, "elder_not_found")
		wantProblem(t, p.get(t, path), http.StatusNotFound, "elder_not_found")
	}
	wantProblem(t, w.owner.put(t, path, map[string]int{"familyWaitMinutes": 11, "nearbyWaitMinutes": 10}),
		http.StatusUnprocessableEntity, "validation_failed")
	set := must[ladderView](t, w.owner.put(t, path, body), http.StatusOK)
	if set.Default || set.FamilyWaitMinutes != 5 || set.NearbyWaitMinutes != 10 || set.SetBy != w.owner.id ||
		set.SetAt == nil || !set.SetAt.Equal(sos.Add(-10*time.Minute)) {
		t.Fatalf("the ladder set reads %s", compactJSON(set))
	}
	if got := must[ladderView](t, w.son.get(t, path), http.StatusOK); compactJSON(got) != compactJSON(set) {
		t.Fatalf("the son reads %s, the owner set %s", compactJSON(got), compactJSON(set))
	}
	if got := w.son.incident(t, before.ID); got.DueAt != nil || got.Status != "acknowledged" {
		t.Fatalf("the earlier incident changed: %s", compactJSON(got))
	}

	// 22:00: the SOS climbs her ladder.
	clock.set(t, sos)
	raised := must[incidentView](t, w.son.sos(t, w.elder.ID, nil), http.StatusCreated)
	if raised.DueAt == nil || !raised.DueAt.Equal(sos.Add(5*time.Minute)) {
		t.Fatalf("rung 2 is due %v, want 22:05", raised.DueAt)
	}
	clock.set(t, sos.Add(5*time.Minute-time.Second))
	w.srv.awaitPasses(t, "incident_ladder")
	w.srv.settle(t)
	if n := len(pushesTo(fcm, w.workerPhone)); n != 0 {
		t.Fatalf("the station was called before 22:05: %s", describePushes(pushesTo(fcm, w.workerPhone)))
	}
	clock.set(t, sos.Add(5*time.Minute))
	waitPushOf(t, fcm, w.workerPhone, "incident.escalated")
	if got := w.son.incident(t, raised.ID); got.Rung != 2 || got.DueAt == nil || !got.DueAt.Equal(sos.Add(15*time.Minute)) {
		t.Fatalf("after rung 2 the incident is %s", compactJSON(got))
	}
	clock.set(t, sos.Add(15*time.Minute-time.Second))
	w.srv.awaitPasses(t, "incident_ladder")
	w.srv.settle(t)
	wantPushCount(t, fcm, w.operatorPhone, "the operator before 22:15", 0)
	clock.set(t, sos.Add(15*time.Minute))
	waitPushOf(t, fcm, w.operatorPhone, "incident.operator_called")
	clock.set(t, sos.Add(time.Hour))
	w.srv.awaitPasses(t, "incident_ladder")
	w.srv.settle(t)
	wantPushCount(t, fcm, w.workerPhone, "the station worker", 1)
	wantPushCount(t, fcm, w.operatorPhone, "the operator", 1)
}
