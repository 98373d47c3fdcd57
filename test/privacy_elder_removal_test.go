package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// familyActivity is a family in a data export, with what it booked and
// ordered.
type familyActivity struct {
	Family            familyView      `json:"family"`
	Bookings          []bookingView   `json:"bookings"`
	MealOrders        []mealOrderView `json:"mealOrders"`
	MealSubscriptions []struct {
		ID      string `json:"id"`
		ElderID string `json:"elderId"`
		Status  string `json:"status"`
	} `json:"mealSubscriptions"`
	RecurringOrders []recurringOrderView `json:"recurringOrders"`
}

// TestDaughterRemovesHerFatherAndNothingActsInHisNameAfter: the Zhangs'
// father eats at the canteen every day on a subscription, with a printed
// meal card, is bathed weekly on a recurring order, and has one more
// bath ordered by hand. His son's data
// export holds the family's meal order, its booking, the subscription and
// the recurring order — and nothing of the Lis next door, who order at
// the same canteen. The daughter (owner) removes the father: the
// subscription and the recurring order end, tomorrow's meal and both
// baths are cancelled (portion and subsidy returned), the card answers as
// a replaced one at the counter, and the generator's later runs order
// nothing for him, even for a day whose menu is published only now.
// The son's export still shows what the family had, ended and cancelled.
func TestDaughterRemovesHerFatherAndNothingActsInHisNameAfter(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 1, "RECURRENCE_INTERVAL", "1s")
	daughter := w.srv.signUp(t)
	zhang := newMealFamily(t, daughter, w.platform, w.site)
	son := w.srv.signUp(t)
	son.join(t, daughter, zhang.familyID, "member")
	li := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	liOrder := must[mealOrderView](t, li.owner.orderMeal(t, mealOrderBody(li.elderID, w.canteen.ID, w.day,
		map[string]any{"mode": "dine_in"}), randomID()), http.StatusCreated)

	// Every day for two weeks: tomorrow's menu is out, so it is ordered
	// at once; later days wait for their menus.
	sub := must[struct {
		ID string `json:"id"`
	}](t, daughter.post(t, "/v1/meal-subscriptions", map[string]any{"elderId": zhang.elderID, "providerId": w.canteen.ID,
		"window": "lunch", "weekdays": []int{0, 1, 2, 3, 4, 5, 6}, "startsOn": mealDay(1), "endsOn": mealDay(14),
		"mode": "dine_in"}, "Idempotency-Key", randomID()), http.StatusCreated)
	lunch := zhangLunches(t, w, mealDay(1), zhang.elderID)
	if len(lunch) != 1 || lunch[0].Status != "placed" {
		t.Fatalf("tomorrow's subscribed lunch: %s", compactJSON(lunch))
	}
	card := must[mealCardView](t, daughter.post(t, "/v1/elders/"+zhang.elderID+"/meal-card", map[string]string{"pin": "2468"},
		"Idempotency-Key", randomID()), http.StatusCreated)

	// A weekly bath tomorrow at 10:00 in Shanghai, ordered at once.
	bathOwner := w.srv.signUp(t)
	prov := bathOwner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), w.site.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	w.platform.verify(t, prov.ID)
	bath := bathOwner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(loc).AddDate(0, 0, 1)
	first := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc)
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": zhang.elderID, "providerId": prov.ID,
		"itemId": bath.ID, "window": map[string]string{"start": first.Format(time.RFC3339),
			"end": first.Add(time.Hour).Format(time.RFC3339)}}), http.StatusOK)
	rule := must[recurringOrderView](t, daughter.post(t, "/v1/elders/"+zhang.elderID+"/recurring-orders", map[string]any{
		"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion, "schedule": map[string]any{
			"frequency": "weekly", "weekdays": []string{strings.ToLower(first.Weekday().String())},
			"startsOn": first.Format(time.DateOnly), "at": "10:00", "durationMinutes": 60}},
		"Idempotency-Key", randomID()), http.StatusCreated)
	bathOrder := occurrencesOf(t, daughter, zhang.elderID)[first.Format(time.DateOnly)].OrderID
	if bathOrder == "" {
		t.Fatalf("tomorrow's bath was not ordered: %s", compactJSON(occurrencesOf(t, daughter, zhang.elderID)))
	}

	// And one bath ordered by hand, two days ahead.
	second := first.AddDate(0, 0, 1)
	window := map[string]string{"start": second.Format(time.RFC3339), "end": second.Add(time.Hour).Format(time.RFC3339)}
	q2 := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": zhang.elderID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	byHand := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": zhang.elderID, "providerId": prov.ID,
		"itemId": bath.ID, "priceVersion": q2.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)

	x := zhangExport(t, son, zhang.familyID, li, liOrder.ID)
	if len(x.MealOrders) != 1 || x.MealOrders[0].ID != lunch[0].ID || x.MealOrders[0].Status != "placed" ||
		len(x.Bookings) != 1 || x.Bookings[0].ID != lunch[0].ID || x.Bookings[0].FamilyID != zhang.familyID ||
		len(x.MealSubscriptions) != 1 || x.MealSubscriptions[0].ID != sub.ID || x.MealSubscriptions[0].Status != "active" ||
		len(x.RecurringOrders) != 1 || x.RecurringOrders[0].ID != rule.ID || x.RecurringOrders[0].Status != "active" {
		t.Fatalf("the son's export before: %s", compactJSON(x))
	}

	// The daughter removes her father.
	wantStatus(t, daughter.del(t, "/v1/elders/"+zhang.elderID), http.StatusNoContent)
	wantProblem(t, daughter.get(t, "/v1/elders/"+zhang.elderID), http.StatusNotFound, "elder_not_found")

	wantProblem(t, w.owner.post(t, "/v1/meal-card-redemptions", map[string]string{"providerId": w.canteen.ID,
		"card": card.Code, "pin": "2468"}), http.StatusConflict, "meal_card_replaced")
	for what, id := range map[string]string{"tomorrow's recurring bath": bathOrder, "the bath ordered by hand": byHand.ID} {
		if o := must[orderView](t, daughter.get(t, "/v1/orders/"+id), http.StatusOK); o.Status != "cancelled_by_family" {
			t.Errorf("%s after the removal: %s", what, compactJSON(o))
		}
	}
	// A menu published now for a subscribed day, and the generator's
	// passes after: nothing is ordered for him.
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+mealDay(2), lunchMenu()), http.StatusOK)
	w.srv.awaitPasses(t, "recurring_orders")
	if got := zhangLunches(t, w, mealDay(1), zhang.elderID); len(got) != 1 || got[0].Status != "cancelled" {
		t.Errorf("tomorrow's lunch after the removal: %s", compactJSON(got))
	}
	if got := zhangLunches(t, w, mealDay(2), zhang.elderID); len(got) != 0 {
		t.Errorf("the generator ordered for a removed elder: %s", compactJSON(got))
	}
	l := ledgerOf(t, li.owner, "/v1/elders/"+li.elderID+"/allowances/"+li.allowance+"/ledger", w.day[:7])
	if l.Held != 500 {
		t.Errorf("the Lis' allowance, untouched by the Zhangs' removal: %+v", l)
	}

	x = zhangExport(t, son, zhang.familyID, li, liOrder.ID)
	if len(x.MealOrders) != 1 || x.MealOrders[0].Status != "cancelled" ||
		len(x.MealSubscriptions) != 1 || x.MealSubscriptions[0].Status != "ended" ||
		len(x.RecurringOrders) != 1 || x.RecurringOrders[0].Status != "ended" {
		t.Errorf("the son's export after: %s", compactJSON(x))
	}
}

