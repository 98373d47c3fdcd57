package e2e_test

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

type indicatorRow struct {
	Key       string  `json:"key"`
	Group     string  `json:"group"`
	Unit      string  `json:"unit"`
	Label     string  `json:"label"`
	Value     float64 `json:"value"`
	Basis     *int    `json:"basis"`
	Breakdown []struct {
		Key   string  `json:"key"`
		Label string  `json:"label"`
		Value float64 `json:"value"`
	} `json:"breakdown"`
}

type indicatorTable struct {
	Region     string         `json:"region"`
	Month      string         `json:"month"`
	Indicators []indicatorRow `json:"indicators"`
}

func (t indicatorTable) row(key string) (indicatorRow, bool) {
	for _, r := range t.Indicators {
		if r.Key == key {
			return r, true
		}
	}
	return indicatorRow{}, false
}

type indicatorTrend struct {
	Region string   `json:"region"`
	From   string   `json:"from"`
	To     string   `json:"to"`
	Months []string `json:"months"`
	Series []struct {
		Key    string `json:"key"`
		Points []struct {
			Month string  `json:"month"`
			Value float64 `json:"value"`
		} `json:"points"`
	} `json:"series"`
}

// TestARegulatorReadsTheIndicatorsOfTheirDistrict: a daughter orders a
// bath from a Xuhui provider; once the relay has handed the order's
// events on, Xuhui's regulator sees it in the month's indicators and
// the trend, Changning's figures stay empty where they cannot be
// computed (absent, not 0), and an admin's rebuild changes nothing.
// Officials read only regions inside theirs; nobody else reads any; a
// bad region or month is refused.
func TestARegulatorReadsTheIndicatorsOfTheirDistrict(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	xuhui, suzhou := srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")
	makeRegulator(t, admin, suzhou, "320500")
	home := point{lat: 31.1883, lng: 121.4365}

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	admin.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	start, end := soonWindow(45 * time.Minute)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	month := shanghaiToday().Format("2006-01")
	srv.settle(t)

	read := func(p *person, query string, hdr ...string) indicatorTable {
		t.Helper()
		return must[indicatorTable](t, p.get(t, "/v1/regulator/indicators?"+query, hdr...), http.StatusOK)
	}
	table := read(xuhui, "region=310104&month="+month)
	if table.Region != "310104" || table.Month != month {
		t.Fatalf("table of %s %s", table.Region, table.Month)
	}
	if r, ok := table.row("orders.count"); !ok || r.Value != 1 || r.Unit != "count" || r.Label != "服务订单数" {
		t.Fatalf("orders.count: %+v (present %v)", r, ok)
	}
	if r, _ := table.row("orders.byServiceType"); len(r.Breakdown) != 1 || r.Breakdown[0].Key != "bathing" ||
		r.Breakdown[0].Label != "助浴" || r.Breakdown[0].Value != 1 {
		t.Fatalf("by service type: %+v", r.Breakdown)
	}
	if r, ok := table.row("orders.completionRate"); !ok || r.Value != 0 || r.Basis == nil || *r.Basis != 1 {
		t.Fatalf("completion rate: %+v (present %v)", r, ok)
	}
	for _, key := range []string{"orders.medianResponseSeconds", "orders.onTimeCheckInRate", "complaints.medianResponseSeconds"} {
		if _, ok := table.row(key); ok {
			t.Errorf("%s is present without a basis", key)
		}
	}
	if r, ok := table.row("complaints.count"); !ok || r.Value != 0 {
		t.Errorf("complaints.count: %+v (present %v): kincare keeps complaints, so none is 0", r, ok)
	}
	en := read(xuhui, "region=310104", "Accept-Language", "en")
	if r, _ := en.row("orders.count"); r.Label != "Orders placed" || en.Month != month {
		t.Errorf("in English: %q for %s", r.Label, en.Month)
	}
	// The platform reads Changning, where nothing was ordered.
	other := read(admin, "region=310105&month="+month)
	if r, _ := other.row("orders.count"); r.Value != 0 {
		t.Errorf("Changning's orders: %v", r.Value)
	}
	if _, ok := other.row("orders.completionRate"); ok {
		t.Error("Changning has a completion rate of no orders")
	}

	trend := must[indicatorTrend](t, xuhui.get(t, "/v1/regulator/indicators/trend?region=310104"), http.StatusOK)
	if len(trend.Months) != 12 || trend.To != month || trend.Months[11] != month || trend.From != trend.Months[0] {
		t.Fatalf("trend months %v (%s..%s)", trend.Months, trend.From, trend.To)
	}
	found := false
	for _, s := range trend.Series {
		if s.Key == "orders.medianResponseSeconds" {
			t.Errorf("a series without any point: %+v", s)
		}
		if s.Key == "orders.count" {
			last := s.Points[len(s.Points)-1]
			found = len(s.Points) == 12 && last.Month == month && last.Value == 1
		}
	}
	if !found {
		t.Errorf("orders.count's series: %+v", trend.Series)
	}

	// Rebuilt from the collections, the table is the same.
	wantStatus(t, xuhui.post(t, "/v1/regulator/indicators/rebuild", nil), http.StatusForbidden)
	rebuilt := must[struct {
		Facts int `json:"facts"`
	}](t, admin.post(t, "/v1/regulator/indicators/rebuild", nil), http.StatusOK)
	if rebuilt.Facts < 1 {
		t.Errorf("rebuild wrote %d facts", rebuilt.Facts)
	}
	if again := read(xuhui, "region=310104&month="+month); !equalTables(again, table) {
		t.Errorf("after a rebuild:\n%+v\nbefore:\n%+v", again, table)
	}

	// Exports: the same table, twice the same bytes, Chinese headings
	// (English with lang=en), scoped as the reads are.
	for _, format := range []string{"csv", "xlsx"} {
		for _, path := range []string{"/v1/regulator/indicators/export?region=310104&month=" + month,
			"/v1/regulator/indicators/trend/export?region=310104&month=" + month,
			"/v1/regulator/providers/export?region=310104", "/v1/regulator/complaints/export?month=" + month} {
			url := path + "&format=" + format
			first, second := xuhui.get(t, url), xuhui.get(t, url)
			wantStatus(t, first, http.StatusOK)
			if !bytes.Equal(first.body, second.body) || len(first.body) == 0 {
				t.Errorf("%s: two exports differ (%d and %d bytes)", url, len(first.body), len(second.body))
			}
			if cd := first.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "."+format) {
				t.Errorf("%s: Content-Disposition %q", url, cd)
			}
		}
	}
	csvText := string(xuhui.get(t, "/v1/regulator/indicators/export?region=310104&month="+month).body)
	if !strings.HasPrefix(csvText, "\uFEFF地区代码,月份,指标代码") || !strings.Contains(csvText, "310104,"+month+",orders.count,orders,服务订单数,,,1,数量,") ||
		!strings.Contains(csvText, "orders.byServiceType,orders,按服务类型的订单数,bathing,助浴,1,数量,") {
		t.Errorf("the indicator CSV:\n%s", csvText)
	}
	if en := string(xuhui.get(t, "/v1/regulator/indicators/export?region=310104&lang=en").body); !strings.Contains(en, "Region,Month,Key") {
		t.Errorf("the English CSV:\n%s", en)
	}
	// The trend: a column per month, this month last. Counts are 0 in
	// the months before; a rate without orders is an empty cell, never
	// 0; an indicator without any value has no row.
	trendCSV := string(xuhui.get(t, "/v1/regulator/indicators/trend/export?region=310104&month="+month).body)
	lines := strings.Split(strings.TrimSpace(trendCSV), "\n")
	completion := func(l string) bool {
		return strings.HasPrefix(l, "310104,orders.completionRate,orders,") && strings.HasSuffix(l, ",比例"+strings.Repeat(",", 12)+"0")
	}
	if !strings.HasPrefix(lines[0], "\uFEFF地区代码,指标代码,分组,指标,单位,") || !strings.HasSuffix(lines[0], ","+month) ||
		!slices.Contains(lines, "310104,orders.count,orders,服务订单数,数量,"+strings.Repeat("0,", 11)+"1") ||
		!slices.ContainsFunc(lines, completion) || strings.Contains(trendCSV, "orders.medianResponseSeconds") {
		t.Errorf("the trend CSV:\n%s", trendCSV)
	}
	book, err := excelize.OpenReader(bytes.NewReader(xuhui.get(t,
		"/v1/regulator/providers/export?format=xlsx&region=310104").body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	rows, err := book.GetRows("机构名录")
	_ = book.Close()
	if err != nil || len(rows) != 2 || rows[0][0] != "机构编号" || rows[1][0] != prov.ID {
		t.Errorf("the providers workbook: %v %v", rows, err)
	}
	// Suzhou's regulator exports none of Xuhui's providers.
	if list := string(suzhou.get(t, "/v1/regulator/providers/export").body); strings.Contains(list, prov.ID) {
		t.Errorf("Suzhou's export lists Xuhui's provider:\n%s", list)
	}

	next := shanghaiToday().AddDate(0, 1, 0).Format("2006-01")
	for _, c := range []struct {
		who    *person
		query  string
		status int
		code   string
	}{
		{xuhui, "region=3101", http.StatusUnprocessableEntity, "region_code_invalid"},
		{xuhui, "region=31010a", http.StatusUnprocessableEntity, "region_code_invalid"},
		{xuhui, "region=", http.StatusUnprocessableEntity, "region_code_invalid"},
		{xuhui, "region=310104&month=" + next, http.StatusUnprocessableEntity, "month_in_future"},
		{xuhui, "region=310104&month=11-2026", http.StatusUnprocessableEntity, "month_invalid"}, // calendar-safe: malformed
		{xuhui, "region=310100", http.StatusForbidden, "region_not_supervised"},
		{suzhou, "region=310104", http.StatusForbidden, "region_not_supervised"},
		{daughter, "region=310104", http.StatusForbidden, "forbidden"},
		{owner, "region=310104", http.StatusForbidden, "forbidden"},
	} {
		for _, path := range []string{"/v1/regulator/indicators?", "/v1/regulator/indicators/trend?",
			"/v1/regulator/indicators/export?", "/v1/regulator/indicators/trend/export?"} {
			wantProblem(t, c.who.get(t, path+c.query), c.status, c.code)
		}
	}
	wantProblem(t, xuhui.get(t, "/v1/regulator/complaints/export?month="+next), http.StatusUnprocessableEntity, "month_in_future")
	wantProblem(t, daughter.get(t, "/v1/regulator/complaints/export"), http.StatusForbidden, "forbidden")
	wantProblem(t, owner.get(t, "/v1/regulator/providers/export"), http.StatusForbidden, "forbidden")
}

func equalTables(a, b indicatorTable) bool {
	if a.Region != b.Region || a.Month != b.Month || len(a.Indicators) != len(b.Indicators) {
		return false
	}
	for i := range a.Indicators {
		x, y := a.Indicators[i], b.Indicators[i]
		if x.Key != y.Key || x.Value != y.Value || (x.Basis == nil) != (y.Basis == nil) ||
			x.Basis != nil && *x.Basis != *y.Basis || len(x.Breakdown) != len(y.Breakdown) {
			return false
		}
	}
	return true
}

// TestARegulatorCountsCertifiedCaregiversPerElderlyResident: a Xuhui
// provider registers, is verified and hires a certified caregiver; its
// district's table counts the provider by kind, verification and
// credit, and the caregiver — per 10,000 residents aged 60+ only once
// Xuhui's regulator has entered the district's figure (absent before,
// not 0). Bad figures, other regions and other people are refused.
func TestARegulatorCountsCertifiedCaregiversPerElderlyResident(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	xuhui, suzhou := srv.signUp(t), srv.signUp(t)
	makeRegulator(t, admin, xuhui, "310104")
	makeRegulator(t, admin, suzhou, "320500")
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家养老服务中心"), home.offset(500, 500), 3, newPhone(), nil))
	admin.verify(t, prov.ID)
	owner.hireCaregiver(t, prov.ID, []string{"bathing"}, home, allDay())
	srv.settle(t)

	month := shanghaiToday().Format("2006-01")
	read := func() indicatorTable {
		t.Helper()
		return must[indicatorTable](t, xuhui.get(t, "/v1/regulator/indicators?region=310104&month="+month), http.StatusOK)
	}
	table := read()
	if r, ok := table.row("providers.count"); !ok || r.Value != 1 || r.Group != "providers" {
		t.Fatalf("providers.count: %+v (present %v)", r, ok)
	}
	if r, _ := table.row("providers.byVerification"); len(r.Breakdown) != 1 || r.Breakdown[0].Key != "verified" ||
		r.Breakdown[0].Label != "已认证" {
		t.Errorf("providers by verification: %+v", r.Breakdown)
	}
	if r, ok := table.row("caregivers.certified"); !ok || r.Value != 1 {
		t.Errorf("certified caregivers: %+v (present %v)", r, ok)
	}
	if r, ok := table.row("caregivers.per10kAged60"); ok {
		t.Errorf("a rate per resident before any figure: %+v", r)
	}

	lastYear := strconv.Itoa(shanghaiToday().Year() - 1)
	path := "/v1/regulator/regions/310104/residents/"
	got := must[struct {
		RegionCode string `json:"regionCode"`
		Figures    []struct {
			Year       int   `json:"year"`
			Aged60Plus int64 `json:"aged60Plus"`
		} `json:"figures"`
	}](t, xuhui.do(t, http.MethodPut, path+lastYear, map[string]int{"aged60Plus": 2000}), http.StatusOK)
	if got.RegionCode != "310104" || len(got.Figures) != 1 || got.Figures[0].Aged60Plus != 2000 {
		t.Fatalf("entered %+v", got)
	}
	r, ok := read().row("caregivers.per10kAged60")
	if !ok || r.Value != 5 || r.Basis == nil || *r.Basis != 2000 || r.Unit != "per_10000" {
		t.Errorf("per 10,000 residents aged 60+: %+v (present %v), want 5 of 2000", r, ok)
	}

	nextYear := strconv.Itoa(shanghaiToday().Year() + 1)
	for _, c := range []struct {
		who    *person
		path   string
		body   any
		status int
		code   string
	}{
		{xuhui, "/v1/regulator/regions/3101/residents/" + lastYear, map[string]int{"aged60Plus": 1}, http.StatusUnprocessableEntity, "region_code_invalid"},
		{xuhui, path + nextYear, map[string]int{"aged60Plus": 1}, http.StatusUnprocessableEntity, "year_in_future"},
		{xuhui, path + "20x5", map[string]int{"aged60Plus": 1}, http.StatusUnprocessableEntity, "residents_invalid"},
		{xuhui, path + lastYear, map[string]int{"aged60Plus": 0}, http.StatusUnprocessableEntity, "validation_failed"},
		{xuhui, "/v1/regulator/regions/310100/residents/" + lastYear, map[string]int{"aged60Plus": 1}, http.StatusForbidden, "region_not_supervised"},
		{suzhou, path + lastYear, map[string]int{"aged60Plus": 1}, http.StatusForbidden, "region_not_supervised"},
		{owner, path + lastYear, map[string]int{"aged60Plus": 1}, http.StatusForbidden, "forbidden"},
	} {
		wantProblem(t, c.who.do(t, http.MethodPut, c.path, c.body), c.status, c.code)
	}
	wantProblem(t, owner.get(t, "/v1/regulator/regions/310104/residents"), http.StatusForbidden, "forbidden")
}
