package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

type elderDayView struct {
	Date      string `json:"date"`
	TimeZone  string `json:"timeZone"`
	ElderName string `json:"elderName"`
	Visits    []struct {
		OrderID          string `json:"orderId"`
		ServiceType      string `json:"serviceType"`
		Status           string `json:"status"`
		ProviderName     string `json:"providerName"`
		Coming           bool   `json:"coming"`
		AwaitingCode     bool   `json:"awaitingCode"`
		ConfirmedByElder bool   `json:"confirmedByElder"`
	} `json:"visits"`
	Meals []struct {
		ID     string   `json:"id"`
		Window string   `json:"window"`
		Status string   `json:"status"`
		Dishes []string `json:"dishes"`
	} `json:"meals"`
}

type elderAccountView struct {
	ElderID string `json:"elderId"`
	UserID  string `json:"userId"`
	Consent struct {
		Scope         string `json:"scope"`
		GrantedBy     string `json:"grantedBy"`
		PolicyVersion string `json:"policyVersion"`
		InForce       bool   `json:"inForce"`
	} `json:"consent"`
}

// linkElderAccount has owner invite the elder's own phone for elderID,
// and the elder, logged in by SMS code with it, accept with consent.
func linkElderAccount(t *testing.T, owner, elder *person, elderID string) elderAccountView {
	t.Helper()
	wantStatus(t, owner.post(t, "/v1/elders/"+elderID+"/account-invites",
		map[string]string{"phone": elder.phone.national}), http.StatusCreated)
	return must[elderAccountView](t, elder.post(t, "/v1/invites/"+elderInviteCode(t, elder, elderID)+"/accept-as-elder",
		map[string]string{"policyVersion": "2026-11"}), http.StatusOK)
}

// elderInviteCode is the code of the one invite for elderID's account in
// the elder's list of invites to their phone.
func elderInviteCode(t *testing.T, elder *person, elderID string) string {
	t.Helper()
	mine := must[struct {
		Items []struct {
			Code    string `json:"code"`
			Role    string `json:"role"`
			ElderID string `json:"elderId"`
		} `json:"items"`
	}](t, elder.get(t, "/v1/me/invites"), http.StatusOK)
	if len(mine.Items) != 1 || mine.Items[0].Role != "elder" || mine.Items[0].ElderID != elderID {
		t.Fatalf("the elder's invites: %s", compactJSON(mine))
	}
	return mine.Items[0].Code
}