// zhangLunches are the canteen's lunches of day for one elder.
func zhangLunches(t *testing.T, w *mealWorld, day, elderID string) []mealOrderView {
	t.Helper()
	var out []mealOrderView
	for _, o := range must[listPage[mealOrderView]](t, w.owner.get(t, "/v1/providers/"+w.canteen.ID+"/meal-orders?date="+day),
		http.StatusOK).Items {
		if o.ElderID == elderID {
			out = append(out, o)
		}
	}
	return out
}

// zhangExport is p's export of their one family, checked to hold no
// trace of the other family's elder or meal order.
func zhangExport(t *testing.T, p *person, familyID string, other mealFamily, otherOrderID string) familyActivity {
	t.Helper()
	r := p.get(t, "/v1/me/export")
	wantStatus(t, r, http.StatusOK)
	for _, id := range []string{other.familyID, other.elderID, otherOrderID} {
		if strings.Contains(string(r.body), id) {
			t.Fatalf("the export holds %s of another family: %s", id, r.body)
		}
	}
	x := decode[struct {
		Families []familyActivity `json:"families"`
	}](t, r)
	if len(x.Families) != 1 || x.Families[0].Family.ID != familyID {
		t.Fatalf("the export's families: %s", r.body)
	}
	return x.Families[0]
}

