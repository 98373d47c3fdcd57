package e2e_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

type expiryView struct {
	ProviderID   string `json:"providerId"`
	ProviderName string `json:"providerName"`
	RegionCode   string `json:"regionCode"`
	What         string `json:"what"`
	Type         string `json:"type"`
	Number       string `json:"number"`
	CaregiverID  string `json:"caregiverId"`
	ValidTo      string `json:"validTo"`
	Lapsed       bool   `json:"lapsed"`
}

// TestARegulatorFollowsUpWhatIsAboutToLapse: Xuhui's regulator reads the
// licences and caregiver certificates of their district's providers that
// lapse within 30 days or have lapsed (证照到期清单), narrows it by
// region, horizon and lapsed, pages through it one provider at a time,
// and takes it out as a file — the same bytes twice, Chinese headings,
// in the officials' log. Suzhou's regulator reads none of it; families
// and providers are refused; bad filters answer 400.
func TestARegulatorFollowsUpWhatIsAboutToLapse(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	xuhui, suzhou := srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")
	makeRegulator(t, admin, suzhou, "320500")

	today := shanghaiToday()
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	home := point{lat: 31.1883, lng: 121.4365}
	register := func(owner *person, kind, validTo string) providerView {
		name := uniqueName("徐汇服务中心")
		lic := map[string]string{"kind": kind, "number": "沪备字" + name[len(name)-6:] + "号", "validTo": validTo}
		return owner.register(t, providerBody(name, home, 5, newPhone(),
			map[string]any{"licences": []map[string]string{lic}}))
	}
	// A: its licence lapses in 10 days. B: its licence lapsed 5 days ago,
	// one caregiver's certificate lapses in 20 days, another's in two
	// years. C: its licence runs a year; nothing of it is due.
	ownerB := srv.signUp(t)
	provA := register(srv.signUp(t), "home_care", day(10))
	provB := register(ownerB, "day_care_centre", day(-5))
	provC := register(srv.signUp(t), "home_care", day(365))
	soonCert := certificateView{Kind: "nurse", Number: uniqueName("沪护"), Issuer: "上海市卫健委", ExpiresOn: day(20)}
	carer := ownerB.hireCertified(t, provB.ID, soonCert)
	ownerB.hireCertified(t, provB.ID, certificateView{Kind: "elderly_care_worker", Number: uniqueName("沪护"),
		Issuer: "上海市人社局", ExpiresOn: today.AddDate(2, 0, 0).Format(time.DateOnly)})

	type expiryPage struct {
		Until      string       `json:"until"`
		Items      []expiryView `json:"items"`
		NextCursor string       `json:"nextCursor"`
	}
	// list reads every page, one provider a page, and checks that a
	// provider's entries are never split.
	list := func(p *person, query string) (string, []expiryView) {
		t.Helper()
		var all []expiryView
		until, cursor := "", ""
		for range 10 {
			pg := must[expiryPage](t, p.get(t, "/v1/regulator/expiries?limit=1"+query+cursor), http.StatusOK)
			until = pg.Until
			for _, e := range pg.Items {
				if e.ProviderID != pg.Items[0].ProviderID {
					t.Errorf("a page of one provider holds two: %+v", pg.Items)
				}
				if len(all) > 0 && all[len(all)-1].ProviderID != e.ProviderID &&
					slices.ContainsFunc(all, func(x expiryView) bool { return x.ProviderID == e.ProviderID }) {
					t.Errorf("provider %s is split across pages", e.ProviderID)
				}
			}
			all = append(all, pg.Items...)
			if pg.NextCursor == "" {
				return until, all
			}
			cursor = "&cursor=" + pg.NextCursor
		}
		t.Fatalf("more pages than providers: %+v", all)
		return "", nil
	}
	keys := func(es []expiryView) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ProviderID+" "+e.What+" "+e.ValidTo)
		}
		return out
	}
	licA, licB := provA.ID+" licence "+day(10), provB.ID+" licence "+day(-5)
	certB, licC := provB.ID+" certificate "+day(20), provC.ID+" licence "+day(365)

	until, got := list(xuhui, "")
	if until != day(30) || !sameIDs(keys(got), []string{licA, licB, certB}) {
		t.Fatalf("Xuhui's list until %s: %v, want until %s %v", until, keys(got), day(30), []string{licA, licB, certB})
	}
	for _, e := range got {
		switch e.What {
		case "certificate":
			if e.CaregiverID != carer.id || e.Type != "nurse" || e.Number != soonCert.Number || e.Lapsed ||
				e.RegionCode != "310104" || e.ProviderName != provB.LegalName {
				t.Errorf("the certificate: %+v", e)
			}
		case "licence":
			if e.CaregiverID != "" || e.Lapsed != (e.ProviderID == provB.ID) {
				t.Errorf("a licence: %+v", e)
			}
		}
	}
	if i := slices.IndexFunc(got, func(e expiryView) bool { return e.ProviderID == provB.ID }); got[i].What != "licence" {
		t.Errorf("B's entries are not soonest first: %v", keys(got))
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"&lapsed=true", []string{licB}},
		{"&lapsed=false", []string{licA, certB}},
		{"&withinDays=0", []string{licB}},
		{"&withinDays=366", []string{licA, licB, certB, licC}},
		{"&withinDays=15&lapsed=false", []string{licA}},
		{"&region=3101", []string{licA, licB, certB}},
		{"&region=310105", nil},
		{"&region=32", nil},
	} {
		if _, got := list(xuhui, c.query); !sameIDs(keys(got), c.want) {
			t.Errorf("Xuhui's list%s: %v, want %v", c.query, keys(got), c.want)
		}
	}
	// Suzhou's regulator has none of it, even asking for Xuhui.
	for _, q := range []string{"", "&region=310104", "&withinDays=366"} {
		if _, got := list(suzhou, q); len(got) != 0 {
			t.Errorf("Suzhou's list%s: %v", q, keys(got))
		}
	}
	// A platform admin reads everyone's.
	if _, got := list(admin, "&region=310104"); !sameIDs(keys(got), []string{licA, licB, certB}) {
		t.Errorf("the platform's list: %v", keys(got))
	}

	// The file: the same bytes twice, Chinese headings and words, the
	// lapsed marked; English on asking; a workbook with the same rows.
	for _, format := range []string{"csv", "xlsx"} {
		url := "/v1/regulator/expiries/export?region=310104&format=" + format
		first, second := xuhui.get(t, url), xuhui.get(t, url)
		wantStatus(t, first, http.StatusOK)
		if !bytes.Equal(first.body, second.body) || len(first.body) == 0 {
			t.Errorf("%s: two exports differ (%d and %d bytes)", url, len(first.body), len(second.body))
		}
		if cd := first.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "."+format) {
			t.Errorf("%s: Content-Disposition %q", url, cd)
		}
	}
	csvText := string(xuhui.get(t, "/v1/regulator/expiries/export").body)
	lines := strings.Split(strings.TrimSpace(csvText), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "\uFEFF机构编号,机构名称,地区代码,类别,类型,证号,护理员编号,有效期至,已过期") ||
		!strings.Contains(csvText, provB.ID+","+provB.LegalName+",310104,机构证照,日间照料中心,") ||
		!strings.Contains(csvText, ","+day(-5)+",是") ||
		!strings.Contains(csvText, ",护理员证书,护士执业证书,"+soonCert.Number+","+carer.id+","+day(20)+",") {
		t.Errorf("the expiry CSV:\n%s", csvText)
	}
	if en := string(xuhui.get(t, "/v1/regulator/expiries/export?lang=en&lapsed=true").body); !strings.Contains(en,
		"Provider,Name,Region,What,Type,Number,Caregiver,Valid to,Lapsed") || !strings.Contains(en, ",licence,Day-care centre,") ||
		strings.Contains(en, provA.ID) {
		t.Errorf("the English CSV of what lapsed:\n%s", en)
	}
	book, err := excelize.OpenReader(bytes.NewReader(xuhui.get(t, "/v1/regulator/expiries/export?format=xlsx").body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	rows, err := book.GetRows("证照到期")
	_ = book.Close()
	if err != nil || len(rows) != 4 || rows[0][0] != "机构编号" {
		t.Errorf("the expiry workbook: %v %v", rows, err)
	}
	if list := string(suzhou.get(t, "/v1/regulator/expiries/export?withinDays=366").body); strings.Contains(list, provA.ID) ||
		strings.Contains(list, provB.ID) {
		t.Errorf("Suzhou's export lists Xuhui's providers:\n%s", list)
	}
	// The export is in the officials' log: the platform reads it.
	log := must[struct {
		Items []struct {
			Action     string `json:"action"`
			SubjectID  string `json:"subjectId"`
			RegionCode string `json:"regionCode"`
			Detail     string `json:"detail"`
		} `json:"items"`
	}](t, admin.get(t, "/v1/regulator/audit-log?actorId="+xuhui.id), http.StatusOK)
	if len(log.Items) == 0 || log.Items[0].Action != "export" || log.Items[0].SubjectID != "expiries" ||
		log.Items[0].RegionCode != "310104" || log.Items[0].Detail != "format=xlsx" {
		t.Errorf("the officials' log of Xuhui's regulator: %+v", log.Items)
	}

	// Nobody else reads it; bad filters are refused before any byte.
	for _, p := range []*person{ownerB, carer, srv.signUp(t)} {
		wantProblem(t, p.get(t, "/v1/regulator/expiries"), http.StatusForbidden, "forbidden")
		wantProblem(t, p.get(t, "/v1/regulator/expiries/export"), http.StatusForbidden, "forbidden")
	}
	for _, q := range []string{"?withinDays=-1", "?withinDays=367", "?withinDays=soon", "?lapsed=maybe", "?region=3",
		"?region=31010a"} {
		for _, path := range []string{"/v1/regulator/expiries", "/v1/regulator/expiries/export"} {
			wantProblem(t, xuhui.get(t, path+q), http.StatusBadRequest, "invalid_parameter")
		}
	}
	wantProblem(t, xuhui.get(t, "/v1/regulator/expiries/export?format=pdf"), http.StatusBadRequest, "invalid_parameter")
}

// hireCertified makes a new user a caregiver of the provider owner runs,
// holding cert.
func (owner *person) hireCertified(t *testing.T, providerID string, cert certificateView) *person {
	t.Helper()
	ph := newPhone()
	wantStatus(t, owner.post(t, "/v1/providers/"+providerID+"/staff-invites",
		map[string]string{"phone": ph.national, "role": "caregiver"}), http.StatusCreated)
	carer := owner.srv.loginExisting(t, ph)
	wantStatus(t, carer.post(t, "/v1/providers/"+providerID+"/staff-invites/accept", nil), http.StatusOK)
	wantStatus(t, owner.do(t, http.MethodPut, "/v1/providers/"+providerID+"/caregivers/"+carer.id, map[string]any{
		"certificates": []certificateView{cert}, "skills": []string{"home_visit"}, "gender": "female",
		"languages": []string{"普通话"}, "homeBase": map[string]float64{"lat": 31.19, "lng": 121.44}, "active": true,
	}), http.StatusOK)
	return carer
}