// TestGrandmaConfirmsHerBathOnHerOwnPhone: Wang Xiulan has a phone of her
// own. Her daughter invites it; she logs in by SMS code and accepts,
// consenting, and the consent is in the family's records. On the day of
// her bath her phone shows her day — the bath, who comes, her lunch — and
// no price, nothing of her sister-in-law the family also cares for. The
// caregiver checks out and her phone shows a four-digit code; grandma
// types it (once wrongly), the order is marked confirmed by her, the
// daughter sees that, and the regulator's figures count it. Her account
// is refused everything else, and the abuse around it fails.
func TestGrandmaConfirmsHerBathOnHerOwnPhone(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 1)
	daughter := w.srv.signUp(t)
	fam := newMealFamily(t, daughter, w.platform, w.site)
	son := w.srv.signUp(t)
	son.join(t, daughter, fam.familyID, "member")
	aunt := daughter.addElder(t, fam.familyID, elderBody("王桂兰", map[string]any{"address": address(w.site.lat, w.site.lng)}))
	other := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)

	// The daughter invites grandma's phone; asking twice gives one invite.
	grandma := w.srv.signUp(t)
	first := must[inviteView](t, daughter.post(t, "/v1/elders/"+fam.elderID+"/account-invites",
		map[string]string{"phone": grandma.phone.national}), http.StatusCreated)
	again := must[inviteView](t, daughter.post(t, "/v1/elders/"+fam.elderID+"/account-invites",
		map[string]string{"phone": grandma.phone.national}), http.StatusOK)
	if again.ID != first.ID || first.Role != "elder" {
		t.Fatalf("invites: %s then %s", compactJSON(first), compactJSON(again))
	}
	// Not the son's to give (a member), nor anyone's for another family's elder.
	wantProblem(t, son.post(t, "/v1/elders/"+fam.elderID+"/account-invites",
		map[string]string{"phone": newPhone().national}), http.StatusForbidden, "family_owner_required")
	wantProblem(t, other.owner.post(t, "/v1/elders/"+fam.elderID+"/account-invites",
		map[string]string{"phone": newPhone().national}), http.StatusNotFound, "elder_not_found")
	// Nor can anyone else accept it, or grandma join the family with it.
	code := elderInviteCode(t, grandma, fam.elderID)
	wantProblem(t, son.post(t, "/v1/invites/"+code+"/accept-as-elder",
		map[string]string{"policyVersion": "2026-11"}), http.StatusNotFound, "invite_not_found")
	wantProblem(t, grandma.post(t, "/v1/invites/"+code+"/accept", nil), http.StatusNotFound, "invite_not_found")
	wantProblem(t, daughter.post(t, "/v1/families/"+fam.familyID+"/invites", map[string]string{"role": "elder"}),
		http.StatusUnprocessableEntity, "validation_failed")

	linked := must[elderAccountView](t, grandma.post(t, "/v1/invites/"+code+"/accept-as-elder",
		map[string]string{"policyVersion": "2026-11"}), http.StatusOK)
	if linked.ElderID != fam.elderID || linked.UserID != grandma.id || linked.Consent.Scope != "elder_account" ||
		linked.Consent.GrantedBy != grandma.id || !linked.Consent.InForce || linked.Consent.PolicyVersion != "2026-11" {
		t.Fatalf("linked: %s", compactJSON(linked))
	}
	consents := must[struct {
		Items []struct {
			Scope     string `json:"scope"`
			ElderID   string `json:"elderId"`
			GrantedBy string `json:"grantedBy"`
		} `json:"items"`
	}](t, son.get(t, "/v1/families/"+fam.familyID+"/consents"), http.StatusOK)
	found := false
	for _, c := range consents.Items {
		found = found || c.Scope == "elder_account" && c.ElderID == fam.elderID && c.GrantedBy == grandma.id
	}
	if !found {
		t.Fatalf("the family's consents lack grandma's: %s", compactJSON(consents))
	}
	// One account per elder: another phone is refused while she has hers.
	wantProblem(t, daughter.post(t, "/v1/elders/"+fam.elderID+"/account-invites",
		map[string]string{"phone": newPhone().national}), http.StatusConflict, "elder_account_linked")

	// A bath tomorrow at 10:00, and lunch tomorrow, for grandma; a bath
	// for her sister-in-law too.
	bathOwner := w.srv.signUp(t)
	prov := bathOwner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), w.site.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	w.platform.verify(t, prov.ID)
	bath := bathOwner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	carer := bathOwner.hireCaregiver(t, prov.ID, []string{"bathing"}, w.site.offset(300, 0), allDay())
	tomorrow := shanghaiToday().AddDate(0, 0, 1)
	order := func(elderID string, hour int) orderView {
		start := tomorrow.Add(time.Duration(hour-8) * time.Hour)
		window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": elderID, "providerId": prov.ID,
			"itemId": bath.ID, "window": window}), http.StatusOK)
		return must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": elderID, "providerId": prov.ID,
			"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window, "notes": "门禁密码 1234"},
			"Idempotency-Key", randomID()), http.StatusCreated)
	}
	o := order(fam.elderID, 10)
	order(aunt.ID, 14)
	wantStatus(t, daughter.orderMeal(t, mealOrderBody(fam.elderID, w.canteen.ID, w.day, map[string]any{"mode": "dine_in"}),
		randomID()), http.StatusCreated)
	path := "/v1/orders/" + o.ID
	wantStatus(t, bathOwner.post(t, path+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)

	// Tomorrow morning, grandma opens her phone.
	w.clk.moveTo(t, tomorrow.Add(-time.Hour)) // 07:00 in Shanghai
	r := grandma.get(t, "/v1/me/day")
	day := must[elderDayView](t, r, http.StatusOK)
	if day.Date != tomorrow.Format(time.DateOnly) || day.ElderName != "张桂芳" || len(day.Visits) != 1 ||
		day.Visits[0].OrderID != o.ID || day.Visits[0].Status != "accepted" || day.Visits[0].ServiceType != "bathing" ||
		day.Visits[0].ProviderName == "" || len(day.Meals) != 1 || day.Meals[0].Window != "lunch" || len(day.Meals[0].Dishes) == 0 {
		t.Fatalf("grandma's day: %s", r.body)
	}
	for _, secret := range []string{"Fen", "price", "1234", "王桂兰", aunt.ID, daughter.phone.national, son.id, other.elderID} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("grandma's day shows %q: %s", secret, r.body)
		}
	}

	// The caregiver sets off: grandma sees her coming, and her phone is
	// told — of that alone, not of the orders' other business.
	wantStatus(t, carer.post(t, path+"/start", nil), http.StatusOK)
	grandma.waitNotification(t, "order.en_route")
	for _, n := range grandma.inbox(t, "?limit=100").Items {
		if strings.HasPrefix(n.Type, "order.") && n.Type != "order.en_route" {
			t.Errorf("grandma's inbox holds %s", compactJSON(n))
		}
	}
	if d := must[elderDayView](t, grandma.get(t, "/v1/me/day"), http.StatusOK); !d.Visits[0].Coming {
		t.Errorf("on the way, grandma's day: %s", compactJSON(d))
	}
	at := map[string]any{"lat": w.site.lat, "lng": w.site.lng, "reason": "提前到达"}
	wantStatus(t, carer.post(t, path+"/check-in", at), http.StatusOK)
	wantStatus(t, carer.post(t, path+"/begin", nil), http.StatusOK)
	out := must[struct {
		Status    string `json:"status"`
		VisitCode string `json:"visitCode"`
	}](t, carer.post(t, path+"/check-out", at), http.StatusOK)
	if out.Status != "completed" || len(out.VisitCode) != 4 {
		t.Fatalf("check-out shows the caregiver %s", compactJSON(out))
	}
	if seen := must[struct {
		VisitCode string `json:"visitCode"`
	}](t, daughter.get(t, path), http.StatusOK); seen.VisitCode != "" {
		t.Errorf("the family is shown the visit code")
	}

	// Grandma mistypes once, then types the code.
	wrong := "0000"
	if out.VisitCode == wrong {
		wrong = "1111"
	}
	p := wantProblem(t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": wrong}),
		http.StatusUnprocessableEntity, "visit_code_wrong")
	if !strings.Contains(p.Detail, "4") {
		t.Errorf("a wrong code tells the tries left: %+v", p)
	}
	confirmed := must[struct {
		OrderID          string `json:"orderId"`
		Status           string `json:"status"`
		ConfirmedByElder bool   `json:"confirmedByElder"`
	}](t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": out.VisitCode}), http.StatusOK)
	if confirmed.Status != "confirmed" || !confirmed.ConfirmedByElder {
		t.Fatalf("grandma's confirmation: %s", compactJSON(confirmed))
	}
	seen := must[struct {
		Status            string `json:"status"`
		ElderConfirmation *struct {
			ConfirmedAt time.Time `json:"confirmedAt"`
		} `json:"elderConfirmation"`
	}](t, daughter.get(t, path), http.StatusOK)
	if seen.Status != "confirmed" || seen.ElderConfirmation == nil {
		t.Fatalf("the daughter sees %s", compactJSON(seen))
	}

	// The regulator's figures count it.
	reg := w.srv.signUp(t)
	makeRegulator(t, w.platform, reg, "310100")
	w.srv.settle(t)
	table := must[indicatorTable](t, reg.get(t, "/v1/regulator/indicators?region=310104&month="+
		shanghaiToday().Format("2006-01")), http.StatusOK)
	if r, ok := table.row("orders.elderConfirmedVisits"); !ok || r.Value != 1 {
		t.Errorf("orders.elderConfirmedVisits: %+v (present %v)", r, ok)
	}
	if r, ok := table.row("orders.elderConfirmedShare"); !ok || r.Value != 1 || r.Basis == nil || *r.Basis != 1 {
		t.Errorf("orders.elderConfirmedShare: %+v (present %v)", r, ok)
	}

	// Grandma presses SOS on her own phone; for her sister-in-law she cannot.
	wantStatus(t, grandma.post(t, "/v1/elders/"+fam.elderID+"/sos", map[string]string{"note": "头晕"}), http.StatusCreated)
	wantProblem(t, grandma.post(t, "/v1/elders/"+aunt.ID+"/sos", nil), http.StatusNotFound, "elder_not_found")

	// Everything else is not hers: objects are not found, functions forbidden.
	for _, path := range []string{"/v1/elders/" + aunt.ID, "/v1/elders/" + fam.elderID, "/v1/orders/" + o.ID,
		"/v1/families/" + fam.familyID, "/v1/elders/" + other.elderID, "/v1/families/" + other.familyID,
		"/v1/elders/" + aunt.ID + "/account"} {
		if got := grandma.get(t, path); got.status != http.StatusNotFound {
			t.Errorf("GET %s as grandma: %d, want 404", path, got.status)
		}
	}
	wantStatus(t, grandma.post(t, "/v1/families", map[string]string{"name": "孙家"}), http.StatusForbidden)
	wantProblem(t, daughter.get(t, "/v1/me/day"), http.StatusForbidden, "elder_account_required")

	// The daughter unlinks the account: grandma's phone is an ordinary
	// account again and sees nothing of the elder.
	wantStatus(t, daughter.del(t, "/v1/elders/"+fam.elderID+"/account"), http.StatusNoContent)
	wantProblem(t, grandma.get(t, "/v1/me/day"), http.StatusForbidden, "elder_account_required")
	wantProblem(t, daughter.get(t, "/v1/elders/"+fam.elderID+"/account"), http.StatusNotFound, "elder_account_not_found")
}

