package e2e_test

import (
	"net/http"
	"testing"
)

// TestProviderMovesAndRenames: moving the address takes the provider to
// where families now find it; a new legal name sends it back to the
// platform for verification, hidden until then.
func TestProviderMovesAndRenames(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	owner := srv.signUp(t)
	stranger := srv.signUp(t)
	anon := anonymous(srv)

	site := randomPlace()
	name := uniqueName("上海长宁乐龄居家养老服务社")
	contact := newPhone()
	r := owner.post(t, "/v1/providers", providerBody(name, site, 3, contact, nil))
	wantStatus(t, r, http.StatusCreated)
	prov := decode[providerView](t, r)
	admin.verify(t, prov.ID)

	newSite := site.offset(20_000, 0)
	if got := anon.search(t, "/v1/providers", newSite, nil); len(got.Items) != 0 {
		t.Fatalf("found 20 km away before moving: %s", describeHits(got))
	}
	r = owner.call(t, http.MethodPut, "/v1/providers/"+prov.ID, providerBody(name, newSite, 3, contact, nil))
	wantStatus(t, r, http.StatusOK)
	if got := decode[providerView](t, r); got.Status != "verified" {
		t.Fatalf("moving changed status to %s", got.Status)
	}
	if got := anon.search(t, "/v1/providers", newSite, nil); len(got.Items) != 1 || got.Items[0].Provider.ID != prov.ID {
		t.Fatalf("not found at the new address: %s", describeHits(got))
	}
	if got := anon.search(t, "/v1/providers", site, nil); len(got.Items) != 0 {
		t.Fatalf("still found at the old address: %s", describeHits(got))
	}

	wantProblem(t, stranger.call(t, http.MethodPut, "/v1/providers/"+prov.ID, providerBody(name, site, 3, contact, nil)),
		http.StatusForbidden, "provider_admin_required")

	r = owner.call(t, http.MethodPut, "/v1/providers/"+prov.ID, providerBody(name+"（新）", newSite, 3, contact, nil))
	wantStatus(t, r, http.StatusOK)
	if got := decode[providerView](t, r); got.Status != "pending" {
		t.Fatalf("a renamed provider is %s, want pending", got.Status)
	}
	wantProblem(t, anon.page(t, prov.ID), http.StatusNotFound, "provider_not_found")
	if got := anon.search(t, "/v1/providers", newSite, nil); len(got.Items) != 0 {
		t.Fatalf("a renamed provider awaiting verification is still found: %s", describeHits(got))
	}
}
