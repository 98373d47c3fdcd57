package e2e_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"
)

// TestProviderPublicPageShowsWhatFamiliesPay: the public page (收费公开)
// shows a verified provider's licences, credit, opening hours and its
// active items with both prices to anyone, no login needed. An item
// taken off the menu leaves the page but stays in its admin's view;
// repricing publishes price version 2; a red listing is published with
// its reason and does not hide the provider.
func TestProviderPublicPageShowsWhatFamiliesPay(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv, admin, regulator := st.srv, st.admin, st.regulator
	owner := srv.signUp(t)
	family := srv.signUp(t)
	anon := anonymous(srv)

	contact := newPhone()
	licences := []licenceView{{Kind: "home_care", Number: "沪民养备字2026第118号"}, {Kind: "canteen", Number: "JY23101040011223"}}
	hours := []hoursView{{Weekday: 1, Open: "08:00", Close: "18:00"}, {Weekday: 2, Open: "08:00", Close: "12:00"},
		{Weekday: 2, Open: "13:30", Close: "18:00"}, {Weekday: 6, Open: "09:00", Close: "16:00"}}
	prov := owner.register(t, providerBody(uniqueName("徐汇幸福食堂"), randomPlace(), 3, contact, map[string]any{
		"licences": licences, "openingHours": hours}))
	admin.verify(t, prov.ID)

	bath := owner.addItem(t, prov.ID, itemBody("bathing", 20000, 15000))
	meal := owner.addItem(t, prov.ID, itemBody("meal_aid", 1500, 1000))
	clean := owner.addItem(t, prov.ID, itemBody("cleaning", 8000, 6000))
	want := map[string][2]int64{bath.ID: {20000, 15000}, meal.ID: {1500, 1000}, clean.ID: {8000, 6000}}

	t.Run("anyone sees licences, credit, hours and the menu with both prices", func(t *testing.T) {
		pg := must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if !reflect.DeepEqual(pg.Licences, licences) {
			t.Errorf("licences %s, want %s", compactJSON(pg.Licences), compactJSON(licences))
		}
		if !reflect.DeepEqual(pg.OpeningHours, hours) {
			t.Errorf("openingHours %s, want %s", compactJSON(pg.OpeningHours), compactJSON(hours))
		}
		if pg.Credit != "normal" || pg.Status != "verified" || pg.TimeZone != "Asia/Shanghai" {
			t.Errorf("credit %q status %q timeZone %q, want normal, verified, Asia/Shanghai", pg.Credit, pg.Status, pg.TimeZone)
		}
		if pg.ContactPhone != contact.masked() {
			t.Errorf("the public sees contactPhone %q, want %q", pg.ContactPhone, contact.masked())
		}
		wantPublicCounters(t, "public page", pg)
		if got := itemIDs(pg.Items); !slices.Equal(got, itemIDs([]itemView{bath, meal, clean})) {
			t.Fatalf("public page items %q, want the three published", got)
		}
		for _, it := range pg.Items {
			p := it.Price
			if w := want[it.ID]; p.MarketFen != w[0] || p.InclusiveFen != w[1] || p.Version != 1 || p.From == nil || !it.Active {
				t.Errorf("item %s (%s) price %s active %v, want market %d inclusive %d fen, version 1 with from, active",
					it.ID, it.Type, compactJSON(p), it.Active, w[0], w[1])
			}
		}
		// A family's token changes nothing but stays masked.
		fp := must[providerView](t, family.page(t, prov.ID), http.StatusOK)
		if fp.ContactPhone != contact.masked() || len(fp.Items) != 3 {
			t.Errorf("a family sees contactPhone %q and %d items, want %q and 3", fp.ContactPhone, len(fp.Items), contact.masked())
		}
	})

	t.Run("an item taken off the menu leaves the public page only", func(t *testing.T) {
		off := must[itemView](t, owner.patchItem(t, prov.ID, clean.ID, map[string]any{"active": false}), http.StatusOK)
		if off.Active || off.ID != clean.ID || off.Price.Version != 1 {
			t.Errorf("PATCH active=false answered %s, want the item inactive, price unchanged", compactJSON(off))
		}
		pg := must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if _, ok := pg.item(clean.ID); ok || len(pg.Items) != 2 {
			t.Errorf("public page items %q, want the two active ones without %s", itemIDs(pg.Items), clean.ID)
		}
		menu := must[listPage[itemView]](t, srv.get(t, "/v1/providers/"+prov.ID+"/items"), http.StatusOK)
		if len(menu.Items) != 2 || slices.Contains(itemIDs(menu.Items), clean.ID) {
			t.Errorf("public GET …/items %q, want the two active ones", itemIDs(menu.Items))
		}
		own := must[providerView](t, owner.page(t, prov.ID), http.StatusOK)
		if it, ok := own.item(clean.ID); !ok || it.Active || len(own.Items) != 3 {
			t.Errorf("its admin's page items %s, want all three with %s inactive", compactJSON(own.Items), clean.ID)
		}
		ownMenu := must[listPage[itemView]](t, owner.get(t, "/v1/providers/"+prov.ID+"/items"), http.StatusOK)
		if len(ownMenu.Items) != 3 {
			t.Errorf("its admin's GET …/items has %d items, want 3", len(ownMenu.Items))
		}
		// Searches do not offer it either.
		if got := anon.search(t, "/v1/services", point{pg.Address.Lat, pg.Address.Lng}, query("type", "cleaning")); len(got.Items) != 0 {
			t.Errorf("GET /v1/services?type=cleaning finds %s with its only cleaning item inactive", describeHits(got))
		}
		// Back on the menu, it is public again.
		wantStatus(t, owner.patchItem(t, prov.ID, clean.ID, map[string]any{"active": true}), http.StatusOK)
		pg = must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if it, ok := pg.item(clean.ID); !ok || !it.Active {
			t.Errorf("after active=true the public page items are %q, want %s among them", itemIDs(pg.Items), clean.ID)
		}
	})

	t.Run("repricing publishes version 2", func(t *testing.T) {
		r := owner.patchItem(t, prov.ID, bath.ID, map[string]any{"price": map[string]any{"marketFen": 22000, "inclusiveFen": 16000}})
		got := must[itemView](t, r, http.StatusOK)
		if p := got.Price; p.Version != 2 || p.MarketFen != 22000 || p.InclusiveFen != 16000 {
			t.Errorf("reprice answered price %s, want version 2 at 22000/16000 fen", compactJSON(p))
		}
		if got.Price.From == nil || bath.Price.From == nil || got.Price.From.Before(*bath.Price.From) {
			t.Errorf("version 2 from %v is before version 1 from %v", got.Price.From, bath.Price.From)
		}
		pg := must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if it, _ := pg.item(bath.ID); it.Price.Version != 2 || it.Price.MarketFen != 22000 || it.Price.InclusiveFen != 16000 {
			t.Errorf("the public page shows bathing at %s, want version 2 at 22000/16000", compactJSON(it.Price))
		}
		if it, _ := pg.item(meal.ID); it.Price.Version != 1 {
			t.Errorf("repricing bathing changed meal_aid to version %d", it.Price.Version)
		}
	})

	t.Run("a red listing is published and does not hide the provider", func(t *testing.T) {
		const why = "连续三年服务质量评估优秀"
		wantStatus(t, regulator.setCredit(t, prov.ID, "red_listed", why), http.StatusOK)
		pg := must[providerView](t, anon.page(t, prov.ID), http.StatusOK)
		if pg.Credit != "red_listed" || pg.CreditReason != why || pg.CreditSetAt == nil {
			t.Errorf("public page credit %q reason %q setAt %v, want red_listed, %q and a time", pg.Credit, pg.CreditReason, pg.CreditSetAt, why)
		}
		if len(pg.Items) != 3 {
			t.Errorf("a red-listed provider's page shows %d items, want 3", len(pg.Items))
		}
	})
}
