package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestAnUnansweredAlarmReachesTheOperatorWithCall120: nobody on rungs 1
// and 2 answers; at 2 + 5 minutes every operator is pushed with the
// "call 120" instruction and finds the incident in their queue with the
// elder's address, health and contacts; the operator resolves it
// (emergency services called) and the family closes it. Once resolved,
// the station's worker and the operator no longer see the address.
func TestAnUnansweredAlarmReachesTheOperatorWithCall120(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	sos := tonightAt(2, 30)
	clock := newLadderClock(t, sos)
	w := newCareWorld(t, fcm, clock, t.TempDir())
	w.owner.consent(t, w.family.ID, "elder_health", w.elder.ID)
	wantStatus(t, w.owner.patch(t, "/v1/elders/"+w.elder.ID, map[string]any{"conditions": []string{"高血压", "糖尿病"}}),
		http.StatusOK)

	raised := must[incidentView](t, w.owner.sos(t, w.elder.ID, nil), http.StatusCreated)
	// Pressed twice in panic: the same incident, one ladder.
	clock.set(t, sos.Add(40*time.Second))
	again := must[incidentView](t, w.son.sos(t, w.elder.ID, map[string]any{"location": map[string]float64{
		"lat": w.home.lat, "lng": w.home.lng}}), http.StatusOK)
	if again.ID != raised.ID || !again.Merged {
		t.Fatalf("a second SOS within a minute made %s (merged %v), want %s merged", again.ID, again.Merged, raised.ID)
	}
	clock.set(t, sos.Add(2*time.Minute))
	waitPushOfType(t, fcm, w.workerPhone, "incident.escalated")
	clock.set(t, sos.Add(6*time.Minute+59*time.Second))
	w.srv.awaitPasses(t, "incident_ladder")
	w.srv.settle(t)
	wantPushCount(t, fcm, w.operatorPhone, "the operator before rung 3 was due", 0)

	clock.set(t, sos.Add(7*time.Minute))
	m := waitPushOfType(t, fcm, w.operatorPhone, "incident.operator_called")
	if !strings.Contains(m.Notification.Body, "拨打 120") {
		t.Errorf("the operator's push does not say to call 120: %q", m.Notification.Body)
	}
	queue := must[listPage[incidentView]](t, w.operator.get(t, "/v1/me/incidents?live=true"), http.StatusOK)
	if len(queue.Items) != 1 || queue.Items[0].ID != raised.ID {
		t.Fatalf("the operator's queue: %s", compactJSON(queue))
	}
	seen := queue.Items[0]
	if seen.You.Role != "operator" || seen.Rung != 3 || seen.DueAt != nil || seen.Elder.Address == nil ||
		len(seen.Elder.Conditions) != 2 || len(seen.Elder.EmergencyContacts) != 1 {
		t.Fatalf("the operator sees %s", compactJSON(seen))
	}
	wantStatus(t, w.operator.post(t, "/v1/incidents/"+raised.ID+"/notes", map[string]string{"text": "电话无人接听，已拨打 120"}),
		http.StatusOK)
	wantProblem(t, w.owner.post(t, "/v1/incidents/"+raised.ID+"/close", nil), http.StatusConflict,
		"incident_status_conflict")
	done := must[incidentView](t, w.operator.post(t, "/v1/incidents/"+raised.ID+"/resolve",
		map[string]string{"outcome": "emergency_services_called", "note": "120 已送医"}), http.StatusOK)
	if done.Status != "resolved" || done.Outcome != "emergency_services_called" || done.AcknowledgedBy != w.operator.id {
		t.Fatalf("resolved: %s", compactJSON(done))
	}
	waitPushOfType(t, fcm, w.ownerPhone, "incident.resolved")

	// Resolved: rungs 2 and 3 keep the record, not the elder's details.
	for who, p := range map[string]*person{"the worker": w.worker, "the operator": w.operator} {
		v := p.incident(t, raised.ID)
		if v.Elder.Address != nil || v.Elder.Conditions != nil || v.Elder.EmergencyContacts != nil || v.Elder.Name != "王秀英" {
			t.Errorf("%s still sees the elder's details after resolution: %s", who, compactJSON(v.Elder))
		}
	}
	if live := must[listPage[incidentView]](t, w.operator.get(t, "/v1/me/incidents?live=true"), http.StatusOK); len(live.Items) != 0 {
		t.Errorf("a resolved incident stays in the operator's live queue: %s", compactJSON(live))
	}
	wantProblem(t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/close", nil), http.StatusForbidden,
		"incident_action_forbidden")
	closed := must[incidentView](t, w.owner.post(t, "/v1/incidents/"+raised.ID+"/close", nil), http.StatusOK)
	if closed.Status != "closed" || closed.Elder.Address == nil {
		t.Fatalf("the family's closed incident: %s", compactJSON(closed))
	}
	want := []string{"raised", "rung_called(1)", "raised_again", "rung_called(2)", "sms_sent", "rung_called(3)", "note",
		"resolved", "closed"}
	if got := closed.steps(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("timeline %q, want %q", got, want)
	}
	w.srv.waitJobsIdle(t)
	for who, c := range map[string]struct{ token, typ string }{
		"the daughter": {w.ownerPhone, "incident.raised"}, "the worker": {w.workerPhone, "incident.escalated"},
		"the operator": {w.operatorPhone, "incident.operator_called"}} {
		if n := pushTypeCount(fcm, c.token, c.typ); n != 1 {
			t.Errorf("%s got %d %s pushes, want 1", who, n, c.typ)
		}
	}
}

