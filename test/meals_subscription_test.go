package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// A daughter subscribes her father to weekday lunches, delivered, for a
// month. The canteen has published the coming week's menus and closes
// one weekday (a holiday). At once, every weekday of the week ahead with
// a menu is ordered for him — once, however the generator runs — with
// his subsidy; the holiday is skipped and the family told; weekends are
// not ordered. She ends the subscription; it stays ended.
func TestDaughterSubscribesFatherToWeekdayLunches(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 1, "RECURRENCE_INTERVAL", "1s")
	daughter := w.srv.signUp(t)
	fam := newMealFamily(t, daughter, w.platform, w.site.offset(600, 0))
	weekdays := map[string]bool{}
	var holiday string
	for i := 1; i <= 8; i++ {
		day := mealDay(i)
		if i > 1 { // the world published tomorrow's
			wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+day, lunchMenu()), http.StatusOK)
		}
		wd := shanghaiToday().AddDate(0, 0, i).Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			continue
		}
		weekdays[day] = true
		if holiday == "" && i >= 3 && i <= 6 {
			holiday = day
		}
	}
	settings := canteenBody(120, w.site)
	settings["closedDates"] = []string{holiday}
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/canteen", settings), http.StatusOK)

	body := map[string]any{"elderId": fam.elderID, "providerId": w.canteen.ID, "window": "lunch",
		"weekdays": []int{1, 2, 3, 4, 5}, "startsOn": mealDay(1), "endsOn": mealDay(30), "mode": "delivery"}
	sub := must[struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		TimeZone string `json:"timeZone"`
	}](t, daughter.post(t, "/v1/meal-subscriptions", body, "Idempotency-Key", randomID()), http.StatusCreated)
	if sub.Status != "active" || sub.TimeZone != "Asia/Shanghai" {
		t.Fatalf("the subscription: %+v", sub)
	}
	// The background generator runs over it too (every second): the
	// holiday's notice comes once, and each day keeps one order.
	waitCount(t, []*person{daughter}, "meal_subscription.occurrence_skipped", 1)
	horizon := time.Now().Add(7 * 24 * time.Hour)
	ordersOn := func(day string) []mealOrderView {
		return must[listPage[mealOrderView]](t, w.owner.get(t, "/v1/providers/"+w.canteen.ID+"/meal-orders?date="+day),
			http.StatusOK).Items
	}
	wantOn := func(day string) int {
		// Lunch serves from 11:00, 90 minutes after its 09:30 cutoff.
		if weekdays[day] && day != holiday && lunchCutoff(t, day).Add(90*time.Minute).Before(horizon) {
			return 1
		}
		return 0
	}
	// The holiday's notice can come while a background run is still
	// placing the days after it (the run that claimed a day places it;
	// the subscription's own run passes over a day claimed by another),
	// so the days are read once each has what it should.
	waitUntil(pushWait, func() bool {
		for i := 1; i <= 8; i++ {
			if day := mealDay(i); len(ordersOn(day)) < wantOn(day) {
				return false
			}
		}
		return true
	})
	for i := 1; i <= 8; i++ {
		day := mealDay(i)
		orders := ordersOn(day)
		want := wantOn(day)
		if len(orders) != want {
			t.Errorf("%s (weekday %v, holiday %v): %d orders, want %d", day, weekdays[day], day == holiday, len(orders), want)
			continue
		}
		if want == 1 && (orders[0].ElderID != fam.elderID || orders[0].Status != "placed" || orders[0].Mode != "delivery" ||
			orders[0].SubsidyFen != 500 || orders[0].OrderedBy != daughter.id) {
			t.Errorf("%s: %+v", day, orders[0])
		}
	}
	wantCount(t, []*person{daughter}, "meal_subscription.occurrence_skipped", 1)

	wantStatus(t, daughter.post(t, "/v1/meal-subscriptions/"+sub.ID+"/end", nil), http.StatusOK)
	wantProblem(t, daughter.post(t, "/v1/meal-subscriptions/"+sub.ID+"/end", nil), http.StatusConflict, "meal_subscription_ended")
}

// A subscription with no days, or ending before it starts, is refused;
// another family's elder cannot be subscribed, nor their subscription
// seen.
func TestMealSubscriptionsRefuseBadRules(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	mine := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	theirs := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	body := func(elderID string, change map[string]any) map[string]any {
		b := map[string]any{"elderId": elderID, "providerId": w.canteen.ID, "window": "lunch", "weekdays": []int{1, 3, 5},
			"startsOn": mealDay(1), "endsOn": mealDay(20), "mode": "pickup", "pickupPointId": "p1"}
		for k, v := range change {
			b[k] = v
		}
		return b
	}
	post := func(p *person, b map[string]any) *response {
		return p.post(t, "/v1/meal-subscriptions", b, "Idempotency-Key", randomID())
	}
	wantProblem(t, post(mine.owner, body(mine.elderID, map[string]any{"weekdays": []int{}})), http.StatusUnprocessableEntity,
		"recurrence_no_days")
	wantProblem(t, post(mine.owner, body(mine.elderID, map[string]any{"endsOn": mealDay(0)})), http.StatusUnprocessableEntity,
		"recurrence_end_before_start")
	wantProblem(t, post(mine.owner, body(theirs.elderID, nil)), http.StatusNotFound, "elder_not_found")
	sub := must[struct {
		ID string `json:"id"`
	}](t, post(theirs.owner, body(theirs.elderID, nil)), http.StatusCreated)
	wantProblem(t, mine.owner.get(t, "/v1/meal-subscriptions/"+sub.ID), http.StatusNotFound, "meal_subscription_not_found")
	wantProblem(t, mine.owner.post(t, "/v1/meal-subscriptions/"+sub.ID+"/end", nil), http.StatusNotFound,
		"meal_subscription_not_found")
}
