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
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/test/loadkit"
)

// TestLedgerOverHTTP measures reservations as families make them: POST
// /v1/orders on an elder whose allowance pays (the order reserves in the
// ledger), then POST /v1/orders/{id}/cancel (it releases), timed as one
// call, so accounts keep at most one open hold per connection. CONNS
// (16) connections for SECONDS (10) after WARMUP (2) s; two workloads
// one after the other: one elder's allowance (every call on one
// account), and ALLOWANCES (1000) elders with an allowance each, picked
// at random. The server runs on the embedded stores, or on REDIS_URL
// (and MONGODB_URI) when set. It asserts no speed; it checks each
// account ends with nothing held.
//
//	LEDGER_BENCH=1 go test ./test -run TestLedgerOverHTTP -v -count=1 -timeout 30m
func TestLedgerOverHTTP(t *testing.T) {
	if os.Getenv("LEDGER_BENCH") == "" {
		t.Skip("a benchmark: set LEDGER_BENCH=1")
	}
	conns := benchInt("CONNS", 16)
	seconds := time.Duration(benchInt("SECONDS", 10)) * time.Second
	warmup := time.Duration(benchInt("WARMUP", 2)) * time.Second
	many := benchInt("ALLOWANCES", 1000)
	srv, platform := startOrderServer(t, nil)
	redisMode := "embedded miniredis"
	if os.Getenv("REDIS_URL") != "" {
		redisMode = "redis-server at REDIS_URL"
	}
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	from, to := allowanceYears()
	elders := make([]string, many+1)
	allowances := make([]string, many+1)
	setup := time.Now()
	for i := range elders {
		e := daughter.addElder(t, fam.ID, elderBody("老人"+strconv.Itoa(i), map[string]any{"address": address(home.lat, home.lng)}))
		elders[i] = e.ID
		allowances[i] = must[allowanceView](t, platform.post(t, "/v1/elders/"+e.ID+"/allowances", map[string]any{
			"issuer": "上海市徐汇区民政局", "kind": "service_subsidy", "monthlyFen": 100_000_000,
			"serviceTypes": []string{"bathing"}, "validFrom": from, "validTo": to}), http.StatusCreated).ID
	}
	start := nextMondayAt(10, 0)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": elders[0], "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	t.Logf("set up %d elders with an allowance each in %s; machine: %d CPUs, %s; Redis: %s; load average before: %s",
		len(elders), time.Since(setup).Round(time.Second), runtime.NumCPU(), loadkit.CPUModel(), redisMode,
		loadkit.LoadAverage())

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	send := func(path string, body []byte, key string) (int, []byte) {
		r, _ := http.NewRequest(http.MethodPost, srv.base+path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+daughter.access)
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		res, err := client.Do(r)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	cancel, _ := json.Marshal(map[string]string{"reason": "bench"})
	type result struct {
		name string
		loadkit.Result
	}
	var results []result
	for _, w := range []struct {
		name   string
		elders []string
	}{{"contended: 1 allowance", elders[:1]}, {fmt.Sprintf("spread: %d allowances", many), elders[1:]}} {
		bodies := make([][]byte, len(w.elders))
		for i, e := range w.elders {
			bodies[i], _ = json.Marshal(map[string]any{"elderId": e, "providerId": prov.ID, "itemId": bath.ID,
				"priceVersion": q.PriceVersion, "window": window, "dueFen": 0})
		}
		d := loadkit.Drive(conns, warmup, seconds, func(_ int, n int64, rng *rand.Rand) loadkit.Call {
			body := bodies[rng.IntN(len(bodies))]
			key := fmt.Sprintf("ledger-bench-%d-%d", time.Now().UnixNano(), n)
			return func() (string, int) {
				status, b := send("/v1/orders", body, key)
				if status != http.StatusCreated {
					return "order " + strconv.Itoa(status), 1
				}
				var o struct{ ID string }
				_ = json.Unmarshal(b, &o)
				if status, _ := send("/v1/orders/"+o.ID+"/cancel", cancel, ""); status != http.StatusOK {
					return "cancel " + strconv.Itoa(status), 1
				}
				return "reserved+released", 1
			}
		})
		results = append(results, result{name: w.name, Result: d})
		t.Logf("%s: %d pairs, %.1f/s, p50 %.1f ms, p99 %.1f ms; %s (warm-up: %s)", w.name, d.N, d.RPS,
			float64(d.P50.Microseconds())/1000, float64(d.P99.Microseconds())/1000, loadkit.Outcomes(d.Outcomes, " "),
			loadkit.Outcomes(d.Warm, " "))
	}
	t.Logf("load average after: %s", loadkit.LoadAverage())
	for i, e := range elders[:min(len(elders), 50)] {
		path := "/v1/elders/" + e + "/allowances/" + allowances[i] + "/ledger?limit=1&period=" + start.Format("2006-01")
		if l := must[ledgerView](t, daughter.get(t, path), http.StatusOK); l.Held != 0 {
			t.Errorf("elder %d's allowance still holds %d", i, l.Held)
		}
	}
	t.Logf("%-28s %8s %8s %8s %8s %8s", "workload", "pairs", "pairs/s", "p50 ms", "p99 ms", "max ms")
	for _, r := range results {
		t.Logf("%-28s %8d %8.1f %8.1f %8.1f %8.1f", r.name, r.N, r.RPS, float64(r.P50.Microseconds())/1000,
			float64(r.P99.Microseconds())/1000, float64(r.Max.Microseconds())/1000)
	}
	t.Logf("contended ÷ spread: %.2f", results[0].RPS/results[1].RPS)
}
