package e2e_test

// Rows: monthly visits and the time bank. Elder A is on record, marked
// by provider A's office (the station serving her address), with carerA
// (provider A's staff) her visitor; visitA is carerA's phone visit to
// her. A volunteer (not an actor) of provider A has a family and an
// elder of their own near home A, whom they visit: visitVol, verified
// and credited. Marking and assigning are the station's office's and the
// region's regulator's, and the family is refused (403); the visit is
// its visitor's, family's, station office's and regulator's to read.

import (
	"net/http"
	"testing"
	"time"
)

// visitSecWorld is what the visit rows act on.
type visitSecWorld struct {
	visitA    string  // carerA's phone visit to elder A
	volunteer *person // a verified volunteer of provider A
	volID     string  // their user id (a zero world has no volunteer)
	elderVol  string  // the volunteer's own elder, whom they visit
	visitVol  string  // the volunteer's verified visit, credited
}

// monthlyVisitView is a visit as the API answers it.
type monthlyVisitView struct {
	ID              string `json:"id"`
	ElderID         string `json:"elderId"`
	VisitorID       string `json:"visitorId"`
	Mode            string `json:"mode"`
	Status          string `json:"status"`
	Month           string `json:"month"`
	DurationMinutes int    `json:"durationMinutes"`
	Verified        bool   `json:"verified"`
	CreditedMinutes int64  `json:"creditedMinutes"`
	FollowUps       []struct {
		Kind       string `json:"kind"`
		IncidentID string `json:"incidentId"`
	} `json:"followUps"`
}

// visitMonth is the current month where the world's families live.
func visitMonth() string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return time.Now().In(loc).Format("2006-01")
}

func goodAssessment() map[string]any {
	return map[string]any{"living": "good", "mood": "good", "needs": "想要助浴服务"}
}

func (w *world) buildVisits(t *testing.T) {
	t.Helper()
	office := w.who(officeA)
	elder := "/v1/elders/" + w.elderA
	wantStatus(t, office.put(t, elder+"/care", map[string]any{"categories": []string{"living_alone", "aged_80_plus"},
		"reason": "独居高龄，社区摸排登记"}), http.StatusOK)
	wantStatus(t, office.put(t, elder+"/care/visitor", map[string]any{"userId": w.who(carerA).id,
		"kind": "provider_staff"}), http.StatusOK)
	w.visit.visitA = must[monthlyVisitView](t, w.who(carerA).post(t, elder+"/visits", map[string]any{"mode": "phone",
		"durationMinutes": 15, "assessment": goodAssessment()}, "Idempotency-Key", randomID()), http.StatusCreated).ID

	vol := w.signUp(t)
	w.visit.volunteer, w.visit.volID = vol, vol.id
	fam := vol.createFamily(t, uniqueName("志愿者家"))
	w.visit.elderVol = vol.addElder(t, fam.ID, elderBody("赵阿婆", map[string]any{
		"address": address(w.homeA.lat, w.homeA.lng)})).ID
	wantStatus(t, vol.post(t, "/v1/me/volunteer", map[string]string{"name": "赵志愿", "stationId": w.provA}),
		http.StatusCreated)
	wantStatus(t, office.post(t, "/v1/providers/"+w.provA+"/volunteers/"+vol.id+"/verify", nil), http.StatusOK)
	ev := "/v1/elders/" + w.visit.elderVol
	wantStatus(t, office.put(t, ev+"/care", map[string]any{"categories": []string{"empty_nest"}, "reason": "空巢"}),
		http.StatusOK)
	wantStatus(t, office.put(t, ev+"/care/visitor", map[string]any{"userId": vol.id, "kind": "volunteer"}), http.StatusOK)
	at := map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng}
	v := must[monthlyVisitView](t, vol.post(t, ev+"/visits", map[string]any{"mode": "in_person", "point": at,
		"deviceTime": time.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339)}, "Idempotency-Key", randomID()),
		http.StatusCreated)
	done := must[monthlyVisitView](t, vol.post(t, "/v1/visits/"+v.ID+"/check-out", map[string]any{"point": at,
		"assessment": goodAssessment()}), http.StatusOK)
	if !done.Verified || done.CreditedMinutes < 170 {
		t.Fatalf("the volunteer's visit: %s, want verified and credited about 180 minutes", compactJSON(done))
	}
	w.visit.visitVol = v.ID
}

// redemption holds one of the volunteer's minutes at provider A for
// their elder.
func (w *world) redemption(t *testing.T) string {
	t.Helper()
	return must[struct {
		ID string `json:"id"`
	}](t, w.visit.volunteer.post(t, "/v1/me/time-bank/redemptions", map[string]any{"elderId": w.visit.elderVol,
		"stationId": w.provA, "serviceType": "cleaning", "minutes": 1}, "Idempotency-Key", randomID()),
		http.StatusCreated).ID
}

