package e2e_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestARegulatorKeepsARegisterOfTheirProviders: the regulator's list is
// the providers in their regions, whatever their state, filtered by
// region, kind, credit, status and licences about to lapse, in pages.
func TestARegulatorKeepsARegisterOfTheirProviders(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	xuhui, suzhou := srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")
	makeRegulator(t, admin, suzhou, "320500")

	today := shanghaiToday()
	soon, later := today.AddDate(0, 0, 20).Format(time.DateOnly), today.AddDate(1, 0, 0).Format(time.DateOnly)
	home := point{lat: 31.1883, lng: 121.4365}
	register := func(kind, validTo string) string {
		name := uniqueName("徐汇服务中心")
		lic := map[string]string{"kind": kind, "number": "沪备字" + name[len(name)-6:] + "号"}
		if validTo != "" {
			lic["validTo"] = validTo
		}
		return srv.signUp(t).register(t, providerBody(name, home, 5, newPhone(),
			map[string]any{"licences": []map[string]string{lic}})).ID
	}
	lapsing := register("home_care", soon)
	lasting := register("home_care", later)
	nursery := register("childcare_institution", "")
	admin.verify(t, lasting)
	wantStatus(t, xuhui.setCredit(t, lasting, "red_listed", "服务示范单位"), http.StatusOK)

	list := func(p *person, query string) []string {
		t.Helper()
		var ids []string
		cursor := ""
		for range 10 {
			page := must[struct {
				Items []struct {
					ID       string `json:"id"`
					Licences []struct {
						ValidTo string `json:"validTo"`
					} `json:"licences"`
				} `json:"items"`
				NextCursor string `json:"nextCursor"`
			}](t, p.get(t, "/v1/regulator/providers?limit=1"+query+cursor), http.StatusOK)
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			if page.NextCursor == "" {
				return ids
			}
			cursor = "&cursor=" + page.NextCursor
		}
		t.Fatalf("more pages than providers: %v", ids)
		return nil
	}
	all := []string{lapsing, lasting, nursery}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", all},
		{"&region=31", all},
		{"&region=310105", nil},
		{"&region=32", nil},
		{"&kind=home_care", []string{lapsing, lasting}},
		{"&kind=childcare_institution", []string{nursery}},
		{"&credit=red_listed", []string{lasting}},
		{"&status=pending", []string{lapsing, nursery}},
		{"&licenceLapsesWithinDays=30", []string{lapsing}},
		{"&licenceLapsesWithinDays=366&kind=home_care", []string{lapsing, lasting}},
	} {
		got := list(xuhui, c.query)
		if !sameIDs(got, c.want) {
			t.Errorf("Xuhui's list%s: %v, want %v", c.query, got, c.want)
		}
	}
	// Suzhou's regulator has none of Xuhui's providers, even asking.
	for _, q := range []string{"", "&region=31", "&region=310104"} {
		if got := list(suzhou, q); len(got) != 0 {
			t.Errorf("Suzhou's list%s: %v", q, got)
		}
	}
	// A platform admin sees everyone's (others' tests' too): ours are in.
	if got := list(admin, "&region=310104"); !sameIDs(intersect(got, all), all) {
		t.Errorf("the platform's list lacks ours: %v", got)
	}
	// The red-listed provider's credit history, after a black listing:
	// newest first, a page at a time, with the standings, the reasons and
	// the official; another region's regulator finds no such provider.
	wantStatus(t, xuhui.setCredit(t, lasting, "black_listed", "虚假宣传"), http.StatusOK)
	type creditPage struct {
		Items []struct {
			At      time.Time `json:"at"`
			From    string    `json:"from"`
			To      string    `json:"to"`
			Reason  string    `json:"reason"`
			ActorID string    `json:"actorId"`
		} `json:"items"`
		NextCursor string `json:"nextCursor"`
	}
	history := "/v1/regulator/providers/" + lasting + "/credit-history"
	first := must[creditPage](t, xuhui.get(t, history+"?limit=1"), http.StatusOK)
	if len(first.Items) != 1 || first.NextCursor == "" {
		t.Fatalf("the history's first page: %+v", first)
	}
	second := must[creditPage](t, xuhui.get(t, history+"?limit=1&cursor="+first.NextCursor), http.StatusOK)
	if len(second.Items) != 1 || second.NextCursor != "" {
		t.Fatalf("the history's second page: %+v", second)
	}
	got := []string{}
	for _, it := range append(first.Items, second.Items...) {
		got = append(got, fmt.Sprintf("%s>%s %s, by Xuhui's regulator: %v", it.From, it.To, it.Reason, it.ActorID == xuhui.id))
	}
	if want := []string{"red_listed>black_listed 虚假宣传, by Xuhui's regulator: true",
		"normal>red_listed 服务示范单位, by Xuhui's regulator: true"}; !slices.Equal(got, want) ||
		first.Items[0].At.Before(second.Items[0].At) {
		t.Errorf("the credit history: %q, want %q, newest first", got, want)
	}
	wantProblem(t, suzhou.get(t, history), http.StatusNotFound, "provider_not_found")
	wantProblem(t, srv.signUp(t).get(t, history), http.StatusForbidden, "forbidden")

	// Family and provider users: 403; a bad filter: 400.
	wantProblem(t, srv.signUp(t).get(t, "/v1/regulator/providers"), http.StatusForbidden, "forbidden")
	for _, q := range []string{"?kind=bank", "?licenceLapsesWithinDays=-1", "?region=3", "?credit=grey"} {
		wantProblem(t, xuhui.get(t, "/v1/regulator/providers"+q), http.StatusBadRequest, "invalid_parameter")
	}
}

