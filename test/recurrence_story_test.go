package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type recurringOrderView struct {
	ID           string   `json:"id"`
	Status       string   `json:"status"`
	CreatedBy    string   `json:"createdBy"`
	PriceVersion int      `json:"priceVersion"`
	Skips        []string `json:"skips"`
	SplitFrom    string   `json:"splitFrom"`
	Schedule     struct {
		Weekdays []string `json:"weekdays"`
		TimeZone string   `json:"timeZone"`
	} `json:"schedule"`
}

type occurrenceView struct {
	RecurringOrderID string    `json:"recurringOrderId"`
	Date             string    `json:"date"`
	Start            time.Time `json:"start"`
	State            string    `json:"state"`
	OrderID          string    `json:"orderId"`
	Reason           string    `json:"reason"`
}

func occurrencesOf(t *testing.T, p *person, elderID string) map[string]occurrenceView {
	t.Helper()
	got := must[struct{ Items []occurrenceView }](t, p.get(t, "/v1/elders/"+elderID+"/recurring-occurrences?days=7"),
		http.StatusOK)
	out := map[string]occurrenceView{}
	for _, o := range got.Items {
		out[o.Date] = o
	}
	return out
}

// TestDaughterSetsWeeklyBathingForHerFather: she asks for a bath every
// week on two days at 10:00 in Shanghai; the orders of the coming week
// appear at once, ordered by her at the quoted price. She skips one and
// its order is cancelled. She pauses the rule while he is away; the
// provider raises its price; when she resumes, the occurrence cannot be
// ordered at the old price: it is skipped, the rule goes on, and her
// phone is told. She confirms the new price for this and future visits,
// and the order appears. Nobody outside her family sees any of it, and
// bad rules are refused with their codes.
func TestDaughterSetsWeeklyBathingForHerFather(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startOrderServer(t, fcm)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))

	daughter := srv.signUp(t)
	phone := daughter.addDevice(t, "ios")
	fam := daughter.createFamily(t, uniqueName("张家"))
	father := daughter.addElder(t, fam.ID, elderBody("张建国", map[string]any{"address": address(home.lat, home.lng)}))

	// The two days: tomorrow and the day after next in Shanghai; both
	// fall inside the week ahead once, their next weeks' do not.
	loc, _ := time.LoadLocation("Asia/Shanghai")
	today := time.Now().In(loc)
	at10 := func(days int) time.Time {
		d := today.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc)
	}
	first, second := at10(1), at10(3)
	dayName := func(t time.Time) string { return strings.ToLower(t.Weekday().String()) }
	quote := func() quoteView {
		return must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": father.ID,
			"providerId": prov.ID, "itemId": bath.ID, "window": map[string]string{"start": first.Format(time.RFC3339),
				"end": first.Add(time.Hour).Format(time.RFC3339)}}), http.StatusOK)
	}
	q := quote()
	schedule := map[string]any{"frequency": "weekly", "weekdays": []string{dayName(first), dayName(second)},
		"startsOn": first.Format(time.DateOnly), "at": "10:00", "durationMinutes": 60}
	body := map[string]any{"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion,
		"notes": "爸爸怕冷，水温高一点", "schedule": schedule}
	rules := "/v1/elders/" + father.ID + "/recurring-orders"
	rule := must[recurringOrderView](t, daughter.post(t, rules, body, "Idempotency-Key", randomID()),
		http.StatusCreated)
	if rule.Status != "active" || rule.CreatedBy != daughter.id || rule.Schedule.TimeZone != "Asia/Shanghai" {
		t.Fatalf("rule %s", compactJSON(rule))
	}
	rulePath := "/v1/recurring-orders/" + rule.ID

	// The week's two orders are there, hers, at 10:00 in Shanghai.
	occ := occurrencesOf(t, daughter, father.ID)
	for _, start := range []time.Time{first, second} {
		o, ok := occ[start.Format(time.DateOnly)]
		if !ok || o.State != "ordered" || o.OrderID == "" || !o.Start.Equal(start) {
			t.Fatalf("occurrence on %s: %s", start.Format(time.DateOnly), compactJSON(occ))
		}
		ord := must[orderView](t, daughter.get(t, "/v1/orders/"+o.OrderID), http.StatusOK)
		if ord.Status != "created" || ord.OrderedBy != daughter.id || !ord.Window.Start.Equal(start) ||
			ord.ElderID != father.ID || ord.Pricing.DueFen != q.DueFen {
			t.Fatalf("order %s", compactJSON(ord))
		}
	}
	if len(occ) != 2 {
		t.Fatalf("occurrences %s, want two", compactJSON(occ))
	}

	t.Run("bad rules and strangers are refused", func(t *testing.T) {
		bad := func(change func(map[string]any)) *response {
			s := map[string]any{}
			for k, v := range schedule {
				s[k] = v
			}
			change(s)
			b := map[string]any{"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion, "schedule": s}
			return daughter.post(t, rules, b, "Idempotency-Key", randomID())
		}
		wantProblem(t, bad(func(s map[string]any) { s["weekdays"] = []string{} }), http.StatusUnprocessableEntity,
			"recurrence_no_days")
		wantProblem(t, bad(func(s map[string]any) { s["endsOn"] = today.AddDate(0, 0, -1).Format(time.DateOnly) }),
			http.StatusUnprocessableEntity, "recurrence_end_before_start")
		wantProblem(t, daughter.post(t, rulePath+"/skip", map[string]string{"date": first.AddDate(0, 0, 1).Format(time.DateOnly)}),
			http.StatusUnprocessableEntity, "occurrence_not_in_rule")
		other := srv.signUp(t)
		other.createFamily(t, uniqueName("李家"))
		wantProblem(t, other.post(t, rules, body, "Idempotency-Key", randomID()), http.StatusNotFound, "elder_not_found")
		wantProblem(t, other.get(t, rulePath), http.StatusNotFound, "recurring_order_not_found")
		wantProblem(t, other.post(t, rulePath+"/pause", nil), http.StatusNotFound, "recurring_order_not_found")
		wantProblem(t, other.get(t, "/v1/elders/"+father.ID+"/recurring-occurrences"), http.StatusNotFound,
			"elder_not_found")
	})

	// She skips the second day: its order is cancelled, the first stays.
	secondOrder := occ[second.Format(time.DateOnly)].OrderID
	skipped := must[recurringOrderView](t, daughter.post(t, rulePath+"/skip",
		map[string]string{"date": second.Format(time.DateOnly)}), http.StatusOK)
	if len(skipped.Skips) != 1 || skipped.Skips[0] != second.Format(time.DateOnly) {
		t.Fatalf("after the skip %s", compactJSON(skipped))
	}
	if o := must[orderView](t, daughter.get(t, "/v1/orders/"+secondOrder), http.StatusOK); o.Status != "cancelled_by_family" {
		t.Fatalf("the skipped day's order is %s", o.Status)
	}
	if occ := occurrencesOf(t, daughter, father.ID); occ[second.Format(time.DateOnly)].State != "skipped" ||
		occ[first.Format(time.DateOnly)].State != "ordered" {
		t.Fatalf("after the skip %s", compactJSON(occ))
	}

	// Paused while he is away; the provider raises its price meanwhile.
	must[recurringOrderView](t, daughter.post(t, rulePath+"/pause", nil), http.StatusOK)
	wantStatus(t, owner.patchItem(t, prov.ID, bath.ID, map[string]any{"price": map[string]any{"marketFen": 16000,
		"inclusiveFen": 12800}}), http.StatusOK)
	wantProblem(t, daughter.post(t, rulePath+"/pause", nil), http.StatusConflict, "recurring_order_status")

	// Resumed: the first day cannot be ordered at the old price. It is
	// skipped, the rule stays active, and she hears of it.
	resumed := must[recurringOrderView](t, daughter.post(t, rulePath+"/resume", nil), http.StatusOK)
	if resumed.Status != "active" {
		t.Fatalf("resumed %s", compactJSON(resumed))
	}
	o := occurrencesOf(t, daughter, father.ID)[first.Format(time.DateOnly)]
	if o.State != "not_ordered" || o.Reason != "price_changed" || o.OrderID != "" {
		t.Fatalf("the first day after the price rose: %s", compactJSON(o))
	}
	n := daughter.waitNotification(t, "recurrence.occurrence_skipped")
	if !strings.Contains(n.Body, first.Format("2006-01-02 15:04")) {
		t.Errorf("notification %s does not name the visit", compactJSON(n))
	}
	pushes := waitPushes(t, fcm, phone, 1)
	found := false
	for _, p := range pushes {
		found = found || p.Data["type"] == "recurrence.occurrence_skipped"
	}
	if !found {
		t.Errorf("pushes %s", describePushes(pushes))
	}

	// She takes the new price for this and future visits.
	q2 := quote()
	next := must[recurringOrderView](t, daughter.post(t, rulePath+"/split", map[string]any{
		"from": first.Format(time.DateOnly), "priceVersion": q2.PriceVersion}, "Idempotency-Key", randomID()),
		http.StatusCreated)
	if next.SplitFrom != rule.ID || next.PriceVersion != q2.PriceVersion || next.Status != "active" {
		t.Fatalf("the rule after the change %s", compactJSON(next))
	}
	if old := must[recurringOrderView](t, daughter.get(t, rulePath), http.StatusOK); old.Status != "ended" {
		t.Fatalf("the old rule is %s", old.Status)
	}
	after := occurrencesOf(t, daughter, father.ID)[first.Format(time.DateOnly)]
	if after.State != "ordered" || after.RecurringOrderID != next.ID {
		t.Fatalf("the first day after the change: %s", compactJSON(after))
	}
	list := must[struct{ Items []recurringOrderView }](t, daughter.get(t, rules), http.StatusOK)
	if len(list.Items) != 2 || list.Items[0].ID != next.ID {
		t.Fatalf("her rules %s", compactJSON(list))
	}

	// He moves into a care home: she ends the rule, and the visit it
	// ordered is called off.
	ended := must[recurringOrderView](t, daughter.post(t, "/v1/recurring-orders/"+next.ID+"/end", nil), http.StatusOK)
	if ended.Status != "ended" {
		t.Fatalf("ended %s", compactJSON(ended))
	}
	if o := must[orderView](t, daughter.get(t, "/v1/orders/"+after.OrderID), http.StatusOK); o.Status != "cancelled_by_family" {
		t.Fatalf("the ended rule's order is %s", o.Status)
	}
	if left := occurrencesOf(t, daughter, father.ID); len(left) != 0 {
		t.Fatalf("after the end %s", compactJSON(left))
	}
	wantProblem(t, daughter.post(t, "/v1/recurring-orders/"+next.ID+"/resume", nil), http.StatusConflict,
		"recurring_order_status")
}

