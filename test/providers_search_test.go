package e2e_test

import (
	"net/http"
	"slices"
	"sort"
	"testing"
)

// TestProviderSearchIsNearestFirstAndPagesWithoutGapsOrDuplicates: around
// one family, verified providers at known distances (two at the very same
// spot) come back nearest first; limit=2 pages through them with
// nextCursor, each once; providers that do not cover the family (pending,
// a service radius too small, a region list without the family's region)
// are left out, and a region-served one comes in when region= names it.
func TestProviderSearchIsNearestFirstAndPagesWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	owner := srv.signUp(t)
	family := srv.signUp(t)
	home := randomPlace()

	type placed struct {
		id   string
		at   point
		want float64 // haversine from home
	}
	register := func(at point, body map[string]any) placed {
		t.Helper()
		p := owner.register(t, body)
		return placed{id: p.ID, at: at, want: haversine(home, at)}
	}
	// Offsets in metres north, east of home; all serve 5 km.
	offsets := [][2]float64{{1900, -600}, {300, 0}, {-700, 0}, {-700, 0}, {0, 1200}, {-2500, 2450}}
	var covering []placed
	for _, o := range offsets {
		at := home.offset(o[0], o[1])
		p := register(at, providerBody(uniqueName("居家养老服务站"), at, 5, newPhone(), nil))
		admin.verify(t, p.id)
		covering = append(covering, p)
	}
	// Left out whatever the query: pending; verified but serving only 3 km
	// from 4 km away; verified, serving a region, 1 km away.
	pendingAt := home.offset(0, -500)
	pending := register(pendingAt, providerBody(uniqueName("待审核服务站"), pendingAt, 5, newPhone(), nil))
	smallAt := home.offset(0, -4000)
	small := register(smallAt, providerBody(uniqueName("小半径服务站"), smallAt, 3, newPhone(), nil))
	admin.verify(t, small.id)
	regionAt := home.offset(-1000, 0)
	region := register(regionAt, providerBody(uniqueName("徐汇区域服务中心"), regionAt, 0, newPhone(), map[string]any{
		"serviceArea": map[string]any{"regionCodes": []string{"310104"}}}))
	admin.verify(t, region.id)

	// expected is the providers in distance order; ties (the two at the
	// same spot) may come either way but always the same way.
	expected := func(ps []placed) []placed {
		out := slices.Clone(ps)
		sort.SliceStable(out, func(i, j int) bool { return out[i].want < out[j].want })
		return out
	}
	checkOrder := func(t *testing.T, got hitPage, want []placed) {
		t.Helper()
		if len(got.Items) != len(want) {
			t.Fatalf("found %s, want %d providers", describeHits(got), len(want))
		}
		byID := map[string]placed{}
		for _, p := range want {
			byID[p.id] = p
		}
		for i, h := range got.Items {
			p, ok := byID[h.Provider.ID]
			if !ok {
				t.Fatalf("hit %d is %s, which should not be found: %s", i, h.Provider.ID, describeHits(got))
			}
			delete(byID, h.Provider.ID)
			wantDistance(t, h, p.want)
			if w := want[i].want; p.want != w {
				t.Errorf("hit %d is %s at %.0f m, want the provider at %.0f m: %s", i, p.id, p.want, w, describeHits(got))
			}
			if i > 0 && *h.DistanceMetres < *got.Items[i-1].DistanceMetres {
				t.Errorf("hit %d (%d m) is nearer than hit %d: %s", i, *h.DistanceMetres, i-1, describeHits(got))
			}
		}
	}

	var all hitPage
	t.Run("nearest first, only those covering the family", func(t *testing.T) {
		all = family.search(t, "/v1/providers", home, query("limit", "100"))
		checkOrder(t, all, expected(covering))
		if all.NextCursor != "" {
			t.Errorf("a complete page has nextCursor %q", all.NextCursor)
		}
		for what, id := range map[string]string{"pending": pending.id, "3 km radius, 4 km away": small.id, "region-served": region.id} {
			if _, ok := all.hit(id); ok {
				t.Errorf("found the %s provider %s", what, id)
			}
		}
	})

	t.Run("limit=2 pages through without duplicates or gaps", func(t *testing.T) {
		if len(all.Items) != len(covering) {
			t.Skip("the full listing failed")
		}
		var paged []string
		cursor := ""
		for pages := 1; ; pages++ {
			q := query("limit", "2")
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			pg := family.search(t, "/v1/providers", home, q)
			if len(pg.Items) == 0 || len(pg.Items) > 2 {
				t.Fatalf("page %d has %d hits (%s), want 1 or 2", pages, len(pg.Items), describeHits(pg))
			}
			paged = append(paged, pg.ids()...)
			if pg.NextCursor == "" {
				break
			}
			if pages > len(covering) {
				t.Fatalf("still paging after %d pages: %q", pages, paged)
			}
			cursor = pg.NextCursor
		}
		if !slices.Equal(paged, all.ids()) {
			t.Errorf("pages gave %q, want the full listing %q in the same order", paged, all.ids())
		}
		if len(paged) != len(covering) || len(paged) != 6 {
			t.Errorf("paged through %d providers, want 6", len(paged))
		}
	})

	t.Run("a region-served provider is found only with its region", func(t *testing.T) {
		got := family.search(t, "/v1/providers", home, query("limit", "100", "region", "310104"))
		checkOrder(t, got, expected(append(slices.Clone(covering), region)))
		got = family.search(t, "/v1/providers", home, query("limit", "100", "region", "310105"))
		if _, ok := got.hit(region.id); ok || len(got.Items) != len(covering) {
			t.Errorf("with region=310105 found %s, want the %d radius providers only", describeHits(got), len(covering))
		}
	})

	t.Run("kind narrows to providers licensed for it", func(t *testing.T) {
		if got := family.search(t, "/v1/providers", home, query("kind", "canteen")); len(got.Items) != 0 {
			t.Errorf("kind=canteen found %s; none holds a canteen licence", describeHits(got))
		}
		if got := family.search(t, "/v1/providers", home, query("kind", "home_care", "limit", "100")); len(got.Items) != len(covering) {
			t.Errorf("kind=home_care found %s, want all %d", describeHits(got), len(covering))
		}
	})

	t.Run("a forged cursor is refused", func(t *testing.T) {
		r := srv.get(t, "/v1/providers?near="+home.String()+"&cursor=not-a-cursor!")
		wantField(t, wantProblem(t, r, http.StatusBadRequest, "cursor_invalid"), "query.cursor")
	})
}