// TestAlarmsAreOnlyForTheirLadder: the bad input and abuse of incidents.
// An SOS for another family's elder is 404; so is reading or
// acknowledging an incident one is not on the ladder for, also for a
// family member who left; a station's duty roster holds only its staff.
func TestAlarmsAreOnlyForTheirLadder(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	clock := newLadderClock(t, tonightAt(23, 0))
	w := newCareWorld(t, fcm, clock, t.TempDir())
	stranger := w.srv.signUp(t)
	otherFamily := stranger.createFamily(t, uniqueName("李家"))
	theirs := stranger.addElder(t, otherFamily.ID, elderBody("李桂兰", nil))

	wantProblem(t, w.owner.sos(t, theirs.ID, nil), http.StatusNotFound, "elder_not_found")
	wantProblem(t, w.owner.sos(t, randomID(), nil), http.StatusNotFound, "elder_not_found")
	wantProblem(t, w.owner.get(t, "/v1/elders/"+theirs.ID+"/incidents"), http.StatusNotFound, "elder_not_found")
	wantProblem(t, w.owner.sos(t, w.elder.ID, map[string]any{"note": strings.Repeat("救", 1001)}),
		http.StatusUnprocessableEntity, "validation_failed")

	raised := must[incidentView](t, w.owner.sos(t, w.elder.ID, nil), http.StatusCreated)
	path := "/v1/incidents/" + raised.ID
	for who, p := range map[string]*person{"a stranger": stranger, "the station's boss": w.boss,
		"the worker before rung 2": w.worker, "the operator": w.operator} {
		for _, r := range []*response{p.get(t, path), p.post(t, path+"/acknowledge", nil),
			p.post(t, path+"/notes", map[string]string{"text": "我来处理"}),
			p.post(t, path+"/resolve", map[string]string{"outcome": "false_alarm"})} {
			if r.status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404: %s", who, r.status, r.body)
			}
		}
	}
	wantProblem(t, w.owner.get(t, "/v1/incidents/"+randomID()), http.StatusNotFound, "incident_not_found")
	wantProblem(t, w.owner.post(t, path+"/resolve", map[string]string{"outcome": "fixed"}),
		http.StatusUnprocessableEntity, "validation_failed")
	wantProblem(t, w.owner.post(t, path+"/close", nil), http.StatusConflict, "incident_status_conflict")

	// The son leaves the family: the incident is no longer his to see.
	wantStatus(t, w.son.get(t, path), http.StatusOK)
	wantStatus(t, w.owner.del(t, "/v1/families/"+w.family.ID+"/members/"+w.son.id), http.StatusNoContent)
	wantProblem(t, w.son.post(t, path+"/acknowledge", nil), http.StatusNotFound, "incident_not_found")

	// A duty roster names the provider's staff only, set by its admins.
	wantProblem(t, w.boss.put(t, "/v1/providers/"+w.station.ID+"/duty", map[string][]string{"userIds": {stranger.id}}),
		http.StatusUnprocessableEntity, "duty_invalid")
	r := w.worker.put(t, "/v1/providers/"+w.station.ID+"/duty", map[string][]string{"userIds": {w.worker.id}})
	if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("a worker set the duty roster: %d %s", r.status, r.body)
	}
}