// TestARecurringBathPastTheAllowanceIsSkippedAndTold: the father's ¥80
// monthly bathing subsidy pays part of one bath a month. His daughter
// sets two baths this week, in one month, accepting the first visit's
// price with the subsidy; the first is ordered with it, the second would
// cost her the full price: it is skipped, and she hears why.
func TestARecurringBathPastTheAllowanceIsSkippedAndTold(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startOrderServer(t, fcm)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("赵家"))
	father := daughter.addElder(t, fam.ID, elderBody("赵德明", map[string]any{"address": address(home.lat, home.lng)}))
	wantStatus(t, platform.post(t, "/v1/elders/"+father.ID+"/allowances", map[string]any{"issuer": "上海市徐汇区民政局",
		"kind": "service_subsidy", "monthlyFen": 8000, "serviceTypes": []string{"bathing"},
		"validFrom": shanghaiToday().AddDate(-1, 0, 0).Format(time.DateOnly)}), http.StatusCreated)

	// Two days of the coming six in one month, at 10:00 in Shanghai.
	loc, _ := time.LoadLocation("Asia/Shanghai")
	today := time.Now().In(loc)
	var days []time.Time
	for i := 1; i <= 6 && len(days) < 2; i++ {
		d := today.AddDate(0, 0, i)
		at := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc)
		if len(days) == 1 && at.Month() != days[0].Month() {
			days = days[:0]
		}
		days = append(days, at)
	}
	first, second := days[0], days[1]
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": father.ID,
		"providerId": prov.ID, "itemId": bath.ID, "window": map[string]string{"start": first.Format(time.RFC3339),
			"end": first.Add(time.Hour).Format(time.RFC3339)}}), http.StatusOK)
	if q.AllowanceFen != 8000 || q.DueFen != 4000 {
		t.Fatalf("quote %s, want the subsidy to pay 8000 of 12000", compactJSON(q))
	}
	day := func(t time.Time) string { return strings.ToLower(t.Weekday().String()) }
	rule := must[recurringOrderView](t, daughter.post(t, "/v1/elders/"+father.ID+"/recurring-orders", map[string]any{
		"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion,
		"schedule": map[string]any{"frequency": "weekly", "weekdays": []string{day(first), day(second)},
			"startsOn": first.Format(time.DateOnly), "at": "10:00", "durationMinutes": 60}},
		"Idempotency-Key", randomID()), http.StatusCreated)

	occ := occurrencesOf(t, daughter, father.ID)
	ordered, refused := occ[first.Format(time.DateOnly)], occ[second.Format(time.DateOnly)]
	if ordered.State != "ordered" || ordered.RecurringOrderID != rule.ID {
		t.Fatalf("the first bath: %s", compactJSON(occ))
	}
	if o := must[orderView](t, daughter.get(t, "/v1/orders/"+ordered.OrderID), http.StatusOK); o.Pricing.AllowanceFen != 8000 ||
		o.Pricing.DueFen != 4000 {
		t.Fatalf("the first bath's order %s", compactJSON(o))
	}
	if refused.State != "not_ordered" || refused.Reason != "allowance_changed" {
		t.Fatalf("the second bath, past the month's subsidy: %s", compactJSON(refused))
	}
	n := daughter.waitNotification(t, "recurrence.occurrence_skipped")
	if !strings.Contains(n.Body, second.Format("2006-01-02 15:04")) {
		t.Errorf("notification %s does not name the second bath", compactJSON(n))
	}
	if r := must[recurringOrderView](t, daughter.get(t, "/v1/recurring-orders/"+rule.ID), http.StatusOK); r.Status != "active" {
		t.Fatalf("the rule stopped: %s", r.Status)
	}
}
