package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type mealProductionView struct {
	Meals int `json:"meals"`
	Lines []struct {
		ItemID string `json:"itemId"`
		Count  int    `json:"count"`
	} `json:"lines"`
	ByMode    map[string]int `json:"byMode"`
	DietNeeds map[string]int `json:"dietNeeds"`
	Allergens map[string]int `json:"allergens"`
}

type mealDeliveriesView struct {
	Stops []struct {
		Kind  string `json:"kind"`
		Drops []struct {
			MealOrderID string `json:"mealOrderId"`
			ElderName   string `json:"elderName"`
			Address     *struct {
				Lat float64 `json:"lat"`
				Lng float64 `json:"lng"`
			} `json:"address"`
		} `json:"drops"`
	} `json:"stops"`
}

type mealDeliveredView struct {
	mealOrderView
	SubscriptionID string `json:"subscriptionId"`
	Delivered      *struct {
		By             string `json:"by"`
		InsideGeofence bool   `json:"insideGeofence"`
		ClockAdjusted  bool   `json:"clockAdjusted"`
	} `json:"delivered"`
}

// weekdaysAhead are the next n weekdays (Shanghai), from tomorrow.
func weekdaysAhead(n int) []string {
	var out []string
	for i := 1; len(out) < n; i++ {
		if wd := shanghaiToday().AddDate(0, 0, i).Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, mealDay(i))
		}
	}
	return out
}

