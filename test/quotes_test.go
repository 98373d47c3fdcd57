package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

type quoteView struct {
	ProviderID   string `json:"providerId"`
	ItemID       string `json:"itemId"`
	PriceVersion int    `json:"priceVersion"`
	Quantity     int    `json:"quantity"`
	MarketFen    int64  `json:"marketFen"`
	InclusiveFen int64  `json:"inclusiveFen"`
	ChargedFen   int64  `json:"chargedFen"`
	Allowances   []struct {
		AllowanceID string `json:"allowanceId"`
		Fen         int64  `json:"fen"`
	} `json:"allowances"`
	AllowanceFen int64  `json:"allowanceFen"`
	DueFen       int64  `json:"dueFen"`
	TimeZone     string `json:"timeZone"`
}

// nextMondayAt is the coming Monday (never today) at hh:mm in Shanghai.
func nextMondayAt(hh, mm int) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(loc)
	for d = d.AddDate(0, 0, 1); d.Weekday() != time.Monday; d = d.AddDate(0, 0, 1) {
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, loc)
}

// TestDaughterAsksWhatBathingCostsHerMother: a provider 1 km from her
// mother's home bathes at ¥150 (普惠 ¥120); her mother, 80, has a ¥80
// monthly service subsidy for bathing. The quote shows all of it, and
// refuses a Sunday (closed), a time past, a provider whose radius stops
// short, and a stranger's question about her mother.
func TestDaughterAsksWhatBathingCostsHerMother(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, platform := st.srv, st.admin
	home := point{lat: 31.1883, lng: 121.4365}

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(), nil))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	far := owner.register(t, providerBody(uniqueName("浦东助浴服务中心"), home.offset(8000, 0), 3, newPhone(), nil))
	platform.verify(t, far.ID)
	farBath := owner.addItem(t, far.ID, itemBody("bathing", 15000, 12000))

	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	validFrom := shanghaiToday().AddDate(-1, 0, 0).Format(time.DateOnly)
	subsidy := map[string]any{"issuer": "上海市徐汇区民政局", "kind": "service_subsidy", "monthlyFen": 8000,
		"serviceTypes": []string{"bathing"}, "validFrom": validFrom}
	wantStatus(t, platform.post(t, "/v1/elders/"+mother.ID+"/allowances", subsidy), http.StatusCreated)

	ask := func(p *person, providerID, itemID string, start time.Time) *response {
		t.Helper()
		return p.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": providerID, "itemId": itemID,
			"window": map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}})
	}
	monday := nextMondayAt(10, 0)
	q := must[quoteView](t, ask(daughter, prov.ID, bath.ID, monday), http.StatusOK)
	if q.MarketFen != 15000 || q.InclusiveFen != 12000 || q.ChargedFen != 12000 || q.AllowanceFen != 8000 ||
		q.DueFen != 4000 || len(q.Allowances) != 1 || q.Allowances[0].Fen != 8000 || q.PriceVersion < 1 ||
		q.Quantity != 1 || q.TimeZone != "Asia/Shanghai" {
		t.Errorf("quote %s, want market 15000, 普惠 12000, subsidy 8000, due 4000", compactJSON(q))
	}

	t.Run("one month's subsidy is not spent twice", func(t *testing.T) {
		wantStatus(t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": map[string]string{
				"start": monday.Format(time.RFC3339), "end": monday.Add(time.Hour).Format(time.RFC3339)}},
			"Idempotency-Key", randomID()), http.StatusCreated)
		again := must[quoteView](t, ask(daughter, prov.ID, bath.ID, monday.Add(2*time.Hour)), http.StatusOK)
		if again.AllowanceFen != 0 || again.DueFen != 12000 {
			t.Errorf("a second bath in the month is quoted %s, want the subsidy used up: due 12000", compactJSON(again))
		}
	})

	t.Run("refusals say why", func(t *testing.T) {
		wantProblem(t, ask(daughter, prov.ID, bath.ID, monday.AddDate(0, 0, -1)), http.StatusUnprocessableEntity,
			"outside_opening_hours") // Sunday
		wantProblem(t, ask(daughter, prov.ID, bath.ID, time.Now().Add(-2*time.Hour)), http.StatusUnprocessableEntity,
			"window_in_past")
		wantProblem(t, ask(daughter, far.ID, farBath.ID, monday), http.StatusUnprocessableEntity, "outside_service_area")
	})
	t.Run("only her family may ask", func(t *testing.T) {
		stranger := srv.signUp(t)
		wantProblem(t, ask(stranger, prov.ID, bath.ID, monday), http.StatusNotFound, "elder_not_found")
		wantProblem(t, ask(daughter, prov.ID, randomID(), monday), http.StatusNotFound, "service_item_not_found")
		wantStatus(t, anonymous(srv).post(t, "/v1/quotes", map[string]any{}), http.StatusUnauthorized)
	})
}
