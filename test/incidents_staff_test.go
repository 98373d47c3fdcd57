package e2e_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestTheStationWorkerFindsHerOnTheFloor: the community station's worker
// on a home visit finds the elder fallen at 10:00 and raises a fall on
// her ladder. The family is pushed at once; the worker is on the
// incident as its reporter — she reads it and adds notes, but cannot
// silence the ladder she started. Her station's admin raising it again
// within the minute joins the same incident. Nobody in the family
// answers, so at 10:02 rung 2 calls the station's worker on duty — the
// reporter herself — who is now called as anyone on the rung and
// acknowledges. Staff of a provider that does not serve the elder, and
// the family (who raise an SOS instead), meet no such elder.
func TestTheStationWorkerFindsHerOnTheFloor(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	found := tonightAt(10, 0)
	clock := newLadderClock(t, found.Add(-10*time.Minute))
	w := newCareWorld(t, fcm, clock, t.TempDir())

	// Another provider, far away, and the family: not the elder's staff.
	stranger := w.srv.signUp(t)
	far := stranger.register(t, providerBody(uniqueName("远方护理站"), w.home.offset(40_000, 40_000), 3, newPhone(), nil))
	w.admin.verify(t, far.ID)
	body := map[string]any{"kind": "fall", "note": "上门探访时发现老人摔倒在厨房，意识清醒。"}
	path := "/v1/elders/" + w.elder.ID + "/incidents"
	clock.set(t, found)
	for who, p := range map[string]*person{"a provider far away": stranger, "the daughter": w.owner} {
		if r := p.post(t, path, body); r.status != http.StatusNotFound {
			t.Fatalf("%s raised a staff incident: %d %s", who, r.status, r.body)
		}
	}

	raised := must[incidentView](t, w.worker.post(t, path, body), http.StatusCreated)
	if raised.Kind != "fall" || raised.Status != "open" || raised.Rung != 1 || raised.You.Role != "reporter" ||
		raised.You.Rung != 0 || raised.DueAt == nil || !raised.DueAt.Equal(found.Add(2*time.Minute)) {
		t.Fatalf("the worker's alarm is %s", compactJSON(raised))
	}
	if i := slices.IndexFunc(raised.Responders, func(r responderView) bool { return r.UserID == w.worker.id }); i < 0 ||
		raised.Responders[i].Role != "reporter" || raised.Responders[i].ProviderID != w.station.ID {
		t.Fatalf("the reporter is not on the incident: %s", compactJSON(raised.Responders))
	}
	for _, token := range []string{w.ownerPhone, w.sonPhone} {
		waitPushOf(t, fcm, token, "incident.raised")
	}
	if n := len(pushesTo(fcm, w.workerPhone)); n != 0 {
		t.Fatalf("the reporter was pushed her own alarm: %s", describePushes(pushesTo(fcm, w.workerPhone)))
	}

	// Her station's admin, arriving, raises it again: the same incident.
	clock.set(t, found.Add(30*time.Second))
	again := must[incidentView](t, w.boss.post(t, path, map[string]any{"kind": "health_alert"}), http.StatusOK)
	if !again.Merged || again.ID != raised.ID || again.You.Role != "reporter" {
		t.Fatalf("the admin's alarm within the minute is %s", compactJSON(again))
	}

	// The reporter reads and notes, but neither acknowledges nor resolves.
	wantProblem(t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/acknowledge", nil), http.StatusForbidden,
		"incident_action_forbidden")
	wantProblem(t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/resolve", map[string]string{"outcome": "visit_made"}),
		http.StatusForbidden, "incident_action_forbidden")
	noted := must[incidentView](t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/notes",
		map[string]string{"text": "已扶老人到床上，正在等家属回电。"}), http.StatusOK)
	if noted.Status != "open" || noted.Elder.Address == nil {
		t.Fatalf("after the reporter's note the incident is %s", compactJSON(noted))
	}

	// 10:02: the family did not answer; rung 2 calls the worker on duty,
	// who now acknowledges as the station (and the neighbour is texted).
	clock.set(t, found.Add(2*time.Minute))
	waitPushOf(t, fcm, w.workerPhone, "incident.escalated")
	clock.set(t, found.Add(3*time.Minute))
	acked := must[incidentView](t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/acknowledge", nil), http.StatusOK)
	if acked.Status != "acknowledged" || acked.You.Role != "station" || acked.You.Rung != 2 {
		t.Fatalf("the worker's acknowledgement: %s", compactJSON(acked))
	}
	// The admin, reporter still, hears that it is handled; the family sees
	// the whole timeline.
	waitPushOf(t, fcm, w.ownerPhone, "incident.acknowledged")
	seen := w.owner.incident(t, raised.ID)
	want := []string{"raised", "rung_called(1)", "raised_again", "note", "rung_called(2)", "sms_sent", "acknowledged"}
	if got := seen.steps(); !slices.Equal(got, want) {
		t.Fatalf("the family's timeline is %v, want %v", got, want)
	}
	if seen.Timeline[0].By != w.worker.id || seen.Timeline[0].Note != body["note"] {
		t.Errorf("the timeline's first step is %s", compactJSON(seen.Timeline[0]))
	}
}
