package e2e_test

import (
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
// they find their districts' providers, narrow them to Xuhui, open one,
// red-list it with a reason, and decide a complaint a family escalated. The browser fetches nothing but the
// server's own files and API, and its scripts raise no error.
func TestAnOfficialOpensTheConsole(t *testing.T) {
	t.Parallel()
	chrome := findBrowser(t)
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin

	// Three providers of Shanghai: two in Xuhui (310104), one in
	// Changning (310105); the nursery's filing lapses in 20 days.
	home := point{lat: 31.1883, lng: 121.4365}
	var kangleOwner *person
	register := func(name, region, kind, validTo string) providerView {
		lic := map[string]string{"kind": kind, "number": "沪备字" + name[len(name)-6:] + "号"}
		if validTo != "" {
			lic["validTo"] = validTo
		}
		addr := address(home.lat, home.lng)
		addr["regionCode"] = region
		owner := srv.signUp(t)
		if kangleOwner == nil {
			kangleOwner = owner
		}
		return owner.register(t, providerBody(name, home, 5, newPhone(),
			map[string]any{"address": addr, "licences": []map[string]string{lic}}))
	}
	kangle := register(uniqueName("徐汇康乐居家养老服务中心"), "310104", "home_care", "")
	admin.verify(t, kangle.ID)
	lapsing := shanghaiToday().AddDate(0, 0, 20).Format(time.DateOnly)
	nursery := register(uniqueName("徐汇小橡树托育园"), "310104", "childcare_institution", lapsing)
	register(uniqueName("长宁颐养助餐点"), "310105", "canteen", "")

	// A family complains about the home-care centre; its answer does not
	// satisfy them and they take it to the regulator.
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	filed := must[complaintView](t, daughter.post(t, "/v1/complaints", map[string]any{
		"subject": map[string]string{"kind": "provider", "id": kangle.ID}, "familyId": fam.ID, "category": "staff_conduct",
		"text": "护理员态度恶劣，多次催促老人。", "desiredResolution": "investigation"}, "Idempotency-Key", randomID()), http.StatusCreated)
	complaintPath := "/v1/complaints/" + filed.ID
	wantStatus(t, kangleOwner.post(t, complaintPath+"/response", map[string]string{"text": "已批评教育。"}), http.StatusOK)
	wantStatus(t, daughter.post(t, complaintPath+"/escalate", map[string]string{"reason": "回复敷衍。"}), http.StatusOK)

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
	tb.run(t, "check again once granted: the register of Shanghai's providers",
		chromedp.Click(chromedp.CSS("#retry")),
		chromedp.WaitVisible(chromedp.CSS(`#content[data-page="providers"] #providers[data-count="3"]`)))
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
	tb.run(t, "licences lapsing within 30 days",
		chromedp.Click(chromedp.CSS("#lapsing")), chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS(`#providers[data-count="1"] tr[data-id="`+nursery.ID+`"]`)))

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
		chromedp.WaitVisible(chromedp.CSS(`#provider-credit[data-credit="red_listed"]`)))
	tb.screenshot(t, "console-provider.png")
	page := must[providerView](t, anonymous(srv).page(t, kangle.ID), http.StatusOK)
	if page.Credit != "red_listed" {
		t.Errorf("after the console's credit action the public page shows credit %q", page.Credit)
	}

	tb.run(t, "the credit lists", chromedp.Click(chromedp.CSS(`a[data-nav="credit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#red[data-count="1"] tr[data-id="`+kangle.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#black[data-loaded="true"]`)))

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
}
