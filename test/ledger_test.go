package e2e_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

type ledgerView struct {
	Account   string `json:"account"`
	Period    string `json:"period"`
	Unit      string `json:"unit"`
	Granted   int64  `json:"granted"`
	Adjusted  int64  `json:"adjusted"`
	Held      int64  `json:"held"`
	Committed int64  `json:"committed"`
	Available int64  `json:"available"`
	Entries   []struct {
		Seq     int64  `json:"seq"`
		Kind    string `json:"kind"`
		Amount  int64  `json:"amount"`
		OrderID string `json:"orderId"`
		Reason  string `json:"reason"`
	} `json:"entries"`
	NextCursor string `json:"nextCursor"`
}

type ledgerQuoteView struct {
	quoteView
	Balances []struct {
		AllowanceID string `json:"allowanceId"`
		Period      string `json:"period"`
		Remaining   int64  `json:"remaining"`
	} `json:"balances"`
}

// ledgerOf reads every entry of an allowance's period, page by page.
func ledgerOf(t *testing.T, who *person, path, period string) ledgerView {
	t.Helper()
	var all ledgerView
	cursor := ""
	for {
		q := path + "?limit=7&period=" + period
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		page := must[ledgerView](t, who.get(t, q), http.StatusOK)
		entries := append(all.Entries, page.Entries...)
		all = page
		all.Entries = entries
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// entrySums adds the entries of each kind.
func entrySums(v ledgerView) map[string]int64 {
	out := map[string]int64{}
	for _, e := range v.Entries {
		out[e.Kind] += e.Amount
	}
	return out
}

// TestAHundredOrdersRaceForASubsidyThatCoversThirty: a mother's monthly
// bathing subsidy covers 30 baths at the 普惠 price. Her family's devices
// send 100 orders at once, each accepting the quoted price (the subsidy
// pays it all). Exactly 30 are placed, each reserving one bath; the other
// 70 are refused with allowance_changed and the new price (she would
// now pay it all), and nothing overdraws. The ledger's entries add up to
// the balance. Then 10 of the orders are cancelled, each by three
// devices at once: exactly 10 releases, one per order.
func TestAHundredOrdersRaceForASubsidyThatCoversThirty(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	// The test counts outcomes, not latency: the hundred orders queue
	// behind the embedded store's few connections, and on a busy machine
	// (other e2e tests and the security suite running beside it) the last
	// answers come after the 15 s other tests allow a request.
	srv.client.Timeout = max(time.Minute, requestTimeout)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))

	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	from, to := allowanceYears()
	subsidy := must[allowanceView](t, platform.post(t, "/v1/elders/"+mother.ID+"/allowances", map[string]any{
		"issuer": "上海市徐汇区民政局", "kind": "service_subsidy", "monthlyFen": 30 * 12000,
		"serviceTypes": []string{"bathing"}, "validFrom": from, "validTo": to}), http.StatusCreated)
	ledgerPath := "/v1/elders/" + mother.ID + "/allowances/" + subsidy.ID + "/ledger"

	monday := nextMondayAt(8, 0)
	period := monday.Format("2006-01")
	window := func(i int) map[string]string {
		start := monday.Add(time.Duration(i) * 6 * time.Minute)
		return map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	}
	q := must[ledgerQuoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
		"providerId": prov.ID, "itemId": bath.ID, "window": window(0)}), http.StatusOK)
	if q.AllowanceFen != 12000 || q.DueFen != 0 || len(q.Balances) != 1 || q.Balances[0].Remaining != 360000 ||
		q.Balances[0].Period != period {
		t.Fatalf("quote %s, want the subsidy paying all and 360000 left in %s", compactJSON(q), period)
	}

	type outcome struct {
		status  int
		order   orderView
		problem map[string]any
	}
	outcomes := make([]outcome, 100)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range outcomes {
		wg.Go(func() {
			<-gate
			r := daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
				"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window(i), "dueFen": q.DueFen},
				"Idempotency-Key", randomID())
			outcomes[i].status = r.status
			if r.status == http.StatusCreated {
				outcomes[i].order = decode[orderView](t, r)
			} else {
				outcomes[i].problem = r.json
			}
		})
	}
	close(gate)
	wg.Wait()
	var placed []orderView
	refused := 0
	for i, o := range outcomes {
		switch {
		case o.status == http.StatusCreated:
			if o.order.Pricing.AllowanceFen != 12000 || o.order.Pricing.DueFen != 0 {
				t.Errorf("order %d placed at %+v, want the subsidy paying all", i, o.order.Pricing)
			}
			placed = append(placed, o.order)
		case o.status == http.StatusConflict && o.problem["code"] == "allowance_changed":
			newQuote, _ := o.problem["quote"].(map[string]any)
			if newQuote["allowanceFen"] != float64(0) || newQuote["dueFen"] != float64(12000) {
				t.Errorf("order %d refused with quote %v, want the new price without the subsidy", i, newQuote)
			}
			refused++
		default:
			t.Errorf("order %d answered %d %v", i, o.status, o.problem)
		}
	}
	if len(placed) != 30 || refused != 70 {
		t.Fatalf("%d orders placed and %d refused, want 30 and 70", len(placed), refused)
	}

	l := ledgerOf(t, daughter, ledgerPath, period)
	sums := entrySums(l)
	if l.Granted != 360000 || l.Held != 360000 || l.Available != 0 || len(l.Entries) != 30 ||
		sums["reserve"] != 360000 || l.Granted+l.Adjusted-sums["reserve"]+sums["release"] != l.Available {
		t.Fatalf("ledger after the race: %s", compactJSON(l))
	}

	// Ten cancellations, each sent by three devices at once.
	cancelled := placed[:10]
	var mu sync.Mutex
	answers := map[string][]int{}
	for _, o := range cancelled {
		for range 3 {
			wg.Go(func() {
				r := daughter.post(t, "/v1/orders/"+o.ID+"/cancel", map[string]any{"reason": "行程有变"})
				mu.Lock()
				answers[o.ID] = append(answers[o.ID], r.status)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for id, got := range answers {
		slices.Sort(got)
		if got[0] != http.StatusOK || got[1] != http.StatusConflict || got[2] != http.StatusConflict {
			t.Errorf("three cancels of %s answered %v, want one 200 and two 409", id, got)
		}
	}
	l = ledgerOf(t, daughter, ledgerPath, period)
	sums = entrySums(l)
	releases := map[string]int{}
	for _, e := range l.Entries {
		if e.Kind == "release" {
			releases[e.OrderID]++
		}
	}
	if len(releases) != 10 || sums["release"] != 10*12000 || l.Held != 20*12000 || l.Available != 10*12000 {
		t.Fatalf("after cancelling 10: releases %v summing %d; held %d, available %d", releases, sums["release"],
			l.Held, l.Available)
	}
	for _, o := range cancelled {
		if releases[o.ID] != 1 {
			t.Errorf("order %s released %d times", o.ID, releases[o.ID])
		}
	}
	again := must[ledgerQuoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
		"providerId": prov.ID, "itemId": bath.ID, "window": window(0)}), http.StatusOK)
	if again.Balances[0].Remaining != 10*12000 || again.AllowanceFen != 12000 {
		t.Errorf("a quote after the cancellations: %s", compactJSON(again))
	}

	t.Run("an order without dueFen is priced without the spent subsidy", func(t *testing.T) {
		// Spend what is left, then order once more.
		for i := range 10 {
			wantStatus(t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
				"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window(200 + i)},
				"Idempotency-Key", randomID()), http.StatusCreated)
		}
		o := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
			"itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window(300)}, "Idempotency-Key", randomID()),
			http.StatusCreated)
		if o.Pricing.AllowanceFen != 0 || o.Pricing.DueFen != 12000 {
			t.Errorf("an order after the subsidy ran out: %+v", o.Pricing)
		}
		if l := ledgerOf(t, daughter, ledgerPath, period); l.Available != 0 || l.Held != 30*12000 {
			t.Errorf("ledger: held %d, available %d", l.Held, l.Available)
		}
	})
}

