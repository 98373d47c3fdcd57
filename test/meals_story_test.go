package e2e_test

import (
	"net/http"
	"testing"
)

// A daughter in another city orders lunch for her father through HTTP:
// she finds the canteen's menu with its portions left, orders the set
// meal delivered home, the region's 低保 subsidy of ¥5 is reserved from
// his meal allowance (she pays ¥10 + ¥3 delivery − ¥5), the canteen sees
// the order, her retry with the same key orders nothing more, and she
// is told by push. She cancels before the cutoff: the portion returns to
// the window and the subsidy to the allowance, exactly once.
func TestDaughterOrdersLunchForHerFather(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	daughter := w.srv.signUp(t)
	fam := newMealFamily(t, daughter, w.platform, w.site.offset(600, 0))

	menu := must[menuDayView](t, w.srv.do(t, http.MethodGet, "/v1/providers/"+w.canteen.ID+"/menus/"+w.day, nil), http.StatusOK)
	if len(menu.Windows) != 1 || menu.Windows[0].Remaining != 120 || menu.Windows[0].Portions != 120 ||
		!menu.Windows[0].CutoffAt.Equal(lunchCutoff(t, w.day)) || len(menu.Windows[0].Items) != 3 {
		t.Fatalf("the menu: %+v", menu)
	}

	// She looks for canteens near his home: this one, 600 m away.
	near := must[struct {
		Items []struct {
			ProviderID     string `json:"providerId"`
			DistanceMetres int    `json:"distanceMetres"`
			Delivers       bool   `json:"delivers"`
			Windows        []struct {
				Window    string `json:"window"`
				Remaining int    `json:"remaining"`
			} `json:"windows"`
		} `json:"items"`
	}](t, daughter.get(t, "/v1/elders/"+fam.elderID+"/canteens?date="+w.day), http.StatusOK)
	if len(near.Items) != 1 || near.Items[0].ProviderID != w.canteen.ID || !near.Items[0].Delivers ||
		near.Items[0].DistanceMetres < 550 || near.Items[0].DistanceMetres > 650 ||
		len(near.Items[0].Windows) != 1 || near.Items[0].Windows[0].Remaining != 120 {
		t.Fatalf("canteens near him: %+v", near)
	}
	wantProblem(t, w.owner.get(t, "/v1/elders/"+fam.elderID+"/canteens"), http.StatusNotFound, "elder_not_found")

	body := mealOrderBody(fam.elderID, w.canteen.ID, w.day, nil)
	o := must[mealOrderView](t, daughter.orderMeal(t, body, "lunch-1"), http.StatusCreated)
	if o.Status != "placed" || o.PriceFen != 1000 || o.MarketFen != 1500 || o.DeliveryFeeFen != 300 ||
		o.SubsidyFen != 500 || o.SubsidyCategory != "low_income" || o.DueFen != 800 || o.OrderedBy != daughter.id {
		t.Fatalf("the order: %+v", o)
	}
	again := must[mealOrderView](t, daughter.orderMeal(t, body, "lunch-1"), http.StatusCreated)
	if again.ID != o.ID {
		t.Fatalf("a retry ordered %s, want %s", again.ID, o.ID)
	}
	// One lunch a day for him, whatever key.
	wantProblem(t, daughter.orderMeal(t, body, "lunch-2"), http.StatusConflict, "meal_already_ordered")
	if got := w.owner.menuOf(t, w.canteen.ID, w.day); got.Windows[0].Ordered != 1 || got.Windows[0].Remaining != 119 {
		t.Fatalf("after one order the canteen sees %+v", got.Windows[0])
	}
	if got := must[mealOrderView](t, w.owner.get(t, "/v1/meal-orders/"+o.ID), http.StatusOK); got.ElderID != fam.elderID {
		t.Fatalf("the canteen sees %+v", got)
	}
	ledger := "/v1/elders/" + fam.elderID + "/allowances/" + fam.allowance + "/ledger"
	period := w.day[:7]
	if l := ledgerOf(t, daughter, ledger, period); l.Held != 500 || l.Available != 30000-500 {
		t.Fatalf("the allowance after the order: held %d, available %d", l.Held, l.Available)
	}
	waitCount(t, []*person{daughter}, "meal_booking.confirmed", 1)

	cancelled := must[mealOrderView](t, daughter.post(t, "/v1/meal-orders/"+o.ID+"/cancel", nil), http.StatusOK)
	if cancelled.Status != "cancelled" || cancelled.Cancellation == nil || cancelled.Cancellation.By != "family" {
		t.Fatalf("cancelled: %+v", cancelled)
	}
	wantProblem(t, daughter.post(t, "/v1/meal-orders/"+o.ID+"/cancel", nil), http.StatusConflict, "meal_order_cancelled")
	if got := w.owner.menuOf(t, w.canteen.ID, w.day); got.Windows[0].Ordered != 0 || got.Windows[0].Remaining != 120 {
		t.Fatalf("after the cancellation the canteen sees %+v", got.Windows[0])
	}
	l := ledgerOf(t, daughter, ledger, period)
	if sums := entrySums(l); l.Held != 0 || l.Available != 30000 || sums["reserve"] != 500 || sums["release"] != 500 {
		t.Fatalf("the allowance after the cancellation: %+v, sums %v", l, sums)
	}
	waitCount(t, []*person{daughter}, "meal_booking.cancelled_by_family", 1)
}
