package e2e_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestProviderIsFoundByNearbyFamiliesOnlyWhileVerifiedAndInGoodStanding
// follows a home-care provider from registration to the regulator's
// black list: invisible while pending, found by a family a kilometre away
// (but not by one 30 km away) once verified and publishing a menu, hidden
// at once when black-listed, and back when its standing is normal again.
func TestProviderIsFoundByNearbyFamiliesOnlyWhileVerifiedAndInGoodStanding(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv, admin, regulator := st.srv, st.admin, st.regulator
	owner := srv.signUp(t)
	family := srv.signUp(t)
	anon := anonymous(srv)

	site := randomPlace()
	home := site.offset(800, 600) // the family, 1 km from the provider
	far := site.offset(30_000, 0) // another family, 30 km north
	wantNear, wantFar := haversine(home, site), haversine(far, site)
	if wantNear < 990 || wantNear > 1010 || wantFar < 29_700 || wantFar > 30_300 {
		t.Fatalf("test geometry is off: %.1f m and %.1f m", wantNear, wantFar)
	}

	// Registering: pending, and its admin sees the contact number in full.
	contact := newPhone()
	name := uniqueName("上海徐汇康乐居家养老服务中心")
	r := owner.post(t, "/v1/providers", providerBody(name, site, 5, contact, nil))
	wantStatus(t, r, http.StatusCreated)
	prov := decode[providerView](t, r)
	if prov.ID == "" || prov.Status != "pending" || prov.Credit != "normal" || prov.LegalName != name {
		t.Fatalf("registration answered %s, want a pending provider in normal standing named %s", r.body, name)
	}
	if prov.ContactPhone != contact.e164 {
		t.Errorf("its admin sees contactPhone %q, want %q in full", prov.ContactPhone, contact.e164)
	}
	if prov.ServiceArea.RadiusKm != 5 {
		t.Errorf("serviceArea.radiusKm %v, want 5", prov.ServiceArea.RadiusKm)
	}
	if roles := owner.srv.me(t, owner.access).Roles; !slices.Contains(roles, "provider_admin") {
		t.Errorf("after registering, the owner has roles %q, want provider_admin", roles)
	}
	mine := must[listPage[providerView]](t, owner.get(t, "/v1/me/providers"), http.StatusOK)
	if len(mine.Items) != 1 || mine.Items[0].ID != prov.ID || mine.Items[0].ContactPhone != contact.e164 {
		t.Errorf("GET /v1/me/providers = %s, want just %s with its number in full", compactJSON(mine), prov.ID)
	}

	t.Run("a pending provider is invisible to families", func(t *testing.T) {
		wantProblem(t, anon.page(t, prov.ID), http.StatusNotFound, "provider_not_found")
		wantProblem(t, family.page(t, prov.ID), http.StatusNotFound, "provider_not_found")
		wantProblem(t, srv.get(t, "/v1/providers/"+prov.ID+"/items"), http.StatusNotFound, "provider_not_found")
		if got := anon.search(t, "/v1/providers", home, nil); len(got.Items) != 0 {
			t.Errorf("search near a pending provider found %s, want nothing", describeHits(got))
		}
		// Its admin and the platform admin still see it; only its admin
		// sees the number in full.
		mineR := must[providerView](t, owner.page(t, prov.ID), http.StatusOK)
		if mineR.Status != "pending" || mineR.ContactPhone != contact.e164 {
			t.Errorf("its admin's page: status %q contactPhone %q, want pending and %q", mineR.Status, mineR.ContactPhone, contact.e164)
		}
		adm := must[providerView](t, admin.page(t, prov.ID), http.StatusOK)
		if adm.ContactPhone != contact.masked() {
			t.Errorf("the platform admin sees contactPhone %q, want %q", adm.ContactPhone, contact.masked())
		}
	})

	verified := admin.verify(t, prov.ID)
	if verified.ContactPhone != contact.masked() {
		t.Errorf("the verification answer shows contactPhone %q to the platform admin, want %q", verified.ContactPhone, contact.masked())
	}
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 20000, 15000))
	meal := owner.addItem(t, prov.ID, itemBody("meal_aid", 1800, 1200))
	if bath.ProviderID != prov.ID || bath.Price.Version != 1 || !bath.Active || bath.Price.MarketFen != 20000 || bath.Price.InclusiveFen != 15000 {
		t.Errorf("published item %s, want version 1, active, 20000/15000 fen on %s", compactJSON(bath), prov.ID)
	}

	// checkHit asserts what a family sees of the provider in a search.
	checkHit := func(t *testing.T, where string, h hitView) {
		t.Helper()
		wantDistance(t, h, wantNear)
		wantPublicCounters(t, where, h.Provider)
		if h.Provider.ContactPhone != contact.masked() {
			t.Errorf("%s: contactPhone %q, want %q", where, h.Provider.ContactPhone, contact.masked())
		}
		if h.Provider.Status != "verified" || h.Provider.LegalName != name {
			t.Errorf("%s: provider %s, want verified %s", where, compactJSON(h.Provider), name)
		}
	}

	t.Run("a family 1 km away finds it", func(t *testing.T) {
		got := family.search(t, "/v1/providers", home, nil)
		h, ok := got.hit(prov.ID)
		if !ok || len(got.Items) != 1 {
			t.Fatalf("GET /v1/providers near %s found %s, want just %s", home, describeHits(got), prov.ID)
		}
		checkHit(t, "providers", h)

		svc := family.search(t, "/v1/services", home, query("type", "bathing"))
		h, ok = svc.hit(prov.ID)
		if !ok {
			t.Fatalf("GET /v1/services?type=bathing near %s found %s, want %s (do items persist in the provider?)",
				home, describeHits(svc), prov.ID)
		}
		checkHit(t, "services", h)
		if len(h.Items) != 1 || h.Items[0].ID != bath.ID {
			t.Fatalf("the bathing hit carries items %s, want just the bathing item %s", compactJSON(h.Items), bath.ID)
		}
		if p := h.Items[0].Price; p.MarketFen != 20000 || p.InclusiveFen != 15000 || p.Version != 1 {
			t.Errorf("bathing item price %s, want market 20000 and inclusive 15000 fen, version 1", compactJSON(p))
		}
		if _, ok := h.Provider.item(meal.ID); ok {
			t.Errorf("a search hit embeds the whole menu: %s", compactJSON(h.Provider.Items))
		}

		svc = family.search(t, "/v1/services", home, query("type", "cleaning"))
		if _, ok := svc.hit(prov.ID); ok {
			t.Errorf("GET /v1/services?type=cleaning found the provider, which sells no cleaning")
		}
		// A search radius smaller than the distance leaves it out.
		got = family.search(t, "/v1/providers", home, query("radius", "500"))
		if _, ok := got.hit(prov.ID); ok {
			t.Errorf("radius=500 found a provider %.0f m away", wantNear)
		}
	})

	t.Run("a family 30 km away is outside its 5 km service area", func(t *testing.T) {
		for _, path := range []string{"/v1/providers", "/v1/services"} {
			got := family.search(t, path, far, serviceQuery(path, "radius", "50000"))
			if _, ok := got.hit(prov.ID); ok {
				t.Errorf("GET %s near %s (%.0f m away, radius 50000) found a provider serving 5 km", path, far, wantFar)
			}
		}
	})

	// The regulator black-lists it: hidden from families at once.
	const why = "2026年第三季度抽查发现虐待老人行为"
	r = regulator.setCredit(t, prov.ID, "black_listed", why)
	wantStatus(t, r, http.StatusOK)
	black := decode[providerView](t, r)
	if black.Credit != "black_listed" || black.CreditReason != why || black.CreditSetAt == nil {
		t.Errorf("black-listing answered %s, want credit black_listed, the reason and creditSetAt", r.body)
	}
	t.Run("black-listed, it is hidden at once", func(t *testing.T) {
		for _, path := range []string{"/v1/providers", "/v1/services"} {
			if got := family.search(t, path, home, serviceQuery(path)); len(got.Items) != 0 {
				t.Errorf("GET %s still finds %s after black-listing", path, describeHits(got))
			}
		}
		wantProblem(t, anon.page(t, prov.ID), http.StatusNotFound, "provider_not_found")
		wantProblem(t, family.page(t, prov.ID), http.StatusNotFound, "provider_not_found")
		wantProblem(t, srv.get(t, "/v1/providers/"+prov.ID+"/items"), http.StatusNotFound, "provider_not_found")
		// Its admin still sees why.
		own := must[providerView](t, owner.page(t, prov.ID), http.StatusOK)
		if own.Credit != "black_listed" || own.CreditReason != why {
			t.Errorf("its admin sees credit %q reason %q, want black_listed and %q", own.Credit, own.CreditReason, why)
		}
	})

	wantStatus(t, regulator.setCredit(t, prov.ID, "normal", ""), http.StatusOK)
	t.Run("in normal standing again, it is visible again", func(t *testing.T) {
		got := family.search(t, "/v1/services", home, query("type", "bathing"))
		h, ok := got.hit(prov.ID)
		if !ok {
			t.Fatalf("after normal standing, GET /v1/services found %s, want %s", describeHits(got), prov.ID)
		}
		wantDistance(t, h, wantNear)
		pg := must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if pg.Credit != "normal" || pg.Status != "verified" {
			t.Errorf("public page credit %q status %q, want normal and verified", pg.Credit, pg.Status)
		}
		if _, ok := family.search(t, "/v1/providers", home, nil).hit(prov.ID); !ok {
			t.Errorf("GET /v1/providers does not find it again")
		}
	})
}

// serviceQuery is kv, with type=bathing where the path takes a service
// type (/v1/services; /v1/providers takes a kind, and refuses what it
// does not declare).
func serviceQuery(path string, kv ...string) url.Values {
	q := query(kv...)
	if path == "/v1/services" {
		q.Set("type", "bathing")
	}
	return q
}
