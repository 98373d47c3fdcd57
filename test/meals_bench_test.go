package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/test/loadkit"
)

// TestMealOrderThroughput measures meal orders at one contended lunch
// window, beside GET /healthz (a route that does nothing) in the same
// run and against the same server: CONNS (64) connections, each a
// daughter ordering for her own elders one after another (so one user
// never holds two portions at once), SECONDS (10) after WARMUP (1) s.
// Three targets: /healthz; POST /v1/meal-orders that take a portion of
// a window of 2,000 (auth, the idempotency claim, the hold in Redis,
// the seat in one conditional write of the slot, two ledger
// reservations, the order's insert); and POST /v1/meal-orders at a
// window already full (refused: window_full). The server runs on the
// embedded stores, with REDIS_URL when set. It asserts no speed.
//
//	MEAL_BENCH=1 go test ./test -run TestMealOrderThroughput -v -count=1 -timeout 30m
func TestMealOrderThroughput(t *testing.T) {
	if os.Getenv("MEAL_BENCH") == "" {
		t.Skip("a benchmark: set MEAL_BENCH=1")
	}
	conns := benchInt("CONNS", 64)
	seconds := time.Duration(benchInt("SECONDS", 10)) * time.Second
	warmup := time.Duration(benchInt("WARMUP", 1)) * time.Second
	perConn := benchInt("ELDERS_PER_CONN", 7) // 448 of the window's 500 portions
	var extra []string
	redisMode := "embedded miniredis"
	if url := os.Getenv("REDIS_URL"); url != "" {
		extra, redisMode = []string{"REDIS_URL", url}, "redis-server at REDIS_URL"
	}
	w := newMealWorld(t, 500, 2, extra...)
	setup := time.Now()
	daughters := crowd(t, w.srv, conns)
	elders := make([][]string, conns)
	var wg sync.WaitGroup
	for i, d := range daughters {
		wg.Go(func() {
			f := d.createFamily(t, uniqueName("张家"))
			for j := range perConn {
				e := d.addElder(t, f.ID, elderBody("老人"+strconv.Itoa(j), map[string]any{"address": address(w.site.lat, w.site.lng)}))
				wantStatus(t, w.platform.post(t, "/v1/elders/"+e.ID+"/allowances", allowanceBody()), http.StatusCreated)
				elders[i] = append(elders[i], e.ID)
			}
		})
	}
	wg.Wait()
	// A second day whose lunch has one portion, taken: the full window.
	full := mealDay(3)
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/canteen", canteenBody(1, w.site)), http.StatusOK)
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+full, lunchMenu()), http.StatusOK)
	wantStatus(t, daughters[0].orderMeal(t, mealOrderBody(elders[0][0], w.canteen.ID, full, nil), randomID()), http.StatusCreated)
	t.Logf("set up %d daughters with %d elders each in %s; machine: %d CPUs, %s; Redis: %s; load average before: %s",
		conns, perConn, time.Since(setup).Round(time.Second), runtime.NumCPU(), loadkit.CPUModel(), redisMode,
		loadkit.LoadAverage())

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	do := func(r *http.Request) string { return outcomeOf(client, r) }
	healthz := loadkit.Drive(conns, warmup, seconds, func(int, int64, *rand.Rand) loadkit.Call {
		return func() (string, int) {
			r, _ := http.NewRequest(http.MethodGet, w.srv.base+"/healthz", nil)
			return do(r), 1
		}
	})
	order := func(day string, next func(worker int) (string, bool)) func(int, int64, *rand.Rand) loadkit.Call {
		return func(worker int, n int64, _ *rand.Rand) loadkit.Call {
			elder, ok := next(worker)
			if !ok {
				return func() (string, int) { return "no elder left", 0 }
			}
			body, _ := json.Marshal(mealOrderBody(elder, w.canteen.ID, day, nil))
			return func() (string, int) {
				r, _ := http.NewRequest(http.MethodPost, w.srv.base+"/v1/meal-orders", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Authorization", "Bearer "+daughters[worker].access)
				r.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%s-%d", day, n))
				return do(r), 1
			}
		}
	}
	// Every elder once: the window's 500 portions bound the run, so it is
	// timed from the first order to the last answer, not for SECONDS.
	placed := each(conns, perConn, func(worker, j int) string {
		outcome, _ := order(w.day, func(int) (string, bool) { return elders[worker][j], true })(worker, int64(worker*perConn+j), nil)()
		return outcome
	})
	refused := loadkit.Drive(conns, warmup, seconds, order(full, func(worker int) (string, bool) {
		return elders[worker][len(elders[worker])-1], true
	}))
	t.Logf("load average after: %s", loadkit.LoadAverage())
	t.Logf("%-40s %8s %9s %9s %9s  %s", "target", "requests", "req/s", "p50 ms", "p99 ms", "vs /healthz, outcomes")
	for _, r := range []struct {
		name string
		res  loadkit.Result
	}{{"GET /healthz", healthz}, {"POST /v1/meal-orders (portion taken)", placed}, {"POST /v1/meal-orders (window full)", refused}} {
		t.Logf("%-40s %8d %9.1f %9.2f %9.2f  %.2f %%, %s", r.name, r.res.N, r.res.RPS, ms(r.res.P50), ms(r.res.P99),
			100*r.res.RPS/healthz.RPS, loadkit.Outcomes(r.res.Outcomes, ", "))
	}
	menu := w.owner.menuOf(t, w.canteen.ID, w.day)
	t.Logf("the window holds %d orders (%d answered 201)", menu.Windows[0].Ordered, placed.Outcomes["201"])
}