// TestARegulatorCorrectsAMonthAndOnlyARegulatorMay: a regulator adds to
// a month that was short-paid and takes back an over-payment, each with
// a reason, and the family sees both; the family, a provider and a
// stranger may not; bad amounts and periods are refused; a retry with
// the same key adjusts once.
func TestARegulatorCorrectsAMonthAndOnlyARegulatorMay(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv, regulator := st.srv, st.regulator
	son := srv.signUp(t)
	fam := son.createFamily(t, uniqueName("李家"))
	mother := son.addElder(t, fam.ID, elderBody("李桂芳", nil))
	granted := must[allowanceView](t, st.admin.post(t, "/v1/elders/"+mother.ID+"/allowances", allowanceBody()),
		http.StatusCreated)
	base := "/v1/elders/" + mother.ID + "/allowances/" + granted.ID
	period := shanghaiToday().Format("2006-01")

	credit := map[string]any{"period": period, "direction": "credit", "amount": 5000, "reason": "上月少发，补发"}
	key := randomID()
	got := must[ledgerView](t, regulator.post(t, base+"/adjustments", credit, "Idempotency-Key", key), http.StatusCreated)
	if got.Adjusted != 5000 || got.Available != 35000 || len(got.Entries) != 1 || got.Entries[0].Kind != "adjust" {
		t.Fatalf("after the credit: %s", compactJSON(got))
	}
	// The same key again: the stored answer, nothing more.
	wantStatus(t, regulator.post(t, base+"/adjustments", credit, "Idempotency-Key", key), http.StatusCreated)
	debit := map[string]any{"period": period, "direction": "debit", "amount": 2000, "reason": "重复发放追回"}
	wantStatus(t, regulator.post(t, base+"/adjustments", debit, "Idempotency-Key", randomID()), http.StatusCreated)
	l := ledgerOf(t, son, base+"/ledger", period)
	if l.Adjusted != 3000 || l.Available != 33000 || len(l.Entries) != 2 || l.Entries[0].Reason != "重复发放追回" {
		t.Fatalf("the family reads %s", compactJSON(l))
	}
	wantProblem(t, regulator.post(t, base+"/adjustments", map[string]any{"period": period, "direction": "debit",
		"amount": 33001, "reason": "追回"}, "Idempotency-Key", randomID()), http.StatusConflict, "balance_insufficient")

	t.Run("only regulators and platform admins adjust", func(t *testing.T) {
		for _, who := range []*person{son, srv.signUp(t)} {
			wantProblem(t, who.post(t, base+"/adjustments", credit, "Idempotency-Key", randomID()),
				http.StatusForbidden, "forbidden")
		}
		wantStatus(t, st.admin.post(t, base+"/adjustments", map[string]any{"direction": "credit", "amount": 1,
			"reason": "平台更正"}, "Idempotency-Key", randomID()), http.StatusCreated)
	})
	t.Run("bad amounts and periods", func(t *testing.T) {
		for _, amount := range []int{0, -100} {
			b := map[string]any{"direction": "credit", "amount": amount, "reason": "补发"}
			wantField(t, wantProblem(t, regulator.post(t, base+"/adjustments", b, "Idempotency-Key", randomID()),
				http.StatusUnprocessableEntity, "validation_failed"), "/amount")
		}
		noReason := map[string]any{"direction": "credit", "amount": 100, "reason": ""}
		wantProblem(t, regulator.post(t, base+"/adjustments", noReason, "Idempotency-Key", randomID()),
			http.StatusUnprocessableEntity, "validation_failed")
		for _, p := range []string{"2026-13", "202612", "12-2026", "last-month"} { // calendar-safe: never months
			wantProblem(t, son.get(t, base+"/ledger?period="+p), http.StatusBadRequest, "invalid_parameter")
		}
		wantProblem(t, regulator.post(t, base+"/adjustments", map[string]any{"period": "2026-1", "direction": "credit",
			"amount": 1, "reason": "x"}, "Idempotency-Key", randomID()), http.StatusUnprocessableEntity, "validation_failed")
		wantProblem(t, son.get(t, base+"/ledger?period=1999-12"), http.StatusUnprocessableEntity, "period_invalid")
	})
	t.Run("foreign elders and allowances do not exist", func(t *testing.T) {
		stranger := srv.signUp(t)
		stranger.createFamily(t, uniqueName("张家"))
		wantProblem(t, stranger.get(t, base+"/ledger"), http.StatusNotFound, "elder_not_found")
		wantProblem(t, son.get(t, "/v1/elders/"+randomID()+"/allowances/"+granted.ID+"/ledger"),
			http.StatusNotFound, "elder_not_found")
		wantProblem(t, son.get(t, "/v1/elders/"+mother.ID+"/allowances/"+randomID()+"/ledger"),
			http.StatusNotFound, "allowance_not_found")
		wantProblem(t, regulator.post(t, "/v1/elders/"+mother.ID+"/allowances/"+randomID()+"/adjustments", credit,
			"Idempotency-Key", randomID()), http.StatusNotFound, "allowance_not_found")
	})
	t.Run("a month nothing drew on shows its grant and is not opened by reading", func(t *testing.T) {
		next := shanghaiToday().AddDate(0, 1, 0).Format("2006-01")
		l := ledgerOf(t, regulator, base+"/ledger", next)
		if l.Period != next || l.Granted != 30000 || l.Available != 30000 || len(l.Entries) != 0 {
			t.Errorf("next month: %s", compactJSON(l))
		}
	})
}
