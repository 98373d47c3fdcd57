package e2e_test

import (
	"net/http"
	"slices"
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
