package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// The lunch cutoff is 09:30 on the canteen's clock (Shanghai), tested on
// the server's own clock moved by the test, not by sleeping: a second
// before it a daughter orders and can still cancel another order; a
// second after it nothing is ordered, changed or cancelled, 409
// meal_cutoff_passed, and the menu has nothing left to order.
func TestMealCutoffOneSecondBeforeAndAfter(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	daughter := w.srv.signUp(t)
	a := newMealFamily(t, daughter, w.platform, w.site)
	b := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	c := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	early := must[mealOrderView](t, c.owner.orderMeal(t, mealOrderBody(c.elderID, w.canteen.ID, w.day, nil), randomID()),
		http.StatusCreated)
	late := must[mealOrderView](t, b.owner.orderMeal(t, mealOrderBody(b.elderID, w.canteen.ID, w.day, nil), randomID()),
		http.StatusCreated)
	cutoff := lunchCutoff(t, w.day)
	if !early.CutoffAt.Equal(cutoff) {
		t.Fatalf("the order's cutoff is %s, want %s (09:30 in Shanghai)", early.CutoffAt, cutoff)
	}

	w.clk.standAt(t, cutoff.Add(-time.Second))
	must[mealOrderView](t, a.owner.orderMeal(t, mealOrderBody(a.elderID, w.canteen.ID, w.day, nil), randomID()), http.StatusCreated)
	wantStatus(t, c.owner.post(t, "/v1/meal-orders/"+early.ID+"/cancel", nil), http.StatusOK)

	w.clk.standAt(t, cutoff.Add(time.Second))
	d := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	wantProblem(t, d.owner.orderMeal(t, mealOrderBody(d.elderID, w.canteen.ID, w.day, nil), randomID()),
		http.StatusConflict, "meal_cutoff_passed")
	wantProblem(t, b.owner.post(t, "/v1/meal-orders/"+late.ID+"/cancel", nil), http.StatusConflict, "meal_cutoff_passed")
	if got := must[mealOrderView](t, b.owner.get(t, "/v1/meal-orders/"+late.ID), http.StatusOK); got.Status != "placed" {
		t.Fatalf("the late cancellation changed the order: %+v", got)
	}
	w.clk.moveTo(t, cutoff.Add(time.Second))
	// The canteen may still call a meal off, with a reason.
	wantStatus(t, w.owner.post(t, "/v1/meal-orders/"+late.ID+"/cancel", map[string]string{"reason": "停电"}), http.StatusOK)
	if menu := w.owner.menuOf(t, w.canteen.ID, w.day); menu.Windows[0].Remaining != 0 || menu.Windows[0].Ordered != 1 {
		t.Fatalf("past the cutoff the menu says %+v", menu.Windows[0])
	}

	// At the counter: the canteen hands a's meal over once; its subsidy
	// is committed once. The family cannot record it.
	orders := must[listPage[mealOrderView]](t, w.owner.get(t, "/v1/providers/"+w.canteen.ID+"/meal-orders?date="+w.day),
		http.StatusOK).Items
	status := map[string]string{}
	aOrder := ""
	for _, o := range orders {
		status[o.ElderID] = o.Status
		if o.ElderID == a.elderID {
			aOrder = o.ID
		}
	}
	if len(orders) != 3 || status[a.elderID] != "placed" || status[b.elderID] != "cancelled" || status[c.elderID] != "cancelled" {
		t.Fatalf("the canteen's list: %+v", orders)
	}
	served := "/v1/meal-orders/" + aOrder + "/served"
	wantProblem(t, a.owner.post(t, served, nil), http.StatusNotFound, "meal_order_not_found")
	got := must[mealOrderView](t, w.owner.post(t, served, nil), http.StatusOK)
	if got.Status != "served" || got.ServedBy != w.owner.id {
		t.Fatalf("served: %+v", got)
	}
	wantProblem(t, w.owner.post(t, served, nil), http.StatusConflict, "meal_already_served")
	l := ledgerOf(t, a.owner, "/v1/elders/"+a.elderID+"/allowances/"+a.allowance+"/ledger", w.day[:7])
	if sums := entrySums(l); l.Held != 0 || l.Committed != 500 || sums["commit"] != 500 {
		t.Fatalf("a's allowance after the meal: %+v", l)
	}
}

// A meal nobody collected is recorded only once its window is over, and
// its subsidy goes back to the elder unless the canteen charges no-shows.
func TestMealNoShowReturnsTheSubsidy(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	f := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	o := must[mealOrderView](t, f.owner.orderMeal(t, mealOrderBody(f.elderID, w.canteen.ID, w.day, nil), randomID()),
		http.StatusCreated)
	noShow := "/v1/meal-orders/" + o.ID + "/no-show"
	wantProblem(t, w.owner.post(t, noShow, nil), http.StatusConflict, "meal_not_yet_served")
	w.clk.standAt(t, o.ServeTo.Add(-time.Second))
	wantProblem(t, w.owner.post(t, noShow, nil), http.StatusConflict, "meal_window_not_over")
	w.clk.moveTo(t, o.ServeTo.Add(time.Second))
	if got := must[mealOrderView](t, w.owner.post(t, noShow, nil), http.StatusOK); got.Status != "no_show" {
		t.Fatalf("no-show: %+v", got)
	}
	l := ledgerOf(t, f.owner, "/v1/elders/"+f.elderID+"/allowances/"+f.allowance+"/ledger", w.day[:7])
	if sums := entrySums(l); l.Held != 0 || l.Committed != 0 || sums["release"] != 500 {
		t.Fatalf("the allowance after a no-show: %+v", l)
	}
}