// each runs calls(worker, j) for j < perConn on conns workers at once and
// times them as loadkit.Drive would, from the first call to the last
// answer.
func each(conns, perConn int, call func(worker, j int) string) loadkit.Result {
	lat := make([][]time.Duration, conns)
	outcomes := make([]map[string]int, conns)
	var wg sync.WaitGroup
	began := time.Now()
	for i := range conns {
		outcomes[i] = map[string]int{}
		wg.Go(func() {
			for j := range perConn {
				t0 := time.Now()
				outcomes[i][call(i, j)]++
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	var all []time.Duration
	res := loadkit.Result{Outcomes: map[string]int{}, Warm: map[string]int{}}
	for i := range conns {
		all = append(all, lat[i]...)
		for k, v := range outcomes[i] {
			res.Outcomes[k] += v
		}
	}
	slices.Sort(all)
	res.N, res.Tries = len(all), len(all)
	res.RPS = float64(len(all)) / elapsed.Seconds()
	res.P50, res.P99, res.Max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	return res
}

// TestMealRedemptionLatency measures the counter's scan, POST
// /v1/meal-redemptions, beside GET /healthz against the same server in
// the same run: CONNS (32) canteen tablets (closed-loop connections,
// the canteen admin's token), and CONNS × ELDERS_PER_CONN (4) dine-in
// lunches ordered by as many families, each with its phone code of this
// minute fetched just before. Three targets: every meal redeemed once,
// each tablet scanning its own meals in turn (timed from the first scan
// to the last answer: the meals bound the run); then duplicate scans of
// meals already redeemed, SECONDS (10) after WARMUP (1) s, every answer
// 409 meal_already_served naming who and when; then /healthz for as
// long. A first scan is: auth, the code's HMAC, the order's read and
// party check (family, provider), the order's conditional write with
// its push in the outbox, the canteen's read and two ledger commits
// (the elder's allowance and the month's cap). It asserts no speed
// except that every meal was redeemed once.
//
//	MEAL_BENCH=1 go test ./test -run TestMealRedemptionLatency -v -count=1 -timeout 30m
func TestMealRedemptionLatency(t *testing.T) {
	if os.Getenv("MEAL_BENCH") == "" {
		t.Skip("a benchmark: set MEAL_BENCH=1")
	}
	conns := benchInt("CONNS", 32)
	seconds := time.Duration(benchInt("SECONDS", 10)) * time.Second
	warmup := time.Duration(benchInt("WARMUP", 1)) * time.Second
	perConn := benchInt("ELDERS_PER_CONN", 4)
	var extra []string
	redisMode := "embedded miniredis"
	if url := os.Getenv("REDIS_URL"); url != "" {
		extra, redisMode = []string{"REDIS_URL", url}, "redis-server at REDIS_URL"
	}
	w := newMealWorld(t, min(conns*perConn+10, 500), 2, extra...)
	setup := time.Now()
	daughters := crowd(t, w.srv, conns)
	orders := make([][]string, conns)
	var wg sync.WaitGroup
	for i, d := range daughters {
		wg.Go(func() {
			f := d.createFamily(t, uniqueName("张家"))
			for j := range perConn {
				e := d.addElder(t, f.ID, elderBody("老人"+strconv.Itoa(j), map[string]any{"address": address(w.site.lat, w.site.lng)}))
				wantStatus(t, w.platform.post(t, "/v1/elders/"+e.ID+"/allowances", allowanceBody()), http.StatusCreated)
				o := must[mealOrderView](t, d.orderMeal(t, mealOrderBody(e.ID, w.canteen.ID, w.day, map[string]any{"mode": "dine_in"}),
					randomID()), http.StatusCreated)
				orders[i] = append(orders[i], o.ID)
			}
		})
	}
	wg.Wait()
	// Lunch is being served; every family shows its code of this minute.
	w.clk.moveTo(t, lunchCutoff(t, w.day).Add(95*time.Minute))
	codes := make([][]string, conns)
	for i, d := range daughters {
		wg.Go(func() {
			for _, id := range orders[i] {
				codes[i] = append(codes[i], must[mealCodeView](t, d.get(t, "/v1/meal-orders/"+id+"/code"), http.StatusOK).Code)
			}
		})
	}
	wg.Wait()
	t.Logf("set up %d families with %d lunches each in %s; machine: %d CPUs, %s; Redis: %s; load average before: %s",
		conns, perConn, time.Since(setup).Round(time.Second), runtime.NumCPU(), loadkit.CPUModel(), redisMode,
		loadkit.LoadAverage())

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	do := func(r *http.Request) string { return outcomeOf(client, r) }
	scan := func(code string) string {
		body, _ := json.Marshal(map[string]string{"code": code})
		r, _ := http.NewRequest(http.MethodPost, w.srv.base+"/v1/meal-redemptions", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+w.owner.access)
		return do(r)
	}
	first := each(conns, perConn, func(worker, j int) string { return scan(codes[worker][j]) })
	again := loadkit.Drive(conns, warmup, seconds, func(worker int, _ int64, rng *rand.Rand) loadkit.Call {
		code := codes[worker][rng.IntN(perConn)]
		return func() (string, int) { return scan(code), 1 }
	})
	healthz := loadkit.Drive(conns, warmup, seconds, func(int, int64, *rand.Rand) loadkit.Call {
		return func() (string, int) {
			r, _ := http.NewRequest(http.MethodGet, w.srv.base+"/healthz", nil)
			return do(r), 1
		}
	})
	t.Logf("load average after: %s", loadkit.LoadAverage())
	t.Logf("%-44s %8s %9s %9s %9s  %s", "target", "requests", "req/s", "p50 ms", "p99 ms", "vs /healthz, outcomes")
	for _, r := range []struct {
		name string
		res  loadkit.Result
	}{{"GET /healthz", healthz}, {"POST /v1/meal-redemptions (first scan)", first},
		{"POST /v1/meal-redemptions (already redeemed)", again}} {
		t.Logf("%-44s %8d %9.1f %9.2f %9.2f  %.2f %%, %s", r.name, r.res.N, r.res.RPS, ms(r.res.P50), ms(r.res.P99),
			100*r.res.RPS/healthz.RPS, loadkit.Outcomes(r.res.Outcomes, ", "))
	}
	if first.Outcomes["200"] != conns*perConn {
		t.Errorf("first scans: %v, want %d × 200", first.Outcomes, conns*perConn)
	}
}

// outcomeOf sends r and names its outcome for a load run's tally: the
// status, with the problem's code when refused, or "error".
func outcomeOf(client *http.Client, r *http.Request) string {
	res, err := client.Do(r)
	if err != nil {
		return "error"
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode < 300 {
		return strconv.Itoa(res.StatusCode)
	}
	var p problem
	_ = json.Unmarshal(body, &p)
	return strconv.Itoa(res.StatusCode) + " " + p.Code
}