// TestLastMemberLeavingStopsWhatActsForTheFamilysElders: a son alone in
// his family has his mother subscribed to the canteen's lunch and a bath
// ordered for tomorrow. He leaves, and the family dissolves: as when an
// elder is removed, the subscription's lunch and the bath are cancelled
// (the canteen and the bathing provider see it), not left to be cooked
// and driven to an elder nobody answers for.
func TestLastMemberLeavingStopsWhatActsForTheFamilysElders(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 1)
	son := w.srv.signUp(t)
	zhang := newMealFamily(t, son, w.platform, w.site)
	wantStatus(t, son.post(t, "/v1/meal-subscriptions", map[string]any{"elderId": zhang.elderID, "providerId": w.canteen.ID,
		"window": "lunch", "weekdays": []int{0, 1, 2, 3, 4, 5, 6}, "startsOn": mealDay(1), "endsOn": mealDay(14),
		"mode": "dine_in"}, "Idempotency-Key", randomID()), http.StatusCreated)
	if lunch := zhangLunches(t, w, mealDay(1), zhang.elderID); len(lunch) != 1 || lunch[0].Status != "placed" {
		t.Fatalf("tomorrow's subscribed lunch: %s", compactJSON(lunch))
	}
	bathOwner := w.srv.signUp(t)
	prov := bathOwner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), w.site.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	w.platform.verify(t, prov.ID)
	bath := bathOwner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	start := shanghaiToday().AddDate(0, 0, 1).Add(2 * time.Hour) // 10:00 tomorrow in Shanghai
	window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	q := must[quoteView](t, son.post(t, "/v1/quotes", map[string]any{"elderId": zhang.elderID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	o := must[orderView](t, son.post(t, "/v1/orders", map[string]any{"elderId": zhang.elderID, "providerId": prov.ID,
		"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window}, "Idempotency-Key", randomID()), http.StatusCreated)

	wantStatus(t, son.post(t, "/v1/families/"+zhang.familyID+"/leave", nil), http.StatusNoContent)
	wantProblem(t, son.get(t, "/v1/families/"+zhang.familyID), http.StatusNotFound, "family_not_found")

	if got := must[orderView](t, bathOwner.get(t, "/v1/orders/"+o.ID), http.StatusOK); got.Status != "cancelled_by_family" {
		t.Errorf("the bath after the family dissolved: %s", compactJSON(got))
	}
	if got := zhangLunches(t, w, mealDay(1), zhang.elderID); len(got) != 1 || got[0].Status != "cancelled" {
		t.Errorf("tomorrow's lunch after the family dissolved: %s", compactJSON(got))
	}
}
