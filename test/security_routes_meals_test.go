package e2e_test

// Rows: meal aid (助餐). A canteen's settings and menus are public; its
// admins and office staff set them. A region's subsidy rules are
// published to everyone signed in and set by regulators and platform
// admins. A meal order is its family's and its canteen's alone.

import (
	"net/http"
	"testing"
)

// mealWorld is what the meal rows act on: provider A is a canteen too,
// with lunch published on day, the region's rules, famA's order of
// elder A and another it cancelled.
type mealSecWorld struct {
	day              string
	order, cancelled string
	sub, subEnded    string   // famA's subscriptions of elder A, weeks ahead; the second ended
	oldCard          string   // elder A's first meal card, replaced by a second
	days             chan int // days ahead with nothing published yet
}

// buildMeals makes the meal records of the world.
func (w *world) buildMeals(t *testing.T) {
	t.Helper()
	owner := w.who(provA)
	wantStatus(t, owner.put(t, "/v1/providers/"+w.provA+"/canteen", canteenBody(200, w.homeA)), http.StatusOK)
	wantStatus(t, w.who(regul).put(t, "/v1/meal-subsidy-rules/310104", xuhuiMealRules()), http.StatusOK)
	w.meal.days = make(chan int, 60)
	for d := 3; d < 3+cap(w.meal.days); d++ {
		w.meal.days <- d
	}
	w.meal.day = w.mealSitting(t)
	w.meal.order = w.mealOrder(t)
	w.meal.cancelled = w.mealOrder(t)
	wantStatus(t, w.who(famA).post(t, "/v1/meal-orders/"+w.meal.cancelled+"/cancel", nil), http.StatusOK)
	w.meal.sub, w.meal.subEnded = w.mealSubscription(t), w.mealSubscription(t)
	w.meal.oldCard = w.mealCard(t)
	w.mealCard(t)
	wantStatus(t, w.who(famA).post(t, "/v1/meal-subscriptions/"+w.meal.subEnded+"/end", nil), http.StatusOK)
}

// mealSubscriptionBody subscribes elder A to provider A's weekday lunches
// picked up, from six weeks ahead: beyond the generator's horizon, so it
// orders nothing while the suite runs.
func (w *world) mealSubscriptionBody() map[string]any {
	return map[string]any{"elderId": w.elderA, "providerId": w.provA, "window": "lunch", "weekdays": []int{1, 2, 3, 4, 5},
		"startsOn": mealDay(42), "endsOn": mealDay(72), "mode": "pickup", "pickupPointId": "p1"}
}

func (w *world) mealSubscription(t *testing.T) string {
	t.Helper()
	return must[struct {
		ID string `json:"id"`
	}](t, w.who(famA).post(t, "/v1/meal-subscriptions", w.mealSubscriptionBody(), "Idempotency-Key", randomID()),
		http.StatusCreated).ID
}

// mealCard prints elder A a new meal card (PIN 2468) and answers its code.
func (w *world) mealCard(t *testing.T) string {
	t.Helper()
	return must[mealCardView](t, w.who(famA).post(t, "/v1/elders/"+w.elderA+"/meal-card", map[string]string{"pin": "2468"},
		"Idempotency-Key", randomID()), http.StatusCreated).Code
}

// mealSitting publishes provider A's lunch on a day of its own.
func (w *world) mealSitting(t *testing.T) string {
	t.Helper()
	day := mealDay(<-w.meal.days)
	wantStatus(t, w.who(provA).put(t, "/v1/providers/"+w.provA+"/menus/"+day, lunchMenu()), http.StatusOK)
	return day
}

// mealOrder is famA's order of elder A's lunch on a fresh day.
func (w *world) mealOrder(t *testing.T) string {
	t.Helper()
	return must[mealOrderView](t, w.who(famA).orderMeal(t, mealOrderBody(w.elderA, w.provA, w.mealSitting(t), nil), randomID()),
		http.StatusCreated).ID
}

