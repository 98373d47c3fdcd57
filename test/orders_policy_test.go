package e2e_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestProvidersPublishedPolicyGovernsCheckInAndCancellation: a provider
// publishes a 100 m check-in radius and a ¥30 cancellation fee. A
// check-in 150 m away needs a reason and is flagged; the family cancels
// one order free before acceptance and pays the fee on one a caregiver
// holds; the family's list narrows by the window's start.
func TestProvidersPublishedPolicyGovernsCheckInAndCancellation(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, platform := st.srv, st.admin
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家照护中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay(), "visitPolicy": map[string]any{"geofenceMetres": 100, "cancellationFeeFen": 3000}}))
	platform.verify(t, prov.ID)
	clean := owner.addItem(t, prov.ID, itemBody("cleaning", 8000, 6000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"cleaning"}, home, allDay())
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))

	orderAt := func(start time.Time) orderView {
		t.Helper()
		window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": clean.ID, "window": window}), http.StatusOK)
		return must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": clean.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	}
	type cancelled struct {
		Status       string `json:"status"`
		Cancellation struct {
			FeeFen int64 `json:"feeFen"`
		} `json:"cancellation"`
	}

	soon, _ := soonWindow(time.Hour)
	held := orderAt(soon)
	later := orderAt(soon.AddDate(0, 0, 7))
	wantStatus(t, owner.post(t, "/v1/orders/"+held.ID+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)

	// 150 m from the door: past this provider's 100 m, so a reason is due.
	away := map[string]any{"lat": home.lat + 150.0/111_195, "lng": home.lng}
	wantProblem(t, carer.post(t, "/v1/orders/"+held.ID+"/check-in", away), http.StatusUnprocessableEntity, "check_in_reason_required")

	// The family's list by window: this week's order, not next week's.
	list := must[struct{ Items []orderView }](t, daughter.get(t, "/v1/families/"+fam.ID+"/orders?to="+
		url.QueryEscape(soon.AddDate(0, 0, 1).Format(time.RFC3339))), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0].ID != held.ID {
		t.Errorf("orders starting before tomorrow: %s, want only %s", compactJSON(list.Items), held.ID)
	}

	free := must[cancelled](t, daughter.post(t, "/v1/orders/"+later.ID+"/cancel", nil), http.StatusOK)
	if free.Status != "cancelled_by_family" || free.Cancellation.FeeFen != 0 {
		t.Errorf("cancelling before acceptance: %s, want free", compactJSON(free))
	}
	paid := must[cancelled](t, daughter.post(t, "/v1/orders/"+held.ID+"/cancel", nil), http.StatusOK)
	if paid.Status != "cancelled_by_family" || paid.Cancellation.FeeFen != 3000 {
		t.Errorf("cancelling a held order: %s, want the published ¥30 fee", compactJSON(paid))
	}
}
