package e2e_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAnOfficialOpensTheConsole: a civil-affairs official of Shanghai
// opens /console/ in a browser and signs in with an SMS code. Before the
// platform grants them the regulator role the API refuses their calls
// (403) and the console says it is not for their account; once granted,
// they read Shanghai's indicators for the month (the orders and the
// complaint seeded below, in figures and charts), narrow them to Xuhui
// and to Changning, find their districts' providers, narrow them to
// Xuhui, open one, red-list it with a reason (which its credit history
// then shows), and decide a complaint a family escalated. The browser fetches nothing but the server's own
// files and API, and its scripts raise no error. The indicators and the
// register download as files, with the filters on the screen, and the
// trend and the officials' log from the exports page.
func TestAnOfficialOpensTheConsole(t *testing.T) {
	t.Parallel()
	chrome := findBrowser(t)
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national, "OUTBOX_POLL_INTERVAL", "50ms",
		"JOBS_POLL_INTERVAL", "50ms")})
	admin := srv.loginExisting(t, adminPhone)
	month := shanghaiToday().Format("2006-01")

	// Three providers of Shanghai: two in Xuhui (310104), one in
	// Changning (310105); the nursery's filing lapses in 20 days.
	home := point{lat: 31.1883, lng: 121.4365}
	owners := map[string]*person{}
	register := func(name, region, kind, validTo string) providerView {
		lic := map[string]string{"kind": kind, "number": "沪备字" + name[len(name)-6:] + "号"}
		if validTo != "" {
			lic["validTo"] = validTo
		}
		addr := address(home.lat, home.lng)
		addr["regionCode"] = region
		owner := srv.signUp(t)
		p := owner.register(t, providerBody(name, home, 5, newPhone(),
			map[string]any{"address": addr, "licences": []map[string]string{lic}, "openingHours": allDay()}))
		owners[p.ID] = owner
		return p
	}
	kangle := register(uniqueName("徐汇康乐居家养老服务中心"), "310104", "home_care", "")
	lapsing := shanghaiToday().AddDate(0, 0, 20).Format(time.DateOnly)
	nursery := register(uniqueName("徐汇小橡树托育园"), "310104", "childcare_institution", lapsing)
	yiyang := register(uniqueName("长宁颐养居家服务社"), "310105", "home_care", "")
	admin.verify(t, kangle.ID)
	admin.verify(t, yiyang.ID)

	// A daughter orders two baths from the Xuhui centre and a cleaning
	// from the Changning one for her mother this month.
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	// The three visits start 0, 3 and 6 hours apart and last 45 minutes:
	// the whole span must fit in one Shanghai day, or the last one would
	// run past the centres' 23:59 close (soonWindow moves a span that
	// would cross midnight to the next day).
	start, _ := soonWindow(6*time.Hour + 45*time.Minute)
	end := start.Add(45 * time.Minute)
	order := func(prov providerView, item itemView, later time.Duration) {
		window := map[string]string{"start": start.Add(later).Format(time.RFC3339), "end": end.Add(later).Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": item.ID, "window": window}), http.StatusOK)
		must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": item.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	}
	bath := owners[kangle.ID].addItem(t, kangle.ID, itemBody("bathing", 15000, 12000))
	cleaning := owners[yiyang.ID].addItem(t, yiyang.ID, itemBody("cleaning", 8000, 6000))
	order(kangle, bath, 0)
	order(kangle, bath, 3*time.Hour)
	order(yiyang, cleaning, 6*time.Hour)

	// She also complains about the Xuhui centre; its answer does not
	// satisfy her and she takes it to the regulator.
	filed := must[complaintView](t, daughter.post(t, "/v1/complaints", map[string]any{
		"subject": map[string]string{"kind": "provider", "id": kangle.ID}, "familyId": fam.ID, "category": "staff_conduct",
		"text": "护理员态度恶劣，多次催促老人。", "desiredResolution": "investigation"}, "Idempotency-Key", randomID()), http.StatusCreated)
	complaintPath := "/v1/complaints/" + filed.ID
	wantStatus(t, owners[kangle.ID].post(t, complaintPath+"/response", map[string]string{"text": "已批评教育。"}), http.StatusOK)
	wantStatus(t, daughter.post(t, complaintPath+"/escalate", map[string]string{"reason": "回复敷衍。"}), http.StatusOK)
	// The Xuhui centre's nurse holds a certificate that lapses in 10 days.
	nurseCert := certificateView{Kind: "nurse", Number: uniqueName("沪护"), Issuer: "上海市卫健委",
		ExpiresOn: shanghaiToday().AddDate(0, 0, 10).Format(time.DateOnly)}
	nurse := owners[kangle.ID].hireCertified(t, kangle.ID, nurseCert)
	// The indicators' read model follows the relay: let it catch up.
	srv.settle(t)

	tb := openTab(t, chrome, srv)
	official := newPhone()
	tb.run(t, "open the console", chromedp.Navigate(srv.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#phone")))
	if got := tb.text(t, "form#signin button[type=submit]"); got != "登录" {
		t.Errorf("the sign-in button says %q, want Chinese first (登录)", got)
	}
	tb.run(t, "ask for a code", chromedp.SendKeys(chromedp.CSS("#phone"), official.national),
		chromedp.Click(chromedp.CSS("#send-code")), chromedp.WaitVisible(chromedp.CSS("#code-sent")))
	code := srv.sms.lastCode(t, official.e164)
	tb.run(t, "sign in before being a regulator", chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS(`#refused[data-status="403"][data-code="forbidden"]`)))
	if got := tb.text(t, "#refused h2"); !strings.Contains(got, "不适用于您的账号") {
		t.Errorf("a family account is told %q, want that the console is not for it", got)
	}

	// The console's refusal is the API's: the same token is refused by
	// every regulator operation the console calls.
	access := value(t, tb, "the console's token",
		chromedp.Evaluate[string](`JSON.parse(sessionStorage.getItem("kincare.console.session")).access`))
	for _, path := range []string{"/v1/regulator/providers?limit=1", "/v1/regulator/complaints", "/v1/regulator/audit-log"} {
		wantProblem(t, srv.get(t, path, bearer(access)...), http.StatusForbidden, "forbidden")
	}
	wantProblem(t, srv.put(t, "/v1/providers/"+kangle.ID+"/credit", map[string]string{"status": "red_listed"}, bearer(access)...),
		http.StatusForbidden, "forbidden")

	// The platform makes them Shanghai's regulator; the page checks again.
	makeRegulator(t, admin, &person{srv: srv, id: srv.me(t, access).ID}, "310000")
	tb.run(t, "check again once granted: the dashboard",
		chromedp.Click(chromedp.CSS("#retry")),
		chromedp.WaitVisible(chromedp.CSS(`#content[data-page="dashboard"] #indicators`)))

	// Shanghai's month (the month is named: the seeding and the page
	// could straddle midnight at a month's end).
	kpi := func(key string) string {
		t.Helper()
		return value(t, tb, "the figure "+key, chromedp.Evaluate[string](
			`(document.querySelector('[data-kpi="`+key+`"]') || {dataset: {value: "absent"}}).dataset.value`))
	}
	series := func(id string) string {
		t.Helper()
		return value(t, tb, "the chart "+id, chromedp.Evaluate[string](
			`(document.getElementById("`+id+`") || {dataset: {series: "absent"}}).dataset.series`))
	}
	tb.run(t, "Shanghai's indicators",
		chromedp.Navigate(srv.base+"/console/#/dashboard?region=31&month="+month),
		chromedp.WaitVisible(chromedp.CSS(`#indicator-scope[data-region="310000"][data-month="`+month+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#indicators[data-rendered]`)))
	for key, want := range map[string]string{"orders.count": "3", "complaints.count": "1", "complaints.escalated": "1",
		"orders.completionRate": "0", "orders.medianResponseSeconds": "absent"} {
		if got := kpi(key); got != want {
			t.Errorf("Shanghai's %s on the dashboard: %s, want %s", key, got, want)
		}
	}
	if got := series("chart-orders-byServiceType"); got != "助浴: 2; 助洁: 1" {
		t.Errorf("Shanghai's orders by service type, as charted: %q", got)
	}
	if got := series("chart-trend-counts"); !strings.Contains(got, month+"=3") {
		t.Errorf("the trend of counts does not end with this month's 3 orders: %q", got)
	}
	if got := value(t, tb, "the chart's canvas", chromedp.Evaluate[int](
		`document.querySelectorAll("#chart-orders-byServiceType canvas").length`)); got < 1 {
		t.Errorf("the chart of orders by service type drew no canvas")
	}
	tb.screenshot(t, "console-dashboard.png")
	tb.run(t, "narrowed to Xuhui",
		chromedp.SetValue(chromedp.CSS("#region"), "310104"), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#indicator-scope[data-region="310104"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#indicators[data-rendered]`)))
	if got, cmp := kpi("orders.count"), kpi("complaints.count"); got != "2" || cmp != "1" {
		t.Errorf("Xuhui's orders and complaints on the dashboard: %s and %s, want 2 and 1", got, cmp)
	}
	if got := series("chart-orders-byServiceType"); got != "助浴: 2" {
		t.Errorf("Xuhui's orders by service type, as charted: %q", got)
	}
	tb.run(t, "Xuhui's indicators as a spreadsheet", chromedp.Click(chromedp.CSS("#export-indicators-xlsx")))
	if name, body := tb.waitDownload(t); !strings.HasSuffix(name, ".xlsx") || !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("the indicators' export downloaded %q (%d bytes, starting %q), want an XLSX", name, len(body), body[:min(4, len(body))])
	}
	// Xuhui's residents aged 60+ are not entered yet: no rate per 10,000.
	// The official enters them on the dashboard and the rate appears.
	tb.run(t, "Xuhui's residents, none yet", chromedp.WaitVisible(chromedp.CSS("#residents-none")))
	if got, n := kpi("caregivers.per10kAged60"), kpi("caregivers.certified"); got != "absent" || n != "1" {
		t.Errorf("Xuhui's certified caregivers before the figure: %s per 10,000 of %s, want absent of 1", got, n)
	}
	tb.run(t, "enter Xuhui's residents aged 60+",
		chromedp.SetValue(chromedp.CSS("#residents-count"), "20000"), chromedp.Click(chromedp.CSS("#residents-save")),
		chromedp.WaitVisible(chromedp.CSS(`#residents-figures li[data-aged60-plus="20000"]`)))
	if got := kpi("caregivers.per10kAged60"); got != "0.5" {
		t.Errorf("Xuhui's certified caregivers per 10,000 residents aged 60+ after the figure: %s, want 0.5", got)
	}
	tb.run(t, "and to Changning",
		chromedp.SetValue(chromedp.CSS("#region"), "310105"), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#indicator-scope[data-region="310105"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#indicators[data-rendered]`)))
	if got, cmp := kpi("orders.count"), kpi("complaints.count"); got != "1" || cmp != "0" {
		t.Errorf("Changning's orders and complaints on the dashboard: %s and %s, want 1 and 0", got, cmp)
	}

	tb.run(t, "the register of Shanghai's providers",
		chromedp.Click(chromedp.CSS(`a[data-nav="providers"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-loaded="true"]`)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("region").value = ""`), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-count="3"]`)))
	tb.run(t, "narrowed to Xuhui",
		chromedp.SetValue(chromedp.CSS("#region"), "310104"), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-count="2"]`)))
	shown := value(t, tb, "the rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#providers tbody tr")].map(r => r.dataset.id)`))
	slices.Sort(shown)
	want := []string{kangle.ID, nursery.ID}
	slices.Sort(want)
	if !slices.Equal(shown, want) {
		t.Errorf("Xuhui's providers in the console: %v, want %v", shown, want)
	}
	tb.run(t, "Xuhui's register as CSV", chromedp.Click(chromedp.CSS("#export-providers-csv")))
	name, csv := tb.waitDownload(t)
	if !strings.HasSuffix(name, ".csv") || !strings.Contains(string(csv), kangle.LegalName) ||
		!strings.Contains(string(csv), nursery.LegalName) || strings.Contains(string(csv), yiyang.LegalName) {
		t.Errorf("the register's export %q, want Xuhui's two providers and not Changning's:\n%s", name, csv)
	}
	tb.run(t, "licences lapsing within 30 days",
		chromedp.Click(chromedp.CSS("#lapsing")), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-count="1"] tr[data-id="`+nursery.ID+`"]`)))
	// Two baths and one complaint: the Xuhui centre's rate is 50 per 100.
	tb.run(t, "the providers complained about most",
		chromedp.Click(chromedp.CSS("#lapsing")), chromedp.SetValue(chromedp.CSS("#complaint-rate"), "50"),
		chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-count="1"] tr[data-id="`+kangle.ID+`"] td[data-rate="50"]`)))

	// The expiry list: the nursery's filing (20 days) and the nurse's
	// certificate (10 days), soonest first within each provider; nothing
	// within 5 days; the list as a file.
	tb.run(t, "the licences and certificates about to lapse",
		chromedp.Click(chromedp.CSS(`a[data-nav="expiries"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#expiries[data-count="2"]`)))
	rows := value(t, tb, "the expiry rows", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#expiries tbody tr")].map(r => r.dataset.provider + " " + r.dataset.what + " " + r.dataset.lapsed)`))
	slices.Sort(rows)
	wantRows := []string{kangle.ID + " certificate false", nursery.ID + " licence false"}
	slices.Sort(wantRows)
	if !slices.Equal(rows, wantRows) {
		t.Errorf("the expiry list in the console: %v, want %v", rows, wantRows)
	}
	if got := tb.text(t, "#expiries tbody"); !strings.Contains(got, "护士执业证书") || !strings.Contains(got, nurse.id) ||
		!strings.Contains(got, "托育机构") {
		t.Errorf("the expiry list reads %q, want the nurse's certificate and the nursery's filing in Chinese", got)
	}
	tb.screenshot(t, "console-expiries.png")
	tb.run(t, "the expiry list as CSV", chromedp.Click(chromedp.CSS("#export-expiries-csv")))
	if name, body := tb.waitDownload(t); !strings.HasSuffix(name, ".csv") || !strings.Contains(string(body), "机构编号,机构名称") ||
		!strings.Contains(string(body), nurseCert.Number) || !strings.Contains(string(body), nursery.LegalName) {
		t.Errorf("the expiry list's export %q:\n%s", name, body)
	}
	tb.run(t, "nothing lapses within 5 days",
		chromedp.SetValue(chromedp.CSS("#within-days"), "5"), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#expiries[data-count="0"]`)))

	tb.run(t, "a provider's record",
		chromedp.Navigate(srv.base+"/console/#/providers/"+kangle.ID),
		chromedp.WaitVisible(chromedp.CSS(`#provider-credit[data-credit="normal"]`)))
	if got := tb.text(t, "#provider-name"); got != kangle.LegalName {
		t.Errorf("the record shows %q, want %q", got, kangle.LegalName)
	}
	tb.run(t, "red-list it",
		chromedp.SetValue(chromedp.CSS("#credit-status"), "red_listed"),
		chromedp.SendKeys(chromedp.CSS("#credit-reason"), "养老服务示范单位"),
		chromedp.Click(chromedp.CSS("#credit-save")),
		chromedp.WaitVisible(chromedp.CSS(`#provider-credit[data-credit="red_listed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#credit-changes[data-count="1"] tr[data-from="normal"][data-to="red_listed"]`)))
	if got := tb.text(t, "#credit-changes tbody"); !strings.Contains(got, "养老服务示范单位") || !strings.Contains(got, "红名单") {
		t.Errorf("the provider's credit history reads %q, want the red listing and its reason", got)
	}
	tb.screenshot(t, "console-provider.png")
	page := must[providerView](t, anonymous(srv).page(t, kangle.ID), http.StatusOK)
	if page.Credit != "red_listed" {
		t.Errorf("after the console's credit action the public page shows credit %q", page.Credit)
	}

	// An access token that no longer works (it lapses after 15 minutes)
	// is refreshed once with the refresh token, which rotates: the page
	// loads as before (and the spent refresh token is refused, below).
	session := func() (access, refresh string) {
		t.Helper()
		pair := value(t, tb, "the console's tokens", chromedp.Evaluate[[]string](
			`(s => [s.access, s.refresh])(JSON.parse(sessionStorage.getItem("kincare.console.session")))`))
		return pair[0], pair[1]
	}
	_, spent := session()
	tb.run(t, "a lapsed access token", chromedp.Evaluate[chromedp.Void](
		`(s => { s.access = "lapsed"; sessionStorage.setItem("kincare.console.session", JSON.stringify(s)); })`+
			`(JSON.parse(sessionStorage.getItem("kincare.console.session")))`))
	tb.run(t, "the credit lists", chromedp.Click(chromedp.CSS(`a[data-nav="credit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#red[data-count="1"] tr[data-id="`+kangle.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#black[data-loaded="true"]`)))
	if access, refresh := session(); access == "lapsed" || refresh == spent {
		t.Errorf("after a 401 the console did not refresh its tokens")
	} else {
		wantStatus(t, srv.get(t, "/v1/regulator/providers?limit=1", bearer(access)...), http.StatusOK)
	}

	tb.run(t, "the complaints that reached the regulator",
		chromedp.Click(chromedp.CSS(`a[data-nav="complaints"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#complaints[data-count="1"] tr[data-id="`+filed.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`#complaints tr[data-id="`+filed.ID+`"] td`)),
		chromedp.WaitVisible(chromedp.CSS(`#complaint-state[data-status="escalated"]`)))
	tb.run(t, "a finding on it",
		chromedp.SetValue(chromedp.CSS("#outcome"), "upheld"),
		chromedp.SendKeys(chromedp.CSS("#finding"), "投诉属实，责令整改。"),
		chromedp.Click(chromedp.CSS("#decide")),
		chromedp.WaitVisible(chromedp.CSS(`#complaint-state[data-status="decided"]`)))
	tb.screenshot(t, "console-complaint.png")
	if got := must[complaintView](t, daughter.get(t, complaintPath), http.StatusOK); got.Status != "decided" {
		t.Errorf("after the console's finding the family sees the complaint %s", got.Status)
	}

	// The exports page: Xuhui's 12-month trend and the officials' log
	// download as files too.
	tb.run(t, "Xuhui's trend as CSV",
		chromedp.Navigate(srv.base+"/console/#/exports?region=310104&month="+month),
		chromedp.WaitVisible(chromedp.CSS("#export-trend-csv")), chromedp.Click(chromedp.CSS("#export-trend-csv")))
	if name, body := tb.waitDownload(t); !strings.HasSuffix(name, ".csv") || !strings.Contains(string(body), "310104,orders.count,") ||
		!strings.HasSuffix(strings.SplitN(string(body), "\n", 2)[0], ","+month) {
		t.Errorf("the trend's export %q:\n%s", name, body)
	}
	tb.run(t, "the officials' log as XLSX", chromedp.Click(chromedp.CSS("#export-audit-log-xlsx")))
	if name, body := tb.waitDownload(t); !strings.HasSuffix(name, ".xlsx") || !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("the log's export downloaded %q (%d bytes), want an XLSX", name, len(body))
	}

	tb.run(t, "switch to English", chromedp.Click(chromedp.CSS("#lang")),
		chromedp.WaitVisible(chromedp.CSS(`a[data-nav="providers"]`)))
	if got := tb.text(t, `a[data-nav="providers"]`); got != "Providers" {
		t.Errorf("after the switch the menu says %q, want Providers", got)
	}

	violations := value(t, tb, "policy violations", chromedp.Evaluate[string](`document.body.dataset.cspViolations || ""`))
	if violations != "" {
		t.Errorf("the page broke its Content-Security-Policy %s times", violations)
	}
	if foreign := tb.foreignRequests(); len(foreign) > 0 {
		t.Errorf("the console asked for something not in the binary: %q", foreign)
	}
	if errs := tb.scriptErrors(); len(errs) > 0 {
		t.Errorf("the console's scripts failed: %q", errs)
	}
	// Last, as it ends the console's session: the refresh token the
	// console spent is spent.
	wantProblem(t, srv.refresh(t, spent), http.StatusUnauthorized, "refresh_token_reused")
}