func mealRows(w *world) []row {
	ok, created, nf := http.StatusOK, http.StatusCreated, http.StatusNotFound
	managers := who{provA: ok, officeA: ok}
	order := "/v1/meal-orders/" + w.meal.order
	return []row{
		{op: "getCanteen", fixture: fixture{path: "/v1/providers/" + w.provA + "/canteen"}, others: ok, anon: ok},
		{op: "setCanteen", fixture: fixture{path: "/v1/providers/" + w.provA + "/canteen", body: canteenBody(200, w.homeA)},
			want: managers, others: nf},
		{op: "getMenu", fixture: fixture{path: "/v1/providers/" + w.provA + "/menus/" + w.meal.day}, others: ok, anon: ok},
		{op: "publishMenu", fixture: fixture{path: "/v1/providers/" + w.provA + "/menus/" + w.meal.day, body: lunchMenu()},
			want: managers, others: nf},
		{op: "searchCanteensNearElder", fixture: fixture{path: "/v1/elders/" + w.elderA + "/canteens?date=" + w.meal.day},
			want: who{famA: ok, famA2: ok}, others: nf},
		{op: "getMealSubsidyRules", fixture: fixture{path: "/v1/meal-subsidy-rules/310104"}, others: ok},
		{op: "setMealSubsidyRules", fixture: fixture{path: "/v1/meal-subsidy-rules/310104", body: xuhuiMealRules()},
			want: who{regul: ok, platform: ok}, others: http.StatusForbidden},
		// Each request orders elder A's lunch of a day of its own: one
		// meal per elder and window.
		{op: "placeMealOrder", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/meal-orders", body: mealOrderBody(w.elderA, w.provA, w.mealSitting(t), nil)}
		}, want: who{famA: created, famA2: created}, others: nf},
		{op: "listCanteenMealOrders", fixture: fixture{path: "/v1/providers/" + w.provA + "/meal-orders?date=" + w.meal.day},
			want: managers, others: nf},
		{op: "getMealOrder", fixture: fixture{path: order},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok}, others: nf},
		// Days ahead: the canteen's staff are told it is not served yet,
		// past every check of who may hand it over.
		{op: "serveMealOrder", fixture: fixture{path: order + "/served"},
			want: who{provA: http.StatusConflict, officeA: http.StatusConflict}, others: nf},
		{op: "markMealNoShow", fixture: fixture{path: order + "/no-show"},
			want: who{provA: http.StatusConflict, officeA: http.StatusConflict}, others: nf},
		// The code is the family's to show; the canteen scans it. Each
		// scan gets a code of this minute; the order is days ahead, so the
		// canteen's staff are told it is not served yet.
		{op: "getMealCode", fixture: fixture{path: order + "/code"}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "getMealCodePNG", fixture: fixture{path: order + "/code.png"}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "redeemMeal", each: func(t *testing.T, w *world) fixture {
			code := must[mealCodeView](t, w.who(famA).get(t, "/v1/meal-orders/"+w.meal.order+"/code"), http.StatusOK)
			return fixture{path: "/v1/meal-redemptions", body: map[string]string{"code": code.Code}}
		}, want: who{provA: http.StatusConflict, officeA: http.StatusConflict}, others: nf},
		// The canteen's day: the kitchen's list for its managers; the
		// delivery list, with addresses, for anyone working for it, on
		// its own day only (today's here; another day's 403 is in
		// meals_day_test.go); delivery confirmed by any of them (days
		// ahead: not served yet).
		{op: "getMealProduction", fixture: fixture{path: "/v1/providers/" + w.provA + "/meal-days/" + w.meal.day + "/lunch/production"},
			want: managers, others: nf},
		{op: "getMealDeliveries", fixture: fixture{path: "/v1/providers/" + w.provA + "/meal-days/" + mealDay(0) + "/lunch/deliveries"},
			want: who{provA: ok, officeA: ok, carerA: ok}, others: nf},
		{op: "confirmMealDelivery", fixture: fixture{path: order + "/delivered", body: map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng}},
			want: who{provA: http.StatusConflict, officeA: http.StatusConflict, carerA: http.StatusConflict}, others: nf},
		// The card is the family's to print; the counter scans it. The
		// card scanned is the replaced one: the canteen's staff are told
		// so, past every check of who may redeem (anyone else finds no
		// canteen before a card is read).
		{op: "issueMealCard", fixture: fixture{path: "/v1/elders/" + w.elderA + "/meal-card", body: map[string]string{"pin": "2468"}},
			want: who{famA: created, famA2: created}, others: nf},
		{op: "getMealCard", fixture: fixture{path: "/v1/elders/" + w.elderA + "/meal-card"}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "getMealCardPNG", fixture: fixture{path: "/v1/elders/" + w.elderA + "/meal-card.png"}, want: who{famA: ok, famA2: ok},
			others: nf},
		{op: "redeemMealCard", fixture: fixture{path: "/v1/meal-card-redemptions",
			body: map[string]string{"providerId": w.provA, "card": w.meal.oldCard, "pin": "2468"}},
			want: who{provA: http.StatusConflict, officeA: http.StatusConflict}, others: nf},
		{op: "subscribeToMeals", fixture: fixture{path: "/v1/meal-subscriptions", body: w.mealSubscriptionBody()},
			want: who{famA: created, famA2: created}, others: nf},
		{op: "getMealSubscription", fixture: fixture{path: "/v1/meal-subscriptions/" + w.meal.sub},
			want: who{famA: ok, famA2: ok}, others: nf},
		// Ended already: the family gets 409, past every check of who may.
		{op: "endMealSubscription", fixture: fixture{path: "/v1/meal-subscriptions/" + w.meal.subEnded + "/end"},
			want: who{famA: http.StatusConflict, famA2: http.StatusConflict}, others: nf},
		// Cancelled already: the parties get 409, past every check of who
		// may cancel.
		{op: "cancelMealOrder", fixture: fixture{path: "/v1/meal-orders/" + w.meal.cancelled + "/cancel",
			body: map[string]string{"reason": "老人住院"}},
			want: who{famA: http.StatusConflict, famA2: http.StatusConflict, provA: http.StatusConflict,
				officeA: http.StatusConflict}, others: nf},
	}
}