// The story through HTTP with the fake FCM: a daughter subscribes
// her father to weekday lunches delivered home. The canteen's kitchen
// reads its production list; its delivery man reads the day's delivery
// list (not the day before: addresses are for the day) and checks in at
// the father's door — the meal is served, its subsidy committed once,
// and the daughter is told. On the next weekday nobody brings or
// collects his lunch: when the window ends she gets an urgent push. The
// delivered day's check at its window's end tells nobody.
func TestCanteenDayDeliversASubscribedLunchAndAlertsAMissedOne(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	w := newMealWorld(t, 120, 1, "FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL())
	days := weekdaysAhead(2)
	delivered, missed := days[0], days[1]
	for _, d := range days {
		if d != w.day {
			wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+d, lunchMenu()), http.StatusOK)
		}
	}
	daughter := w.srv.signUp(t)
	phone := daughter.addDevice(t, "ios")
	home := w.site.offset(600, 0)
	fam := newMealFamily(t, daughter, w.platform, home)
	driver := w.owner.hireStaff(t, w.canteen.ID, "caregiver")
	stranger := w.srv.signUp(t)

	sub := must[struct {
		ID string `json:"id"`
	}](t, daughter.post(t, "/v1/meal-subscriptions", map[string]any{"elderId": fam.elderID, "providerId": w.canteen.ID,
		"window": "lunch", "weekdays": []int{1, 2, 3, 4, 5}, "startsOn": mealDay(1), "endsOn": mealDay(20), "mode": "delivery"},
		"Idempotency-Key", randomID()), http.StatusCreated)
	orderOn := func(day string) mealDeliveredView {
		t.Helper()
		var got []mealDeliveredView
		waitUntil(pushWait, func() bool {
			got = must[listPage[mealDeliveredView]](t, w.owner.get(t, "/v1/providers/"+w.canteen.ID+"/meal-orders?date="+day),
				http.StatusOK).Items
			return len(got) == 1
		})
		if len(got) != 1 || got[0].SubscriptionID != sub.ID || got[0].Mode != "delivery" {
			t.Fatalf("%s: the subscription's orders %+v", day, got)
		}
		return got[0]
	}
	first, second := orderOn(delivered), orderOn(missed)

	// The kitchen's list: one set meal A, delivered, for a low-salt soft
	// diet; it holds fish.
	prod := "/v1/providers/" + w.canteen.ID + "/meal-days/" + delivered + "/lunch/production"
	p := must[mealProductionView](t, w.owner.get(t, prod), http.StatusOK)
	if p.Meals != 1 || len(p.Lines) != 1 || p.Lines[0].ItemID != "A" || p.Lines[0].Count != 1 || p.ByMode["delivery"] != 1 ||
		p.DietNeeds["low_salt"] != 1 || p.DietNeeds["soft_food"] != 1 || p.Allergens["鱼"] != 1 {
		t.Fatalf("the production list: %+v", p)
	}
	wantProblem(t, driver.get(t, prod), http.StatusNotFound, "canteen_not_found")
	wantProblem(t, daughter.get(t, prod), http.StatusNotFound, "canteen_not_found")

	// The delivery list opens on its day only, to the canteen's people.
	list := "/v1/providers/" + w.canteen.ID + "/meal-days/" + delivered + "/lunch/deliveries"
	wantProblem(t, driver.get(t, list), http.StatusForbidden, "meal_delivery_list_closed")
	wantProblem(t, stranger.get(t, list), http.StatusNotFound, "canteen_not_found")
	wantProblem(t, daughter.get(t, list), http.StatusNotFound, "canteen_not_found")
	w.clk.moveTo(t, lunchCutoff(t, delivered).Add(100*time.Minute)) // 11:10 on the day
	l := must[mealDeliveriesView](t, driver.get(t, list), http.StatusOK)
	if len(l.Stops) != 1 || l.Stops[0].Kind != "route" || len(l.Stops[0].Drops) != 1 ||
		l.Stops[0].Drops[0].MealOrderID != first.ID || l.Stops[0].Drops[0].ElderName != "张桂芳" ||
		l.Stops[0].Drops[0].Address == nil || l.Stops[0].Drops[0].Address.Lat != home.lat {
		t.Fatalf("the delivery list: %+v", l)
	}
	wantProblem(t, stranger.get(t, list), http.StatusNotFound, "canteen_not_found")
	// The family's audit log shows who was given his address.
	shown := false
	for _, e := range must[listPage[auditView]](t, daughter.get(t, "/v1/families/"+fam.familyID+"/audit?limit=100"),
		http.StatusOK).Items {
		shown = shown || e.Action == "read" && e.Resource == "meal_delivery_address" && e.ResourceID == fam.elderID &&
			e.ActorID == driver.id
	}
	if !shown {
		t.Errorf("the family's audit log does not show the delivery list's read of the address")
	}

	// At the door: 3 km away needs a reason; at the door it is served.
	far := w.site.offset(3000, 0)
	wantProblem(t, driver.post(t, "/v1/meal-orders/"+first.ID+"/delivered", map[string]any{"lat": far.lat, "lng": far.lng}),
		http.StatusUnprocessableEntity, "meal_delivery_reason_required")
	wantProblem(t, stranger.post(t, "/v1/meal-orders/"+first.ID+"/delivered", map[string]any{"lat": home.lat, "lng": home.lng}),
		http.StatusNotFound, "meal_order_not_found")
	at := w.clk.now().Add(-2 * time.Minute).UTC()
	got := must[mealDeliveredView](t, driver.post(t, "/v1/meal-orders/"+first.ID+"/delivered", map[string]any{"lat": home.lat,
		"lng": home.lng, "deviceTime": at.Format(time.RFC3339)}), http.StatusOK)
	if got.Status != "served" || got.ServedBy != driver.id || got.Delivered == nil || !got.Delivered.InsideGeofence ||
		got.Delivered.ClockAdjusted {
		t.Fatalf("delivered: %+v %+v", got, got.Delivered)
	}
	wantProblem(t, driver.post(t, "/v1/meal-orders/"+first.ID+"/delivered", map[string]any{"lat": home.lat, "lng": home.lng}),
		http.StatusConflict, "meal_already_served")
	if m := waitPushOf(t, fcm, phone, "meal_order.delivered"); m.Data["id"] != first.ID {
		t.Errorf("the delivered push: %s", compactJSON(m))
	}
	ledger := ledgerOf(t, daughter, "/v1/elders/"+fam.elderID+"/allowances/"+fam.allowance+"/ledger", delivered[:7])
	if sums := entrySums(ledger); sums["commit"] != 500 {
		t.Fatalf("the allowance after the delivery: %+v", ledger)
	}

	// The next weekday's lunch window ends with nobody having brought it.
	w.clk.moveTo(t, lunchCutoff(t, missed).Add(3*time.Hour+time.Minute)) // 12:31
	w.srv.moved(t)
	m := waitPushOf(t, fcm, phone, "meal_order.missed")
	if m.Data["id"] != second.ID || m.Android.Priority != "high" {
		t.Errorf("the missed-lunch push: %s", compactJSON(m))
	}
	w.srv.moved(t)
	wantCount(t, []*person{daughter}, "meal_order.missed", 1)
	wantCount(t, []*person{daughter}, "meal_order.delivered", 1)
}
