package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// TestOrdersRefuseWhatIsNotTheirs: ordering for another family's elder,
// a window past or outside the provider's hours, an item of a provider
// not (or no longer) visible, checking in to someone else's order and
// accepting an order not offered: each refused with its code, and
// nothing ordered.
func TestOrdersRefuseWhatIsNotTheirs(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv, platform := st.srv, st.admin
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(), nil))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	hidden := owner.register(t, providerBody(uniqueName("未审核服务中心"), home.offset(500, 500), 3, newPhone(), nil))
	hiddenBath := owner.addItem(t, hidden.ID, itemBody("bathing", 15000, 12000))

	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	neighbour := srv.signUp(t)

	monday := nextMondayAt(10, 0)
	order := func(p *person, providerID, itemID string, start time.Time) *response {
		t.Helper()
		return p.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": providerID, "itemId": itemID,
			"priceVersion": 1, "window": map[string]string{"start": start.Format(time.RFC3339),
				"end": start.Add(time.Hour).Format(time.RFC3339)}}, "Idempotency-Key", randomID())
	}
	wantProblem(t, order(neighbour, prov.ID, bath.ID, monday), http.StatusNotFound, "elder_not_found")
	wantProblem(t, order(daughter, prov.ID, bath.ID, time.Now().Add(-time.Hour)), http.StatusUnprocessableEntity, "window_in_past")
	wantProblem(t, order(daughter, prov.ID, bath.ID, monday.AddDate(0, 0, 1)), http.StatusUnprocessableEntity, "outside_opening_hours")
	wantProblem(t, order(daughter, hidden.ID, hiddenBath.ID, monday), http.StatusNotFound, "provider_not_found")

	// A provider black-listed after its menu was seen is gone at once.
	wantStatus(t, st.regulator.setCredit(t, prov.ID, "black_listed", "虐待老人，已立案"), http.StatusOK)
	wantProblem(t, order(daughter, prov.ID, bath.ID, monday), http.StatusNotFound, "provider_not_found")
	wantStatus(t, st.regulator.setCredit(t, prov.ID, "normal", "整改完成"), http.StatusOK)

	created := must[orderView](t, order(daughter, prov.ID, bath.ID, monday), http.StatusCreated)
	path := "/v1/orders/" + created.ID
	intruder := srv.signUp(t)
	at := map[string]any{"lat": home.lat, "lng": home.lng}
	wantProblem(t, intruder.post(t, path+"/accept", nil), http.StatusNotFound, "order_not_found")
	wantProblem(t, intruder.post(t, path+"/check-in", at), http.StatusNotFound, "order_not_found")
	wantProblem(t, neighbour.get(t, path), http.StatusNotFound, "order_not_found")
	if page := must[struct{ Items []orderView }](t, daughter.get(t, "/v1/families/"+fam.ID+"/orders"), http.StatusOK); len(page.Items) != 1 {
		t.Errorf("the family has %d orders, want exactly the one that was accepted", len(page.Items))
	}
	wantProblem(t, neighbour.get(t, "/v1/families/"+fam.ID+"/orders"), http.StatusNotFound, "family_not_found")
}