// What a family may not do, each refused before a portion is taken:
// order for another family's elder (404, as if there were none); deliver
// outside the canteen's area; order dishes the elder must not eat
// without saying so; name another canteen's pick-up point; and what a
// canteen may not do: manage another canteen's windows (404).
func TestMealOrdersRefuseAbuse(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	mine := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	theirs := newMealFamily(t, w.srv.signUp(t), w.platform, w.site.offset(4000, 0))
	order := func(f mealFamily, elderID string, change map[string]any) *response {
		return f.owner.orderMeal(t, mealOrderBody(elderID, w.canteen.ID, w.day, change), randomID())
	}

	wantProblem(t, order(mine, theirs.elderID, nil), http.StatusNotFound, "elder_not_found")
	// Their home is 4 km away; the canteen delivers within 2 km.
	wantProblem(t, order(theirs, theirs.elderID, nil), http.StatusUnprocessableEntity, "delivery_address_outside_area")
	far := w.site.offset(0, 5000)
	wantProblem(t, order(mine, mine.elderID, map[string]any{"address": address(far.lat, far.lng)}),
		http.StatusUnprocessableEntity, "delivery_address_outside_area")
	// Dine-in and pick-up need no delivery area.
	must[mealOrderView](t, order(theirs, theirs.elderID, map[string]any{"mode": "pickup", "pickupPointId": "p1"}), http.StatusCreated)
	wantProblem(t, order(mine, mine.elderID, map[string]any{"mode": "pickup", "pickupPointId": "elsewhere"}),
		http.StatusUnprocessableEntity, "meal_order_invalid")

	// Braised pork is not low-salt; the chicken has peanuts, and she is
	// allergic to them.
	r := order(mine, mine.elderID, map[string]any{"items": []string{"B", "C"}})
	p := wantProblem(t, r, http.StatusUnprocessableEntity, "meal_diet_conflict")
	named := map[string]bool{}
	for _, e := range p.Errors {
		named[e.Field+" "+e.Code] = true
	}
	if !named["/items/B diet"] || !named["/items/C allergen"] {
		t.Fatalf("the conflicts named: %v", named)
	}
	o := must[mealOrderView](t, order(mine, mine.elderID, map[string]any{"items": []string{"B", "C"}, "confirmConflicts": true,
		"mode": "dine_in"}), http.StatusCreated)
	if o.PriceFen != 1500 || o.DeliveryFeeFen != 0 {
		t.Fatalf("two dishes eaten in: %+v", o)
	}

	// Another canteen's managers reach nothing of this one.
	rival := w.srv.signUp(t)
	rival.canteenProvider(t, w.platform, w.site.offset(1000, 1000))
	wantProblem(t, rival.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+w.day, lunchMenu()), http.StatusNotFound, "canteen_not_found")
	wantProblem(t, rival.put(t, "/v1/providers/"+w.canteen.ID+"/canteen", canteenBody(5, w.site)), http.StatusNotFound,
		"canteen_not_found")
	wantProblem(t, rival.get(t, "/v1/meal-orders/"+o.ID), http.StatusNotFound, "meal_order_not_found")
	wantProblem(t, rival.post(t, "/v1/meal-orders/"+o.ID+"/cancel", map[string]string{"reason": "x"}), http.StatusNotFound,
		"meal_order_not_found")
	if got := w.owner.menuOf(t, w.canteen.ID, w.day); got.Windows[0].Ordered != 2 || got.Windows[0].Portions != 120 {
		t.Fatalf("after the refusals: %+v", got.Windows[0])
	}
}

// The region's monthly cap bounds what one elder's meals draw, however
// the meals are spread: at ¥5 a meal and a cap of ¥8, the first lunch of
// the month draws ¥5, the second ¥3, the third nothing — and the family
// pays the rest.
func TestMonthlyCapBoundsAnEldersSubsidy(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	regulator := w.srv.signUp(t)
	makeRegulator(t, w.platform, regulator, "310000")
	wantStatus(t, regulator.put(t, "/v1/meal-subsidy-rules/310104", map[string]any{"document": "徐民规〔2026〕4号",
		"rules": []map[string]any{{"category": "low_income", "perMealFen": 500, "monthlyCapFen": 800}}}), http.StatusOK)
	// Three days of one month, at least two days ahead.
	start := 2
	for shanghaiToday().AddDate(0, 0, start).Month() != shanghaiToday().AddDate(0, 0, start+2).Month() {
		start++
	}
	f := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	for i, want := range []int64{500, 300, 0} {
		day := mealDay(start + i)
		wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+day, lunchMenu()), http.StatusOK)
		o := must[mealOrderView](t, f.owner.orderMeal(t, mealOrderBody(f.elderID, w.canteen.ID, day, nil), randomID()),
			http.StatusCreated)
		if o.SubsidyFen != want || o.DueFen != 1000+300-want {
			t.Errorf("lunch %d: subsidy %d, due %d; want %d and %d", i+1, o.SubsidyFen, o.DueFen, want, 1000+300-want)
		}
	}
	l := ledgerOf(t, f.owner, "/v1/elders/"+f.elderID+"/allowances/"+f.allowance+"/ledger", mealDay(start)[:7])
	if l.Held != 800 {
		t.Fatalf("the allowance holds %d fen for the month's meals, want the cap's 800", l.Held)
	}
}
