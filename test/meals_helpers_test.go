package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Views of the meal API, as a client reads them.

type mealOrderView struct {
	ID              string    `json:"id"`
	ProviderID      string    `json:"providerId"`
	FamilyID        string    `json:"familyId"`
	ElderID         string    `json:"elderId"`
	OrderedBy       string    `json:"orderedBy"`
	Date            string    `json:"date"`
	Window          string    `json:"window"`
	CutoffAt        time.Time `json:"cutoffAt"`
	ServeTo         time.Time `json:"serveTo"`
	ServedBy        string    `json:"servedBy"`
	Mode            string    `json:"mode"`
	MarketFen       int64     `json:"marketFen"`
	PriceFen        int64     `json:"priceFen"`
	DeliveryFeeFen  int64     `json:"deliveryFeeFen"`
	SubsidyFen      int64     `json:"subsidyFen"`
	SubsidyCategory string    `json:"subsidyCategory"`
	DueFen          int64     `json:"dueFen"`
	Status          string    `json:"status"`
	Cancellation    *struct {
		By string `json:"by"`
	} `json:"cancellation"`
}

type menuDayView struct {
	Date    string `json:"date"`
	Windows []struct {
		Window    string    `json:"window"`
		CutoffAt  time.Time `json:"cutoffAt"`
		Portions  int       `json:"portions"`
		Ordered   int       `json:"ordered"`
		Remaining int       `json:"remaining"`
		Items     []struct {
			ID string `json:"id"`
		} `json:"items"`
	} `json:"windows"`
}

// ---------------------------------------------------------------------------
// A canteen, its menus, the region's subsidy.

// mealDay is the Shanghai date days ahead, as the API writes it.
func mealDay(days int) string { return shanghaiToday().AddDate(0, 0, days).Format(time.DateOnly) }

// lunchCutoff is 09:30 in Shanghai on day (YYYY-MM-DD), the canteens'
// lunch cutoff in these tests.
func lunchCutoff(t *testing.T, day string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(9*time.Hour + 30*time.Minute).UTC()
}

// canteenProvider registers a verified community canteen (幸福食堂) run by
// owner at pt.
func (owner *person) canteenProvider(t *testing.T, platform *person, pt point) providerView {
	t.Helper()
	name := uniqueName("康健幸福食堂")
	prov := owner.register(t, providerBody(name, pt, 5, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "canteen", "number": "JY2310104" + name[len(name)-6:]}},
	}))
	platform.verify(t, prov.ID)
	return prov
}

// canteenBody serves lunch 11:00–12:30 with portions a day, orders closing
// at 09:30, every day of the week; one pick-up point; delivery within
// 2 km for ¥3.
func canteenBody(portions int, pt point) map[string]any {
	return map[string]any{
		"windows": []map[string]any{{"kind": "lunch", "serveFrom": "11:00", "serveTo": "12:30", "cutoff": "09:30",
			"portions": portions}},
		"pickupPoints": []map[string]any{{"id": "p1", "name": "康健街道第三配送餐点", "address": address(pt.lat+0.002, pt.lng)}},
		"delivery":     map[string]any{"radiusMetres": 2000, "feeFen": 300},
		"openWeekdays": []int{0, 1, 2, 3, 4, 5, 6},
	}
}

// lunchMenu is a set meal for a low-salt, soft diet (¥15, 普惠 ¥10), a
// braised pork that is neither (¥12 / ¥9) and a peanut dish (¥8 / ¥6).
func lunchMenu() map[string]any {
	return map[string]any{"windows": []map[string]any{{"window": "lunch", "items": []map[string]any{
		{"id": "A", "kind": "set_meal", "name": "清蒸鱼套餐", "dishes": []string{"清蒸鲈鱼", "蒜蓉西兰花", "米饭"},
			"dietTags": []string{"low_salt", "soft_food", "low_fat"}, "allergens": []string{"鱼"}, "marketFen": 1500, "inclusiveFen": 1000},
		{"id": "B", "kind": "a_la_carte", "name": "红烧肉", "dietTags": []string{}, "marketFen": 1200, "inclusiveFen": 900},
		{"id": "C", "kind": "a_la_carte", "name": "宫保鸡丁", "dietTags": []string{"low_salt", "soft_food"},
			"allergens": []string{"花生"}, "marketFen": 800, "inclusiveFen": 600},
	}}}}
}

// xuhuiMealRules: 低保/特困 elders get ¥5 a meal up to ¥150 a month, the
// over-80s ¥3 up to ¥90.
func xuhuiMealRules() map[string]any {
	return map[string]any{"document": "徐民规〔2026〕3号", "rules": []map[string]any{
		{"category": "low_income", "perMealFen": 500, "monthlyCapFen": 15000},
		{"category": "age_80_plus", "perMealFen": 300, "monthlyCapFen": 9000},
	}}
}

// mealOrderBody orders set meal A of day's lunch for elderID, delivered home.
func mealOrderBody(elderID, providerID, day string, change map[string]any) map[string]any {
	b := map[string]any{"elderId": elderID, "providerId": providerID, "date": day, "window": "lunch",
		"items": []string{"A"}, "mode": "delivery"}
	for k, v := range change {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

func (p *person) orderMeal(t *testing.T, body map[string]any, key string) *response {
	t.Helper()
	return p.post(t, "/v1/meal-orders", body, "Idempotency-Key", key)
}

func (p *person) menuOf(t *testing.T, providerID, day string) menuDayView {
	t.Helper()
	return must[menuDayView](t, p.get(t, "/v1/providers/"+providerID+"/menus/"+day), http.StatusOK)
}

// mealFamily is a family whose owner has an elder born in 1944 (over 80),
// living alone at home, on a low-salt soft diet and allergic to
// peanuts, with a meal-covering service subsidy (低保).
type mealFamily struct {
	owner     *person
	familyID  string
	elderID   string
	allowance string
}

func newMealFamily(t *testing.T, owner, platform *person, home point) mealFamily {
	t.Helper()
	f := owner.createFamily(t, uniqueName("张家"))
	e := owner.addElder(t, f.ID, elderBody("张桂芳", map[string]any{"address": address(home.lat, home.lng)}))
	al := must[allowanceView](t, platform.post(t, "/v1/elders/"+e.ID+"/allowances", allowanceBody()), http.StatusCreated)
	return mealFamily{owner: owner, familyID: f.ID, elderID: e.ID, allowance: al.ID}
}

// mealWorld is a canteen with lunch published days ahead, the region's
// rules, and its regulator.
type mealWorld struct {
	srv      *server
	clk      *offsetClock
	platform *person
	owner    *person
	canteen  providerView
	site     point
	day      string
}

func newMealWorld(t *testing.T, portions, daysAhead int, extra ...string) *mealWorld {
	t.Helper()
	w := &mealWorld{clk: newOffsetClock(t), site: point{lat: 31.1883, lng: 121.4365}, day: mealDay(daysAhead)}
	w.srv, w.platform = startClassServer(t, w.clk, "", extra...)
	w.owner = w.srv.signUp(t)
	w.canteen = w.owner.canteenProvider(t, w.platform, w.site)
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/canteen", canteenBody(portions, w.site)), http.StatusOK)
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+w.day, lunchMenu()), http.StatusOK)
	regulator := w.srv.signUp(t)
	makeRegulator(t, w.platform, regulator, "310000")
	wantStatus(t, regulator.put(t, "/v1/meal-subsidy-rules/310104", xuhuiMealRules()), http.StatusOK)
	return w
}
