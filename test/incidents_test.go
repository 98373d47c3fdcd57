package e2e_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestSOSAtNightReachesTheStationWhenTheFamilySleeps is Done-when bullet
// 1: an SOS at 23:00 that nobody in the family acknowledges calls rung 2
// at 23:02 — the neighbour listed as emergency contact by SMS, the
// community station's worker on duty by push — the worker acknowledges
// at 23:04, the ladder stops (no operator at 23:07 or later), and the
// family sees the whole timeline. Every rung is called exactly once.
func TestSOSAtNightReachesTheStationWhenTheFamilySleeps(t *testing.T) {
	t.Parallel()
	ladderStory(t, false)
}

// TestTheLadderSurvivesARestartAndAFlushedRedis is the same night with
// the server stopped after the SOS, Redis flushed (its timers gone) and
// a new server started on the same data before rung 2 is due: the rung
// is still called at 23:02, once, from the deadline MongoDB kept.
func TestTheLadderSurvivesARestartAndAFlushedRedis(t *testing.T) {
	t.Parallel()
	ladderStory(t, true)
}

func ladderStory(t *testing.T, restart bool) {
	fcm := fakefcm.Start(t)
	sos := tonightAt(23, 0)
	clock := newLadderClock(t, sos.Add(-10*time.Minute))
	dataDir := t.TempDir()
	redisURL, flushAll := privateRedis(t)
	w := newCareWorld(t, fcm, clock, dataDir, "REDIS_URL", redisURL)

	// 23:00: the son presses SOS in the app after a call from his mother.
	clock.set(t, sos)
	raised := must[incidentView](t, w.son.sos(t, w.elder.ID, map[string]any{"note": "妈妈电话里说摔倒了"}),
		http.StatusCreated)
	if raised.Status != "open" || raised.Rung != 1 || raised.Kind != "sos" || raised.Merged {
		t.Fatalf("a new SOS is %s on rung %d (kind %s, merged %v), want open on rung 1", raised.Status, raised.Rung,
			raised.Kind, raised.Merged)
	}
	if raised.DueAt == nil || !raised.DueAt.Equal(sos.Add(2*time.Minute)) {
		t.Errorf("rung 2 is due at %v, want %s", raised.DueAt, sos.Add(2*time.Minute))
	}
	for who, token := range map[string]string{"the daughter": w.ownerPhone, "the son": w.sonPhone} {
		m := waitPushOf(t, fcm, token, "incident.raised")
		wantPush(t, m, "紧急求助：王秀英",
			"王秀英 发出了紧急报警。请立即打开 kincare 确认由您处理；无人确认时将依次通知紧急联系人、社区值班人员和平台值班员。",
			map[string]string{"type": "incident.raised"})
		_ = who
	}
	// The station worker is not on the ladder yet: the incident does not
	// exist for them, and acknowledging it is 404.
	wantProblem(t, w.worker.get(t, "/v1/incidents/"+raised.ID), http.StatusNotFound, "incident_not_found")
	wantProblem(t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/acknowledge", nil), http.StatusNotFound,
		"incident_not_found")

	if restart {
		w.restartOn(t, fcm, clock, dataDir, "REDIS_URL", redisURL)
		flushAll()
	}

	// 23:01:59: nobody acknowledged, and rung 2 is not due yet.
	clock.set(t, sos.Add(2*time.Minute-time.Second))
	w.srv.awaitPasses(t, "incident_ladder")
	w.srv.settle(t)
	if n := len(pushesTo(fcm, w.workerPhone)); n != 0 {
		t.Fatalf("the station worker was pushed before rung 2 was due: %s", describePushes(pushesTo(fcm, w.workerPhone)))
	}
	if n := alertTexts(w.srv.sms, w.contact); n != 0 {
		t.Fatalf("the neighbour was texted %d times before rung 2 was due", n)
	}

	// 23:02: rung 2.
	clock.set(t, sos.Add(2*time.Minute))
	m := waitPushOf(t, fcm, w.workerPhone, "incident.escalated")
	wantPush(t, m, "紧急求助：王秀英", "王秀英 的紧急报警家人未能及时确认。请立即打开 kincare 查看地址与联系人，并确认由您处理。",
		map[string]string{"type": "incident.escalated"})
	if !waitUntil(pushWait, func() bool { return alertTexts(w.srv.sms, w.contact) == 1 }) {
		t.Fatalf("the neighbour without the app got %d incident texts, want 1", alertTexts(w.srv.sms, w.contact))
	}

	// 23:04: the worker reads the address and acknowledges.
	clock.set(t, sos.Add(4*time.Minute))
	seen := w.worker.incident(t, raised.ID)
	if seen.You.Role != "station" || seen.You.Rung != 2 || seen.Elder.Address == nil ||
		seen.Elder.Address.Detail != "3号楼2单元401室" || len(seen.Elder.EmergencyContacts) != 1 {
		t.Fatalf("the worker on duty sees %s", compactJSON(seen))
	}
	acked := must[incidentView](t, w.worker.post(t, "/v1/incidents/"+raised.ID+"/acknowledge", nil), http.StatusOK)
	if acked.Status != "acknowledged" || acked.AcknowledgedBy != w.worker.id || acked.DueAt != nil ||
		acked.AcknowledgedAt == nil || !acked.AcknowledgedAt.Equal(sos.Add(4*time.Minute)) {
		t.Fatalf("after the worker's acknowledgement the incident is %s", compactJSON(acked))
	}
	wantProblem(t, w.owner.post(t, "/v1/incidents/"+raised.ID+"/acknowledge", nil), http.StatusConflict,
		"incident_status_conflict")
	for _, token := range []string{w.ownerPhone, w.sonPhone} {
		waitPushOf(t, fcm, token, "incident.acknowledged")
	}

	// 23:07 and an hour later: the ladder stopped, the operator is never
	// called and the incident does not exist for them.
	for _, later := range []time.Duration{7 * time.Minute, time.Hour} {
		clock.set(t, sos.Add(later))
		w.srv.awaitPasses(t, "incident_ladder")
	}
	w.srv.settle(t)
	wantPushCount(t, fcm, w.operatorPhone, "the operator", 0)
	wantProblem(t, w.operator.get(t, "/v1/incidents/"+raised.ID), http.StatusNotFound, "incident_not_found")

	// Every rung once: one call per person, one text, and the timeline.
	for who, c := range map[string]struct {
		token, typ string
	}{"the daughter": {w.ownerPhone, "incident.raised"}, "the son": {w.sonPhone, "incident.raised"},
		"the worker": {w.workerPhone, "incident.escalated"}} {
		if n := pushTypeCount(fcm, c.token, c.typ); n != 1 {
			t.Errorf("%s got %d %s pushes, want 1: %s", who, n, c.typ, describePushes(pushesTo(fcm, c.token)))
		}
	}
	if n := pushTypeCount(fcm, w.workerPhone, "incident.acknowledged"); n != 0 {
		t.Errorf("the worker who acknowledged was told of it %d times", n)
	}
	if n := alertTexts(w.srv.sms, w.contact); n != 1 {
		t.Errorf("the neighbour got %d incident texts, want 1", n)
	}
	list := must[listPage[incidentView]](t, w.owner.get(t, "/v1/elders/"+w.elder.ID+"/incidents"), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0].ID != raised.ID {
		t.Fatalf("the family's list of incidents: %s", compactJSON(list))
	}
	got := list.Items[0]
	want := []string{"raised", "rung_called(1)", "rung_called(2)", "sms_sent", "acknowledged"}
	if !slices.Equal(got.steps(), want) {
		t.Fatalf("the family sees the timeline %q, want %q", got.steps(), want)
	}
	tl := got.Timeline
	if !tl[0].At.Equal(sos) || tl[0].By != w.son.id || tl[0].Note != "妈妈电话里说摔倒了" {
		t.Errorf("raised: %s", compactJSON(tl[0]))
	}
	if !tl[2].At.Equal(sos.Add(2*time.Minute)) || *tl[2].Called != 1 || *tl[2].Texted != 1 {
		t.Errorf("rung 2: %s (want at 23:02, one worker pushed, one contact texted)", compactJSON(tl[2]))
	}
	if *tl[1].Called != 2 {
		t.Errorf("rung 1 called %d, want the 2 family members", *tl[1].Called)
	}
	if tl[4].By != w.worker.id || tl[4].Role != "station" || !tl[4].At.Equal(sos.Add(4*time.Minute)) {
		t.Errorf("acknowledged: %s", compactJSON(tl[4]))
	}
	if restart {
		return
	}

	// Acknowledged is not resolved: the mother's record stays while
	// whoever answers needs it. Once the family resolves the alarm she
	// may be removed, and an SOS for her after is refused as for any
	// elder unknown (app/incidents/removal_test.go has the races).
	r := w.owner.del(t, "/v1/elders/"+w.elder.ID)
	wantProblem(t, r, http.StatusConflict, "elder_has_open_incident")
	if p := decode[struct {
		IncidentIDs []string `json:"incidentIds"`
	}](t, r); !slices.Equal(p.IncidentIDs, []string{raised.ID}) {
		t.Fatalf("the refused removal names %q, want the open alarm", p.IncidentIDs)
	}
	wantStatus(t, w.owner.post(t, "/v1/incidents/"+raised.ID+"/resolve", map[string]string{"outcome": "handled_by_family"}),
		http.StatusOK)
	wantStatus(t, w.owner.del(t, "/v1/elders/"+w.elder.ID), http.StatusNoContent)
	wantProblem(t, w.son.sos(t, w.elder.ID, nil), http.StatusNotFound, "elder_not_found")
}
