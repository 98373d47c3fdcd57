package e2e_test

import (
	"net/http"
	"testing"
)

// TestProviderRulesRefuseBadPricesPlacesAndStrangers: every refusal is a
// problem+json naming its code and, where a field is at fault, the field;
// and nothing refused changes anything.
func TestProviderRulesRefuseBadPricesPlacesAndStrangers(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	alice := srv.signUp(t) // runs provider A (verified) and A′ (pending)
	bob := srv.signUp(t)   // runs provider B (verified) and B′ (pending)
	family := srv.signUp(t)

	here := randomPlace()
	a := alice.register(t, providerBody(uniqueName("阿丽居家养老"), here, 5, newPhone(), nil))
	aPending := alice.register(t, providerBody(uniqueName("阿丽二号站"), here.offset(100, 0), 5, newPhone(), nil))
	b := bob.register(t, providerBody(uniqueName("老鲍助浴队"), here.offset(0, 300), 5, newPhone(), nil))
	bPending := bob.register(t, providerBody(uniqueName("老鲍二号站"), here.offset(0, 400), 5, newPhone(), nil))
	admin.verify(t, a.ID)
	admin.verify(t, b.ID)
	aItem := alice.addItem(t, a.ID, itemBody("bathing", 20000, 15000))
	bItem := bob.addItem(t, b.ID, itemBody("bathing", 18000, 12000))
	items := "/v1/providers/" + a.ID + "/items"

	withPrice := func(price map[string]any) map[string]any {
		body := itemBody("meal_aid", 1, 1)
		body["price"] = price
		return body
	}

	t.Run("an unknown service type", func(t *testing.T) {
		body := itemBody("massage", 20000, 15000)
		p := wantProblem(t, alice.post(t, items, body), http.StatusUnprocessableEntity, "validation_failed")
		wantFieldCode(t, p, "/type", "enum")
	})
	t.Run("a zero or negative price", func(t *testing.T) {
		p := wantProblem(t, alice.post(t, items, withPrice(map[string]any{"marketFen": 0, "inclusiveFen": 0})),
			http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/price/marketFen")
		p = wantProblem(t, alice.post(t, items, withPrice(map[string]any{"marketFen": 2000, "inclusiveFen": -100})),
			http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/price/inclusiveFen")
		p = wantProblem(t, alice.patchItem(t, a.ID, aItem.ID, map[string]any{"price": map[string]any{"marketFen": -1, "inclusiveFen": 1}}),
			http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/price/marketFen")
	})
	t.Run("a 普惠 price above the market price", func(t *testing.T) {
		p := wantProblem(t, alice.post(t, items, withPrice(map[string]any{"marketFen": 10000, "inclusiveFen": 12000})),
			http.StatusUnprocessableEntity, "inclusive_price_too_high")
		wantField(t, p, "/price/inclusiveFen")
		// An agreement does not allow more than market either.
		p = wantProblem(t, alice.post(t, items, withPrice(map[string]any{"marketFen": 10000, "inclusiveFen": 10001,
			"agreementRef": "徐民养〔2026〕12号"})), http.StatusUnprocessableEntity, "inclusive_price_too_high")
		wantField(t, p, "/price/inclusiveFen")
	})
	t.Run("a 普惠 price above 80 % needs an agreement", func(t *testing.T) {
		p := wantProblem(t, alice.post(t, items, withPrice(map[string]any{"marketFen": 10000, "inclusiveFen": 8001})),
			http.StatusUnprocessableEntity, "inclusive_price_too_high")
		wantField(t, p, "/price/inclusiveFen")
		at80 := alice.addItem(t, a.ID, withPrice(map[string]any{"marketFen": 10000, "inclusiveFen": 8000}))
		if at80.Price.InclusiveFen != 8000 {
			t.Errorf("exactly 80 %% published as %s", compactJSON(at80.Price))
		}
		agreed := alice.addItem(t, a.ID, withPrice(map[string]any{"marketFen": 10000, "inclusiveFen": 9500,
			"agreementRef": "徐民养〔2026〕12号"}))
		if pr := agreed.Price; pr.InclusiveFen != 9500 || pr.MarketFen != 10000 || pr.AgreementRef != "徐民养〔2026〕12号" {
			t.Errorf("95 %% with an agreement published as %s, want 10000/9500 citing it", compactJSON(pr))
		}
		// Repricing follows the same rule, and a refused reprice keeps version 1.
		p = wantProblem(t, alice.patchItem(t, a.ID, aItem.ID, map[string]any{"price": map[string]any{"marketFen": 20000, "inclusiveFen": 19000}}),
			http.StatusUnprocessableEntity, "inclusive_price_too_high")
		wantField(t, p, "/price/inclusiveFen")
		own := must[providerView](t, alice.page(t, a.ID), http.StatusOK)
		if it, ok := own.item(aItem.ID); !ok || it.Price.Version != 1 || it.Price.InclusiveFen != 15000 {
			t.Errorf("after a refused reprice the item is %s, want version 1 at 15000", compactJSON(it))
		}
	})

	t.Run("coordinates off the globe in near", func(t *testing.T) {
		for _, near := range []string{"91,121", "31.2,181", "-90.5,0"} {
			for _, path := range []string{"/v1/providers", "/v1/services"} {
				r := srv.get(t, path+"?near="+near)
				if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
					t.Fatalf("GET %s?near=%s: %s, want 400 or 422", path, near, r)
				}
				code := "coordinates_invalid"
				if r.status == http.StatusBadRequest {
					code = "invalid_parameter"
				}
				wantField(t, wantProblem(t, r, r.status, code), "query.near")
			}
		}
		wantField(t, wantProblem(t, srv.get(t, "/v1/providers"), http.StatusBadRequest, "invalid_parameter"), "query.near")
	})
	t.Run("coordinates off the globe in a provider's address", func(t *testing.T) {
		for field, pt := range map[string]point{"/address/lat": {91, 121}, "/address/lng": {31, -181}} {
			r := alice.post(t, "/v1/providers", providerBody(uniqueName("越界机构"), pt, 5, newPhone(), nil))
			wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed"), field)
		}
		mine := must[listPage[providerView]](t, alice.get(t, "/v1/me/providers"), http.StatusOK)
		if len(mine.Items) != 2 {
			t.Errorf("after refused registrations alice manages %d providers, want 2", len(mine.Items))
		}
	})
	t.Run("a search radius above 50 km", func(t *testing.T) {
		for _, path := range []string{"/v1/providers", "/v1/services"} {
			r := srv.get(t, path+"?near="+here.String()+"&radius=50001")
			if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
				t.Fatalf("GET %s radius=50001: %s, want 400 or 422", path, r)
			}
			wantField(t, wantProblem(t, r, r.status, "invalid_parameter"), "query.radius")
		}
		// 50 km itself is allowed.
		if got := family.search(t, "/v1/providers", here, query("radius", "50000")); len(got.Items) != 2 {
			t.Errorf("radius=50000 found %s, want A and B", describeHits(got))
		}
	})

	t.Run("a family may not verify a provider", func(t *testing.T) {
		wantProblem(t, family.decide(t, aPending.ID, "verify", ""), http.StatusForbidden, "forbidden")
		// Nor may a provider admin verify their own.
		wantProblem(t, alice.decide(t, aPending.ID, "verify", ""), http.StatusForbidden, "forbidden")
		if got := must[providerView](t, alice.page(t, aPending.ID), http.StatusOK); got.Status != "pending" {
			t.Errorf("after refused verifications A′ is %q, want pending", got.Status)
		}
		wantProblem(t, anonymous(srv).page(t, aPending.ID), http.StatusNotFound, "provider_not_found")
	})
	t.Run("a family may not set credit", func(t *testing.T) {
		wantProblem(t, family.setCredit(t, b.ID, "black_listed", "竞争对手举报"), http.StatusForbidden, "forbidden")
		wantProblem(t, alice.setCredit(t, a.ID, "red_listed", "自评优秀"), http.StatusForbidden, "forbidden")
		wantProblem(t, admin.setCredit(t, b.ID, "black_listed", "平台管理员不是监管部门"), http.StatusForbidden, "forbidden")
		if got := must[providerView](t, anonymous(srv).page(t, b.ID), http.StatusOK); got.Credit != "normal" {
			t.Errorf("after refused credit changes B's credit is %q, want normal", got.Credit)
		}
	})

	t.Run("a provider admin may not change another provider's menu", func(t *testing.T) {
		p := "/v1/providers/" + b.ID + "/items"
		wantProblem(t, alice.post(t, p, itemBody("cleaning", 5000, 4000)), http.StatusForbidden, "provider_admin_required")
		wantProblem(t, alice.patchItem(t, b.ID, bItem.ID, map[string]any{"active": false}), http.StatusForbidden, "provider_admin_required")
		wantProblem(t, alice.patchItem(t, b.ID, bItem.ID, map[string]any{"price": map[string]any{"marketFen": 1, "inclusiveFen": 1}}),
			http.StatusForbidden, "provider_admin_required")
		// A pending provider of someone else does not exist for her.
		wantProblem(t, alice.post(t, "/v1/providers/"+bPending.ID+"/items", itemBody("cleaning", 5000, 4000)),
			http.StatusNotFound, "provider_not_found")
		wantProblem(t, alice.patchItem(t, bPending.ID, bItem.ID, map[string]any{"active": false}), http.StatusNotFound, "provider_not_found")
		// B's menu is as Bob left it.
		menu := must[listPage[itemView]](t, srv.get(t, p), http.StatusOK)
		if len(menu.Items) != 1 || menu.Items[0].ID != bItem.ID || !menu.Items[0].Active || menu.Items[0].Price.Version != 1 ||
			menu.Items[0].Price.MarketFen != 18000 {
			t.Errorf("B's menu after Alice's attempts: %s, want only Bob's item, active, version 1 at 18000", compactJSON(menu.Items))
		}
		if own := must[listPage[itemView]](t, bob.get(t, "/v1/providers/"+bPending.ID+"/items"), http.StatusOK); len(own.Items) != 0 {
			t.Errorf("B′'s menu gained items: %s", compactJSON(own.Items))
		}
	})
	t.Run("an item not on the provider", func(t *testing.T) {
		wantProblem(t, alice.patchItem(t, a.ID, bItem.ID, map[string]any{"active": false}), http.StatusNotFound, "service_item_not_found")
		wantProblem(t, alice.patchItem(t, a.ID, randomID(), map[string]any{"price": map[string]any{"marketFen": 100, "inclusiveFen": 50}}),
			http.StatusNotFound, "service_item_not_found")
		if menu := must[listPage[itemView]](t, srv.get(t, "/v1/providers/"+b.ID+"/items"), http.StatusOK); len(menu.Items) != 1 || !menu.Items[0].Active {
			t.Errorf("B's item changed through A: %s", compactJSON(menu.Items))
		}
	})

	t.Run("verifying a verified provider conflicts", func(t *testing.T) {
		p := wantProblem(t, admin.decide(t, a.ID, "verify", ""), http.StatusConflict, "provider_status_conflict")
		if p.Detail == "" {
			t.Errorf("the conflict does not say why: %+v", p)
		}
	})
	t.Run("rejecting needs a reason", func(t *testing.T) {
		for _, reason := range []string{"", "   "} {
			p := wantProblem(t, admin.decide(t, aPending.ID, "reject", reason), http.StatusUnprocessableEntity, "reason_required")
			wantField(t, p, "/reason")
		}
		if got := must[providerView](t, alice.page(t, aPending.ID), http.StatusOK); got.Status != "pending" {
			t.Errorf("after reasonless rejections A′ is %q, want pending", got.Status)
		}
		got := must[providerView](t, admin.decide(t, aPending.ID, "reject", "备案材料不全"), http.StatusOK)
		if got.Status != "rejected" || got.StatusReason != "备案材料不全" {
			t.Errorf("rejection answered status %q reason %q, want rejected, 备案材料不全", got.Status, got.StatusReason)
		}
	})
}
