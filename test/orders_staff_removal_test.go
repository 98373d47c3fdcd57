package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// TestACaregiverLetGoLosesHerOrdersAtOnce: a provider lets a caregiver go
// while she holds four orders of one family: one accepted for this
// afternoon, one accepted for later in the week, one only offered to her,
// and one she is serving right now. From the removal on she can read,
// take, start or record none of them, and her lists are empty, although
// her access token is still good. The orders not yet checked in go back
// to dispatch (the office is told, the family only of the one near), the
// offer is withdrawn, and the visit under way is flagged for the office,
// which resolves it. An office worker let go loses the provider's orders
// and bookings just as fast.
func TestACaregiverLetGoLosesHerOrdersAtOnce(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	home := point{lat: 31.1883, lng: 121.4365}

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家照护中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, point{lat: home.lat + 0.004, lng: home.lng}, allDay())
	// A colleague who does not bathe, so offers go to the carer alone.
	owner.hireCaregiver(t, prov.ID, []string{"cleaning"}, point{lat: home.lat + 0.002, lng: home.lng}, allDay())
	deskPhone := newPhone()
	wantStatus(t, owner.post(t, "/v1/providers/"+prov.ID+"/staff-invites",
		map[string]string{"phone": deskPhone.national, "role": "provider_staff"}), http.StatusCreated)
	desk := srv.loginExisting(t, deskPhone)
	wantStatus(t, desk.post(t, "/v1/providers/"+prov.ID+"/staff-invites/accept", nil), http.StatusOK)

	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))

	// Four visits at the same hour of four days: this afternoon's is near.
	start, end := soonWindow(45 * time.Minute)
	orderAt := func(days int) string {
		t.Helper()
		s, e := start.AddDate(0, 0, days), end.AddDate(0, 0, days)
		window := map[string]string{"start": s.Format(time.RFC3339), "end": e.Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": bath.ID, "window": window}), http.StatusOK)
		return must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window,
			"notes": "门禁密码 4321"}, "Idempotency-Key", randomID()), http.StatusCreated).ID
	}
	near, serving, offered, later := orderAt(0), orderAt(1), orderAt(2), orderAt(3)
	path := func(id string) string { return "/v1/orders/" + id }
	for _, id := range []string{near, serving, later} {
		wantStatus(t, owner.post(t, path(id)+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)
	}
	if o := must[orderView](t, owner.post(t, path(offered)+"/dispatch", nil), http.StatusOK); o.Status != "offered" ||
		len(o.Offers) != 1 || o.Offers[0].CaregiverID != carer.id {
		t.Fatalf("dispatching offered %s, want it offered to the carer alone", compactJSON(o))
	}
	at := map[string]any{"lat": home.lat, "lng": home.lng, "deviceTime": time.Now().Format(time.RFC3339),
		"reason": "提前一天上门"}
	wantStatus(t, carer.post(t, path(serving)+"/start", nil), http.StatusOK)
	wantStatus(t, carer.post(t, path(serving)+"/check-in", at), http.StatusOK)
	wantStatus(t, carer.post(t, path(serving)+"/begin", nil), http.StatusOK)
	wantStatus(t, carer.get(t, path(near)), http.StatusOK)
	wantStatus(t, desk.get(t, path(near)), http.StatusOK)

	// Let go.
	wantStatus(t, owner.del(t, "/v1/providers/"+prov.ID+"/staff/"+carer.id), http.StatusNoContent)

	t.Run("she can do nothing with any of them", func(t *testing.T) {
		position := map[string]float64{"lat": home.lat + 0.001, "lng": home.lng}
		for _, c := range []struct {
			what string
			r    *response
		}{
			{"read this afternoon's", carer.get(t, path(near))},
			{"read the visit she is serving", carer.get(t, path(serving))},
			{"accept the offer", carer.post(t, path(offered)+"/accept", nil)},
			{"decline the offer", carer.post(t, path(offered)+"/decline", nil)},
			{"set off", carer.post(t, path(near)+"/start", nil)},
			{"report where she is", carer.post(t, path(near)+"/position", position)},
			{"write the record", carer.do(t, http.MethodPut, path(serving)+"/record",
				map[string]any{"checklist": []string{"skin_checked"}})},
			{"check out", carer.post(t, path(serving)+"/check-out", at)},
		} {
			if c.r.status != http.StatusNotFound || c.r.json["code"] != "order_not_found" {
				t.Errorf("removed, she tried to %s: %s, want 404 order_not_found", c.what, c.r)
			}
		}
		for _, list := range []string{"/v1/caregiver/orders", "/v1/caregiver/offers"} {
			if got := must[struct{ Items []orderView }](t, carer.get(t, list), http.StatusOK); len(got.Items) != 0 {
				t.Errorf("GET %s shows her %s", list, compactJSON(got.Items))
			}
		}
	})

	t.Run("what she held is handed back", func(t *testing.T) {
		for id, want := range map[string]string{near: "dispatching", later: "dispatching", offered: "dispatching",
			serving: "in_service"} {
			// The visit under way keeps her name: it is what happened.
			o := must[orderView](t, owner.get(t, path(id)), http.StatusOK)
			if o.Status != want || (id != serving) == (o.CaregiverID == carer.id) {
				t.Errorf("order %s is %s with caregiver %q, want %s (hers only if under way)", id, o.Status, o.CaregiverID, want)
			}
		}
		flagged := must[struct {
			CaregiverLeft *struct {
				CaregiverID string    `json:"caregiverId"`
				At          time.Time `json:"at"`
			} `json:"caregiverLeft"`
		}](t, desk.get(t, path(serving)), http.StatusOK)
		if flagged.CaregiverLeft == nil || flagged.CaregiverLeft.CaregiverID != carer.id {
			t.Errorf("the office sees the visit under way as %s, want it flagged: she left", compactJSON(flagged))
		}
		if fam := must[map[string]any](t, daughter.get(t, path(serving)), http.StatusOK); fam["caregiverLeft"] != nil {
			t.Errorf("the family sees the office's flag %v", fam["caregiverLeft"])
		}
		for _, who := range []*person{owner, desk} {
			if n := who.waitNotification(t, "order.caregiver_left"); n.Link.ID != serving || !n.Urgent {
				t.Errorf("the office was told %s, want an urgent order.caregiver_left about %s", compactJSON(n), serving)
			}
			who.waitNotification(t, "order.handed_back")
		}
		if n := daughter.waitNotification(t, "order.handed_back"); n.Link.ID != near {
			t.Errorf("the family was told of %s, want this afternoon's %s", n.Link.ID, near)
		}
		srv.waitJobsIdle(t)
		for _, n := range daughter.inbox(t, "?limit=100").Items {
			if n.Type == "order.handed_back" && n.Link.ID != near {
				t.Errorf("the family was told of order %s, days away: the office finds someone first", n.Link.ID)
			}
		}
		// The queue can be idle while the second hand-back's event is
		// still in its order's outbox, so the count is waited for.
		var office int
		waitUntil(pushWait, func() bool {
			office = 0
			for _, n := range owner.inbox(t, "?limit=100").Items {
				if n.Type == "order.handed_back" {
					office++
				}
			}
			return office >= 2
		})
		if office != 2 {
			t.Errorf("the office was told of %d hand-backs, want 2", office)
		}
	})

	t.Run("the office resolves the visit under way", func(t *testing.T) {
		wantProblem(t, desk.post(t, path(serving)+"/cancel", nil), http.StatusUnprocessableEntity, "reason_required")
		o := must[struct {
			Status       string `json:"status"`
			Cancellation struct {
				By     string `json:"by"`
				FeeFen int64  `json:"feeFen"`
			} `json:"cancellation"`
		}](t, desk.post(t, path(serving)+"/cancel", map[string]string{"reason": "护理员已离职，已与家属沟通"}),
			http.StatusOK)
		if o.Status != "cancelled_by_provider" || o.Cancellation.By != "provider" || o.Cancellation.FeeFen != 0 {
			t.Errorf("resolved to %s, want cancelled_by_provider owing nothing", compactJSON(o))
		}
	})

	t.Run("an office worker let go loses the provider's orders and bookings", func(t *testing.T) {
		wantStatus(t, desk.get(t, "/v1/providers/"+prov.ID+"/orders"), http.StatusOK)
		wantStatus(t, owner.del(t, "/v1/providers/"+prov.ID+"/staff/"+desk.id), http.StatusNoContent)
		wantProblem(t, desk.get(t, path(near)), http.StatusNotFound, "order_not_found")
		wantProblem(t, desk.post(t, path(near)+"/dispatch", nil), http.StatusNotFound, "order_not_found")
		wantProblem(t, desk.get(t, "/v1/providers/"+prov.ID+"/orders"), http.StatusNotFound, "provider_not_found")
		wantProblem(t, desk.get(t, "/v1/providers/"+prov.ID+"/bookings"), http.StatusNotFound, "provider_not_found")
	})
}
