package e2e_test

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWhatARegulatorDoesIsReadAboveThem: Xuhui's regulator sets a
// provider's credit, grants an allowance, enters the district's
// residents and exports its providers; the log of it is read by
// Shanghai's city regulator and a platform admin, not by Xuhui's other
// regulator (a peer), not by Xuhui's regulator of what the city did, and
// not by Suzhou's. Entries name records by id, nothing personal.
func TestWhatARegulatorDoesIsReadAboveThem(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	xuhui, peer, city, suzhou := srv.signUp(t), srv.signUp(t), srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")
	makeRegulator(t, admin, peer, "310104")
	makeRegulator(t, admin, city, "310100")
	makeRegulator(t, admin, suzhou, "320500")

	home := point{lat: 31.1883, lng: 121.4365}
	prov := srv.signUp(t).register(t, providerBody(uniqueName("徐汇颐养中心"), home, 5, newPhone(), nil))
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	el := daughter.addElder(t, fam.ID, elderBody("王秀兰", nil))

	wantStatus(t, xuhui.setCredit(t, prov.ID, "red_listed", "服务示范单位"), http.StatusOK)
	wantStatus(t, xuhui.post(t, "/v1/elders/"+el.ID+"/allowances", allowanceBody()), http.StatusCreated)
	wantStatus(t, xuhui.do(t, http.MethodPut, "/v1/regulator/regions/310104/residents/"+
		strconv.Itoa(shanghaiToday().Year()-1), map[string]int{"aged60Plus": 312000}), http.StatusOK)
	// A file taken out is a read the log keeps too.
	wantStatus(t, xuhui.get(t, "/v1/regulator/providers/export?region=310104"), http.StatusOK)
	wantStatus(t, city.setCredit(t, prov.ID, "normal", "复核"), http.StatusOK)

	type entry struct {
		ActorID     string    `json:"actorId"`
		Action      string    `json:"action"`
		SubjectKind string    `json:"subjectKind"`
		SubjectID   string    `json:"subjectId"`
		RegionCode  string    `json:"regionCode"`
		Detail      string    `json:"detail"`
		At          time.Time `json:"at"`
	}
	read := func(p *person, query string) []entry {
		t.Helper()
		var all []entry
		cursor := ""
		for range 10 {
			page := must[struct {
				Items      []entry `json:"items"`
				NextCursor string  `json:"nextCursor"`
			}](t, p.get(t, "/v1/regulator/audit-log?limit=1"+query+cursor), http.StatusOK)
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				return all
			}
			cursor = "&cursor=" + page.NextCursor
		}
		t.Fatalf("more pages than entries: %v", all)
		return nil
	}
	actions := func(es []entry, actor string) []string {
		var out []string
		for _, e := range es {
			if e.ActorID == actor {
				out = append(out, e.Action+" "+e.SubjectKind+" "+e.SubjectID)
			}
		}
		return out
	}
	xuhuis := []string{"export export providers", "region.set_residents region 310104", "allowance.grant elder " + el.ID,
		"provider.set_credit provider " + prov.ID} // newest first
	byCity := read(city, "")
	if got := actions(byCity, xuhui.id); !slices.Equal(got, xuhuis) {
		t.Errorf("the city reads of Xuhui's regulator %v, want %v", got, xuhuis)
	}
	if got := actions(byCity, city.id); len(got) != 0 {
		t.Errorf("the city reads its own actions here: %v", got)
	}
	if e := byCity[len(byCity)-1]; e.RegionCode != "310104" || e.Detail != "red_listed" {
		t.Errorf("the credit entry: %+v", e)
	}
	if got := read(city, "&actorId="+peer.id); len(got) != 0 {
		t.Errorf("the city reads a regulator who did nothing: %v", got)
	}
	for who, p := range map[string]*person{"a peer": peer, "Xuhui's regulator": xuhui, "Suzhou's regulator": suzhou} {
		if got := read(p, ""); len(got) != 0 {
			t.Errorf("%s reads %v", who, got)
		}
	}
	platform := read(admin, "&actorId="+city.id)
	if got := actions(platform, city.id); !slices.Equal(got, []string{"provider.set_credit provider " + prov.ID}) {
		t.Errorf("the platform reads of the city %v", got)
	}
	wantProblem(t, daughter.get(t, "/v1/regulator/audit-log"), http.StatusForbidden, "forbidden")

	// The city takes the log out as a file: what it reads, for Xuhui,
	// twice the same bytes (its own export is not in what it reads), and
	// for the month the credit was set in; nothing of Suzhou; a month not
	// begun or a region code that is not six digits is refused.
	export := "/v1/regulator/audit-log/export?region=310104"
	first, second := city.get(t, export), city.get(t, export)
	wantStatus(t, first, http.StatusOK)
	file := string(first.body)
	credit := xuhui.id + ",310104,调整机构信用,provider," + prov.ID + ",310104,red_listed,"
	if !bytes.Equal(first.body, second.body) || !strings.HasPrefix(file, "\uFEFF时间,操作人,操作人辖区,操作,对象类型,对象编号") ||
		!strings.Contains(file, credit) || !strings.Contains(file, "导出数据,export,providers") || strings.Contains(file, city.id) {
		t.Errorf("the city's export of the log:\n%s", file)
	}
	month := byCity[len(byCity)-1].At.In(shanghaiToday().Location()).Format("2006-01")
	if got := string(city.get(t, export+"&month="+month).body); !strings.Contains(got, credit) {
		t.Errorf("the log's export for %s lacks the credit entry:\n%s", month, got)
	}
	if other := string(city.get(t, "/v1/regulator/audit-log/export?region=320500").body); strings.Contains(other, xuhui.id) {
		t.Errorf("the log's export for Suzhou holds Xuhui's actions:\n%s", other)
	}
	wantProblem(t, city.get(t, "/v1/regulator/audit-log/export?month="+shanghaiToday().AddDate(0, 1, 0).Format("2006-01")),
		http.StatusUnprocessableEntity, "month_in_future")
	wantProblem(t, city.get(t, "/v1/regulator/audit-log/export?region=3101"), http.StatusUnprocessableEntity, "region_code_invalid")
	wantProblem(t, daughter.get(t, "/v1/regulator/audit-log/export"), http.StatusForbidden, "forbidden")
}