// TestWrongVisitCodesLockTheElderOut: five wrong codes lock the elder's
// confirmation of a visit (409), and the right code after them does not
// confirm it; the family still can.
func TestWrongVisitCodesLockTheElderOut(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	home := point{lat: 31.1883, lng: 121.4365}
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	grandma := srv.signUp(t)
	linkElderAccount(t, daughter, grandma, mother.ID)

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, home.offset(300, 0), allDay())
	start := shanghaiToday().AddDate(0, 0, 1).Add(2 * time.Hour)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	o := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)
	path := "/v1/orders/" + o.ID
	// Before check-out there is nothing to confirm.
	wantStatus(t, owner.post(t, path+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)
	wantProblem(t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": "1234"}),
		http.StatusConflict, "order_status_conflict")
	at := map[string]any{"lat": home.lat, "lng": home.lng, "reason": "提前到达"}
	for _, step := range []string{"start", "check-in", "begin"} {
		var body any
		if step == "check-in" {
			body = at
		}
		wantStatus(t, carer.post(t, path+"/"+step, body), http.StatusOK)
	}
	code := must[struct {
		VisitCode string `json:"visitCode"`
	}](t, carer.post(t, path+"/check-out", at), http.StatusOK).VisitCode
	wrong := "0000"
	if code == wrong {
		wrong = "1111"
	}
	for i := 1; i < 5; i++ {
		wantProblem(t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": wrong}),
			http.StatusUnprocessableEntity, "visit_code_wrong")
	}
	wantProblem(t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": wrong}),
		http.StatusConflict, "visit_code_locked")
	wantProblem(t, grandma.post(t, path+"/elder-confirmation", map[string]string{"code": code}),
		http.StatusConflict, "visit_code_locked")
	if got := must[orderView](t, daughter.get(t, path), http.StatusOK); got.Status != "completed" {
		t.Fatalf("after the lock: %s", compactJSON(got))
	}
	// A family member is no elder's account; the family confirms its way.
	wantProblem(t, daughter.post(t, path+"/elder-confirmation", map[string]string{"code": code}),
		http.StatusForbidden, "elder_account_required")
	wantStatus(t, daughter.post(t, path+"/confirm", nil), http.StatusOK)
}