func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestARegulatorFindsTheProvidersMostComplainedAbout: the register keeps
// the providers with at least so many complaints per 100 orders over
// the current month and the two before, read from the indicators' read
// model, and shows each one's rate; a platform admin names a region for
// it, and a rate out of range is refused.
func TestARegulatorFindsTheProvidersMostComplainedAbout(t *testing.T) {
	t.Parallel()
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national, "OUTBOX_POLL_INTERVAL", "50ms",
		"JOBS_POLL_INTERVAL", "50ms")})
	admin := srv.loginExisting(t, adminPhone)
	xuhui := srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")

	home := point{lat: 31.1883, lng: 121.4365}
	owners := map[string]*person{}
	register := func() providerView {
		owner := srv.signUp(t)
		p := owner.register(t, providerBody(uniqueName("徐汇居家服务中心"), home, 5, newPhone(),
			map[string]any{"openingHours": allDay()}))
		admin.verify(t, p.ID)
		owners[p.ID] = owner
		return p
	}
	// A: one order, one complaint (100 per 100). B: three orders, one
	// complaint (33.3). C: one order, none.
	provA, provB, provC := register(), register(), register()
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	start, _ := soonWindow(6*time.Hour + 45*time.Minute)
	n := 0
	order := func(p providerView, item itemView) {
		later := time.Duration(n) * time.Hour
		n++
		window := map[string]string{"start": start.Add(later).Format(time.RFC3339),
			"end": start.Add(later + 45*time.Minute).Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": p.ID,
			"itemId": item.ID, "window": window}), http.StatusOK)
		must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": p.ID,
			"itemId": item.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	}
	complain := func(p providerView) {
		wantStatus(t, daughter.post(t, "/v1/complaints", map[string]any{
			"subject": map[string]string{"kind": "provider", "id": p.ID}, "familyId": fam.ID, "category": "staff_conduct",
			"text": "护理员迟到。", "desiredResolution": "apology"}, "Idempotency-Key", randomID()), http.StatusCreated)
	}
	for _, p := range []providerView{provA, provB, provC} {
		item := owners[p.ID].addItem(t, p.ID, itemBody("cleaning", 8000, 6000))
		order(p, item)
		if p.ID == provB.ID {
			order(p, item)
			order(p, item)
		}
	}
	complain(provA)
	complain(provB)
	srv.settle(t)

	type rated struct {
		Items []struct {
			ID            string `json:"id"`
			ComplaintRate *struct {
				Months     int     `json:"months"`
				Complaints int     `json:"complaints"`
				Orders     int     `json:"orders"`
				PerHundred float64 `json:"perHundred"`
			} `json:"complaintRate"`
		} `json:"items"`
	}
	list := func(p *person, query string) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, it := range must[rated](t, p.get(t, "/v1/regulator/providers?limit=100"+query), http.StatusOK).Items {
			out[it.ID] = ""
			if r := it.ComplaintRate; r != nil {
				out[it.ID] = fmt.Sprintf("%d/%d=%v over %d", r.Complaints, r.Orders, r.PerHundred, r.Months)
			}
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  map[string]string
	}{
		{"", map[string]string{provA.ID: "", provB.ID: "", provC.ID: ""}},
		{"&complaintRateAtLeast=50", map[string]string{provA.ID: "1/1=100 over 3"}},
		{"&complaintRateAtLeast=33.3", map[string]string{provA.ID: "1/1=100 over 3", provB.ID: "1/3=33.3 over 3"}},
		{"&complaintRateAtLeast=0", map[string]string{provA.ID: "1/1=100 over 3", provB.ID: "1/3=33.3 over 3",
			provC.ID: "0/1=0 over 3"}},
		{"&complaintRateAtLeast=101", map[string]string{}},
		{"&complaintRateAtLeast=1&region=310105", map[string]string{}},
	} {
		if got := list(xuhui, c.query); !maps.Equal(got, c.want) {
			t.Errorf("Xuhui's register%s: %v, want %v", c.query, got, c.want)
		}
	}
	// The file keeps the same providers.
	csvText := string(xuhui.get(t, "/v1/regulator/providers/export?complaintRateAtLeast=50").body)
	if !strings.Contains(csvText, provA.ID) || strings.Contains(csvText, provB.ID) || strings.Contains(csvText, provC.ID) {
		t.Errorf("the register's file at 50 per 100:\n%s", csvText)
	}
	// A platform admin reads a region's rates, not everywhere's.
	if got := list(admin, "&complaintRateAtLeast=50&region=310104"); !maps.Equal(got, map[string]string{provA.ID: "1/1=100 over 3"}) {
		t.Errorf("the platform's register: %v", got)
	}
	wantProblem(t, admin.get(t, "/v1/regulator/providers?complaintRateAtLeast=50"), http.StatusBadRequest, "invalid_parameter")
	for _, q := range []string{"-1", "10001", "many", "NaN"} {
		wantProblem(t, xuhui.get(t, "/v1/regulator/providers?complaintRateAtLeast="+q), http.StatusBadRequest, "invalid_parameter")
		wantProblem(t, xuhui.get(t, "/v1/regulator/providers/export?complaintRateAtLeast="+q), http.StatusBadRequest,
			"invalid_parameter")
	}
}