func visitRows(w *world) []row {
	ok, nf, forbidden := http.StatusOK, http.StatusNotFound, http.StatusForbidden
	elder := "/v1/elders/" + w.elderA
	station := "/v1/providers/" + w.provA
	month := "?month=" + visitMonth()
	officials := who{provA: ok, officeA: ok, regul: ok, famA: forbidden, famA2: forbidden}
	return []row{
		{op: "getElderCare", fixture: fixture{path: elder + "/care"},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: ok, regul: ok}, others: nf},
		// The same categories each time: every marking is kept, nothing
		// else changes.
		{op: "markElderVulnerable", fixture: fixture{path: elder + "/care", body: map[string]any{
			"categories": []string{"living_alone", "aged_80_plus"}, "reason": "复核"}}, want: officials, others: nf},
		{op: "assignElderVisitor", fixture: fixture{path: elder + "/care/visitor", body: map[string]any{
			"userId": w.who(carerA).id, "kind": "provider_staff"}}, want: officials, others: nf},
		{op: "recordElderVisit", fixture: fixture{path: elder + "/visits", body: map[string]any{"mode": "phone",
			"durationMinutes": 5, "assessment": goodAssessment()}}, want: who{carerA: http.StatusCreated}, others: nf},
		{op: "getMonthlyVisit", fixture: fixture{path: "/v1/visits/" + w.visit.visitA},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: ok, regul: ok}, others: nf},
		{op: "checkOutMonthlyVisit", fresh: func(t *testing.T, w *world) fixture {
			at := map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng}
			v := must[monthlyVisitView](t, w.who(carerA).post(t, elder+"/visits", map[string]any{"mode": "in_person",
				"point": at}, "Idempotency-Key", randomID()), http.StatusCreated)
			return fixture{path: "/v1/visits/" + v.ID + "/check-out", body: map[string]any{"point": at,
				"assessment": goodAssessment()}}
		}, want: who{carerA: ok}, others: nf},
		// Credited already: asking again answers the one entry.
		{op: "creditVisitMinutes", fixture: fixture{path: "/v1/visits/" + w.visit.visitVol + "/time-credit"},
			want: who{provA: ok, officeA: ok}, others: nf},
		{op: "getStationVisitReport", fixture: fixture{path: station + "/visit-report" + month},
			want: who{provA: ok, officeA: ok}, others: nf},
		// Regulators read their regions' rate; another region's counts
		// nothing (regulX's page is empty).
		{op: "getRegionVisitReport", fixture: fixture{path: "/v1/regulator/visit-report" + month},
			want: who{regul: ok, regulX: ok}, others: forbidden},
		{op: "exportRegionVisitReport", fixture: fixture{path: "/v1/regulator/visit-report/export" + month + "&format=xlsx"},
			want: who{regul: ok, regulX: ok}, others: forbidden},
		{op: "getMyVisitPlan", fixture: fixture{path: "/v1/me/visit-plan" + month}, others: ok},
		// No such station: refused past every check, for everyone alike.
		{op: "registerVolunteer", fixture: fixture{path: "/v1/me/volunteer",
			body: map[string]string{"name": "李志愿", "stationId": "no-such-station"}}, others: http.StatusUnprocessableEntity},
		{op: "listStationVolunteers", fixture: fixture{path: station + "/volunteers"},
			want: who{provA: ok, officeA: ok}, others: nf},
		{op: "verifyVolunteer", fixture: fixture{path: station + "/volunteers/" + w.visit.volID + "/verify"},
			want: who{provA: ok, officeA: ok}, others: nf},
		{op: "getMyTimeBank", fixture: fixture{path: "/v1/me/time-bank"}, others: ok},
		// Family A has no minutes: refused past the check of the elder.
		{op: "redeemMinutes", fixture: fixture{path: "/v1/me/time-bank/redemptions", body: map[string]any{
			"elderId": w.elderA, "stationId": w.provA, "serviceType": "cleaning", "minutes": 10}},
			want: who{famA: http.StatusConflict, famA2: http.StatusConflict}, others: nf},
		{op: "listStationRedemptions", fixture: fixture{path: station + "/redemptions"},
			want: who{provA: ok, officeA: ok}, others: nf},
		{op: "confirmRedemption", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: station + "/redemptions/" + w.redemption(t) + "/confirm"}
		}, want: who{provA: ok, officeA: ok}, others: nf},
		{op: "declineRedemption", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: station + "/redemptions/" + w.redemption(t) + "/decline"}
		}, want: who{provA: ok, officeA: ok}, others: nf},
		// Nobody in the world but the volunteer has minutes.
		{op: "donateMinutes", fixture: fixture{path: "/v1/me/time-bank/donations", body: map[string]any{
			"toUserId": w.visit.volID, "minutes": 1}}, others: http.StatusConflict},
	}
}
