package e2e_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type careRecordView struct {
	ElderID    string   `json:"elderId"`
	StationID  string   `json:"stationId"`
	Categories []string `json:"categories"`
	Vulnerable bool     `json:"vulnerable"`
	Visitor    *struct {
		UserID string `json:"userId"`
		Kind   string `json:"kind"`
	} `json:"visitor"`
	Markings []struct {
		By     string `json:"by"`
		Role   string `json:"role"`
		Reason string `json:"reason"`
	} `json:"markings"`
}

// careWithElderView is getElderCare's answer: the record and the elder.
type careWithElderView struct {
	careRecordView
	Elder struct {
		Name    string `json:"name"`
		Address struct {
			Lat float64 `json:"lat"`
			Lng float64 `json:"lng"`
		} `json:"address"`
	} `json:"elder"`
}

type visitDueView struct {
	ElderID   string `json:"elderId"`
	VisitorID string `json:"visitorId"`
	VisitID   string `json:"visitId"`
}

type visitReportView struct {
	Month     string         `json:"month"`
	Due       int            `json:"due"`
	Visited   int            `json:"visited"`
	Rate      float64        `json:"rate"`
	Ended     bool           `json:"ended"`
	Elders    []visitDueView `json:"elders"`
	Overdue   []visitDueView `json:"overdue"`
	Pending   []visitDueView `json:"pending"`
	ByVisitor []struct {
		VisitorID string `json:"visitorId"`
		Due       int    `json:"due"`
		Visited   int    `json:"visited"`
	} `json:"byVisitor"`
}

type timeBankView struct {
	Account string `json:"account"`
	Balance int64  `json:"balance"`
	Held    int64  `json:"held"`
	Spent   int64  `json:"spent"`
	Earned  int64  `json:"earned"`
	Entries []struct {
		Seq     int64  `json:"seq"`
		Kind    string `json:"kind"`
		Ref     string `json:"ref"`
		Minutes int64  `json:"minutes"`
	} `json:"entries"`
}

type timeEntryView struct {
	Seq     int64  `json:"seq"`
	Kind    string `json:"kind"`
	Ref     string `json:"ref"`
	Minutes int64  `json:"minutes"`
}

// TestAStationVisitsItsLonelyElderEveryMonth: a community station puts a
// mother living alone on its register (her daughter may not), a
// volunteer is assigned to her; a stranger cannot record a visit for
// her; the volunteer's phone call counts for the month but earns no
// minutes, the visit at her door does — once, however many ask — and
// her family hears of it in their languages, with a referral and an
// incident raised from what the volunteer saw. Minutes are redeemed at
// the station for the volunteer's own father, confirmed once, and
// donated. Two months without a visit alert the station once.
func TestAStationVisitsItsLonelyElderEveryMonth(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := newLadderClock(t, t0)
	w := newCareWorld(t, fcm, clock, t.TempDir(), "VISIT_WATCH_INTERVAL", "50ms")
	bossPhone := w.boss.addDevice(t, "android")
	wantStatus(t, w.son.patch(t, "/v1/me", map[string]string{"locale": "en"}), http.StatusOK)
	care := "/v1/elders/" + w.elder.ID + "/care"

	// The family's word is not an official record; a stranger's is nothing.
	wantProblem(t, w.owner.put(t, care, map[string]any{"categories": []string{"living_alone"}, "reason": "我妈独居"}),
		http.StatusForbidden, "vulnerability_official_only")
	stranger := w.srv.signUp(t)
	wantProblem(t, stranger.put(t, care, map[string]any{"categories": []string{"living_alone"}, "reason": "x"}),
		http.StatusNotFound, "elder_not_found")
	rec := must[careRecordView](t, w.boss.put(t, care, map[string]any{"categories": []string{"living_alone", "aged_80_plus"},
		"reason": "社区摸排：独居高龄"}), http.StatusOK)
	if rec.StationID != w.station.ID || !rec.Vulnerable || len(rec.Markings) != 1 || rec.Markings[0].By != w.boss.id ||
		rec.Markings[0].Role != "station" {
		t.Fatalf("the station's marking: %s", compactJSON(rec))
	}

	// A volunteer not yet verified cannot be assigned.
	vol := w.srv.signUp(t)
	wantStatus(t, vol.post(t, "/v1/me/volunteer", map[string]string{"name": "赵志愿", "stationId": w.station.ID}),
		http.StatusCreated)
	assign := map[string]any{"userId": vol.id, "kind": "volunteer"}
	wantProblem(t, w.boss.put(t, care+"/visitor", assign), http.StatusConflict, "volunteer_not_verified")
	wantStatus(t, w.boss.post(t, "/v1/providers/"+w.station.ID+"/volunteers/"+vol.id+"/verify", nil), http.StatusOK)
	wantStatus(t, w.boss.put(t, care+"/visitor", assign), http.StatusOK)
	// The visitor finds the door from the record; a stranger finds nothing.
	found := must[careWithElderView](t, vol.get(t, care), http.StatusOK)
	if found.Elder.Name != "王秀英" || found.Elder.Address.Lat != w.home.lat || found.Visitor == nil ||
		found.Visitor.UserID != vol.id {
		t.Fatalf("the visitor's view of the record: %s", compactJSON(found))
	}
	wantProblem(t, stranger.get(t, care), http.StatusNotFound, "elder_not_found")
	// The family's audit log shows who was given her address.
	shown := false
	for _, e := range must[listPage[auditView]](t, w.owner.get(t, "/v1/families/"+w.family.ID+"/audit?limit=100"),
		http.StatusOK).Items {
		shown = shown || e.Action == "read" && e.Resource == "elder_address" && e.ResourceID == w.elder.ID &&
			e.ActorID == vol.id
	}
	if !shown {
		t.Errorf("the family's audit log does not show the visitor's read of the address")
	}

	home := map[string]any{"lat": w.home.lat, "lng": w.home.lng}
	visits := "/v1/elders/" + w.elder.ID + "/visits"
	key := func() []string { return []string{"Idempotency-Key", randomID()} }
	wantProblem(t, stranger.post(t, visits, map[string]any{"mode": "in_person", "point": home}, key()...),
		http.StatusNotFound, "elder_not_found")

	// A phone call: counted, completed at once, not verified.
	call := must[monthlyVisitView](t, vol.post(t, visits, map[string]any{"mode": "phone", "durationMinutes": 20,
		"assessment": map[string]any{"living": "fair", "mood": "low"}}, key()...), http.StatusCreated)
	if call.Status != "completed" || call.Verified {
		t.Fatalf("a phone visit: %s", compactJSON(call))
	}
	wantProblem(t, vol.post(t, "/v1/visits/"+call.ID+"/time-credit", nil), http.StatusConflict, "visit_not_verified")

	// At the door: far from it needs a reason; at it, 45 minutes.
	wantProblem(t, vol.post(t, visits, map[string]any{"mode": "in_person",
		"point": map[string]any{"lat": w.home.lat + 0.01, "lng": w.home.lng}}, key()...),
		http.StatusUnprocessableEntity, "check_in_reason_required")
	arrived := t0.Add(time.Hour)
	clock.set(t, arrived)
	in := must[monthlyVisitView](t, vol.post(t, visits, map[string]any{"mode": "in_person", "point": home,
		"deviceTime": arrived.Format(time.RFC3339)}, key()...), http.StatusCreated)
	wantProblem(t, stranger.post(t, "/v1/visits/"+in.ID+"/check-out", map[string]any{"point": home,
		"assessment": goodAssessment()}), http.StatusNotFound, "visit_not_found")
	clock.set(t, arrived.Add(45*time.Minute))
	out := must[monthlyVisitView](t, vol.post(t, "/v1/visits/"+in.ID+"/check-out", map[string]any{"point": home,
		"deviceTime": arrived.Add(45 * time.Minute).Format(time.RFC3339),
		"assessment": map[string]any{"living": "poor", "mood": "low", "needs": "需要助浴", "hazards": "浴室地滑"},
		"followUps": []map[string]any{{"kind": "referral", "serviceType": "bathing", "note": "建议每周助浴"},
			{"kind": "incident", "note": "老人说胸口闷"}}}), http.StatusOK)
	if !out.Verified || out.DurationMinutes != 45 || out.CreditedMinutes != 45 || len(out.FollowUps) != 2 ||
		out.FollowUps[1].IncidentID == "" {
		t.Fatalf("the visit at her door: %s, want verified, 45 minutes credited, an incident raised", compactJSON(out))
	}
	inc := must[incidentView](t, w.owner.get(t, "/v1/incidents/"+out.FollowUps[1].IncidentID), http.StatusOK)
	if inc.Kind != "health_alert" {
		t.Fatalf("the incident raised from the visit: %s", compactJSON(inc))
	}
	// The volunteer who raised it is its reporter: they read it and add
	// notes, and acknowledging is for the ladder.
	reported := must[incidentView](t, vol.get(t, "/v1/incidents/"+inc.ID), http.StatusOK)
	if reported.You.Role != "reporter" {
		t.Fatalf("the volunteer's view of the incident they raised: %s", compactJSON(reported))
	}
	wantProblem(t, vol.post(t, "/v1/incidents/"+inc.ID+"/acknowledge", nil), http.StatusForbidden,
		"incident_action_forbidden")
	wantProblem(t, vol.post(t, "/v1/visits/"+in.ID+"/check-out", map[string]any{"point": home,
		"assessment": goodAssessment()}), http.StatusConflict, "visit_completed")

	// Her family hears, each in their language.
	zh := waitPushOf(t, fcm, w.ownerPhone, "visit.recorded")
	en := waitPushOf(t, fcm, w.sonPhone, "visit.recorded")
	if zh.Notification.Title != "探访已完成：王秀英" || en.Notification.Title != "Visit made: 王秀英" {
		t.Fatalf("the family's pushes: %q / %q", zh.Notification.Title, en.Notification.Title)
	}

	// One credit, however many ask at once.
	var wg sync.WaitGroup
	seqs := make(chan int64, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			by := vol
			if i%2 == 1 {
				by = w.boss
			}
			r := by.post(t, "/v1/visits/"+in.ID+"/time-credit", nil)
			if r.status != http.StatusOK {
				t.Errorf("credit %d: %d %s", i, r.status, r.body)
				return
			}
			seqs <- decode[timeEntryView](t, r).Seq
		}()
	}
	wg.Wait()
	close(seqs)
	for s := range seqs {
		if s != 1 {
			t.Errorf("a credit answered entry %d, want the one entry 1", s)
		}
	}
	bank := must[timeBankView](t, vol.get(t, "/v1/me/time-bank"), http.StatusOK)
	if bank.Balance != 45 || len(bank.Entries) != 1 || bank.Entries[0].Ref != "visit:"+in.ID {
		t.Fatalf("the volunteer's time bank: %s, want one entry of 45 minutes", compactJSON(bank))
	}

	// Minutes for the volunteer's own father, confirmed once; too many refused.
	fam := vol.createFamily(t, uniqueName("赵家"))
	father := vol.addElder(t, fam.ID, elderBody("赵大爷", map[string]any{"address": address(w.home.lat, w.home.lng)}))
	redeem := func(minutes int) *response {
		return vol.post(t, "/v1/me/time-bank/redemptions", map[string]any{"elderId": father.ID, "stationId": w.station.ID,
			"serviceType": "cleaning", "minutes": minutes}, key()...)
	}
	wantProblem(t, redeem(100), http.StatusConflict, "balance_insufficient")
	wantProblem(t, vol.post(t, "/v1/me/time-bank/redemptions", map[string]any{"elderId": w.elder.ID,
		"stationId": w.station.ID, "serviceType": "cleaning", "minutes": 5}, key()...), http.StatusNotFound, "elder_not_found")
	type redemption struct {
		ID          string    `json:"id"`
		UserID      string    `json:"userId"`
		ElderID     string    `json:"elderId"`
		ServiceType string    `json:"serviceType"`
		Minutes     int64     `json:"minutes"`
		Status      string    `json:"status"`
		RequestedAt time.Time `json:"requestedAt"`
	}
	red := must[redemption](t, redeem(30), http.StatusCreated)
	small := must[redemption](t, redeem(5), http.StatusCreated)
	// The station's office sees both to settle, a page at a time; the
	// volunteer does not see the station's list.
	asked := "/v1/providers/" + w.station.ID + "/redemptions"
	wantProblem(t, vol.get(t, asked), http.StatusNotFound, "provider_not_found")
	first := must[listPage[redemption]](t, w.boss.get(t, asked+"?limit=1"), http.StatusOK)
	if len(first.Items) != 1 || first.NextCursor == "" {
		t.Fatalf("the station's first page of redemptions: %s", compactJSON(first))
	}
	second := must[listPage[redemption]](t, w.boss.get(t, asked+"?limit=1&cursor="+first.NextCursor), http.StatusOK)
	if len(second.Items) != 1 || second.NextCursor != "" {
		t.Fatalf("the station's second page of redemptions: %s", compactJSON(second))
	}
	for _, r := range append(first.Items, second.Items...) {
		want := map[string]int64{red.ID: 30, small.ID: 5}[r.ID]
		if r.Minutes != want || want == 0 || r.UserID != vol.id || r.ElderID != father.ID || r.ServiceType != "cleaning" ||
			r.Status != "held" || r.RequestedAt.IsZero() {
			t.Errorf("a redemption to settle: %s", compactJSON(r))
		}
	}
	settle := "/v1/providers/" + w.station.ID + "/redemptions/" + red.ID
	wantProblem(t, vol.post(t, settle+"/confirm", nil), http.StatusNotFound, "provider_not_found")
	wantStatus(t, w.boss.post(t, settle+"/confirm", nil), http.StatusOK)
	wantProblem(t, w.boss.post(t, settle+"/confirm", nil), http.StatusNotFound, "redemption_not_found")
	wantStatus(t, w.boss.post(t, "/v1/providers/"+w.station.ID+"/redemptions/"+small.ID+"/decline", nil), http.StatusOK)
	if left := must[listPage[redemption]](t, w.boss.get(t, asked), http.StatusOK); len(left.Items) != 0 {
		t.Fatalf("settled redemptions are still listed: %s", compactJSON(left))
	}
	wantStatus(t, vol.post(t, "/v1/me/time-bank/donations", map[string]any{"toUserId": w.owner.id, "minutes": 5}, key()...),
		http.StatusCreated)
	bank = must[timeBankView](t, vol.get(t, "/v1/me/time-bank"), http.StatusOK)
	if bank.Balance != 10 || bank.Spent != 35 {
		t.Fatalf("after redeeming 30 and donating 5: %s, want 10 left and 35 spent", compactJSON(bank))
	}
	if got := must[timeBankView](t, w.owner.get(t, "/v1/me/time-bank"), http.StatusOK); got.Balance != 5 {
		t.Fatalf("the daughter's time bank after the donation: %s", compactJSON(got))
	}

	// The month: one elder due, visited.
	rep := must[visitReportView](t, w.boss.get(t, "/v1/providers/"+w.station.ID+"/visit-report?month="+out.Month),
		http.StatusOK)
	if rep.Due != 1 || rep.Visited != 1 || rep.Rate != 1 || len(rep.Pending)+len(rep.Overdue) != 0 {
		t.Fatalf("the station's month: %s", compactJSON(rep))
	}
	plan := must[visitReportView](t, vol.get(t, "/v1/me/visit-plan?month="+out.Month), http.StatusOK)
	if plan.Due != 1 || plan.Visited != 1 {
		t.Fatalf("the volunteer's plan: %s", compactJSON(plan))
	}

	// Two months without a visit: the station hears, once.
	clock.set(t, arrived.AddDate(0, 2, -1))
	w.srv.awaitPasses(t, "visit_watch")
	w.srv.settle(t)
	if n := pushTypeCount(fcm, bossPhone, "care.unvisited"); n != 0 {
		t.Fatalf("a day short of two months: %d alerts", n)
	}
	clock.set(t, arrived.AddDate(0, 2, 1))
	w.srv.awaitPasses(t, "visit_watch")
	w.srv.awaitPasses(t, "visit_watch")
	w.srv.settle(t)
	waitPushOf(t, fcm, bossPhone, "care.unvisited")
	w.srv.awaitPasses(t, "visit_watch")
	w.srv.settle(t)
	if n := pushTypeCount(fcm, bossPhone, "care.unvisited"); n != 1 {
		t.Fatalf("two months unvisited: %d alerts, want 1", n)
	}
}
