package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOrderThroughput measures, in one run against one server on the
// embedded stores (or REDIS_URL), 64 connections each: GET /healthz, POST
// /v1/orders (each with its own Idempotency-Key), and POST
// /v1/orders/{id}/accept of orders offered to one caregiver, auth and
// validation included. Not a test of speed: it prints what it saw.
//
//	ORDER_BENCH=1 go test ./test -run TestOrderThroughput -v -count=1
func TestOrderThroughput(t *testing.T) {
	if os.Getenv("ORDER_BENCH") == "" {
		t.Skip("a benchmark: set ORDER_BENCH=1")
	}
	conns := benchInt("CONNS", 64)
	seconds := time.Duration(benchInt("SECONDS", 10)) * time.Second
	srv, platform := startOrderServer(t, nil)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, home, allDay())
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	start := nextMondayAt(10, 0)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)
	orderBody, _ := json.Marshal(map[string]any{"elderId": mother.ID, "providerId": prov.ID, "itemId": bath.ID,
		"priceVersion": q.PriceVersion, "window": window})

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	var seq atomic.Int64
	var mu sync.Mutex
	var created []string

	healthz := run(t, client, conns, seconds, nil, func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, srv.base+"/healthz", nil)
		return r
	}, nil)
	create := run(t, client, conns, seconds, nil, func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, srv.base+"/v1/orders", bytes.NewReader(orderBody))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+daughter.access)
		r.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), seq.Add(1)))
		return r
	}, func(body []byte) {
		var o struct{ ID string }
		if json.Unmarshal(body, &o) == nil {
			mu.Lock()
			created = append(created, o.ID)
			mu.Unlock()
		}
	})

	// Offer what was created to the caregiver (not measured), then accept
	// each once, as fast as 64 connections can.
	offered := make(chan string, len(created))
	t.Logf("created %d orders; offering up to %d of them", len(created), benchInt("ACCEPTS", 600))
	var wg sync.WaitGroup
	ids := make(chan string)
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				if r := owner.post(t, "/v1/orders/"+id+"/dispatch", nil); r.status == http.StatusOK {
					offered <- id
				}
			}
		})
	}
	// Offering is slow on the embedded store (each dispatch looks for
	// free caregivers), so the accept phase takes at most ACCEPTS orders.
	if n := benchInt("ACCEPTS", 600); len(created) > n {
		created = created[:n]
	}
	for _, id := range created {
		ids <- id
	}
	close(ids)
	wg.Wait()
	close(offered)
	acceptBase, acceptToken = srv.base, carer.access
	accept := run(t, client, conns, 0, offered, func() *http.Request { return nil }, nil)

	t.Logf("%-28s %8s %9s %9s %9s %9s %7s", "target", "requests", "req/s", "p50 ms", "p99 ms", "non-2xx", "ratio")
	for _, r := range []stats{healthz, create, accept} {
		t.Logf("%-28s %8d %9.0f %9.2f %9.2f %9d %6.1f%%", r.name, r.n, r.rps, ms(r.p50), ms(r.p99), r.bad,
			100*r.rps/healthz.rps)
	}
}

type stats struct {
	name     string
	n, bad   int
	rps      float64
	p50, p99 time.Duration
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// run drives conns closed-loop workers for d, or, with ids, until every
// id was accepted once (by the caregiver of the accept phase).
func run(t *testing.T, client *http.Client, conns int, d time.Duration, ids <-chan string,
	next func() *http.Request, onBody func([]byte)) stats {
	t.Helper()
	var mu sync.Mutex
	var lat []time.Duration
	bad := 0
	name := ""
	until := time.Now().Add(d)
	begin := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for {
				var req *http.Request
				if ids != nil {
					id, ok := <-ids
					if !ok {
						return
					}
					req, _ = http.NewRequest(http.MethodPost, acceptURL(id), nil)
					req.Header.Set("Authorization", "Bearer "+acceptToken)
				} else {
					if time.Now().After(until) {
						return
					}
					req = next()
				}
				t0 := time.Now()
				res, err := client.Do(req)
				took := time.Since(t0)
				var body []byte
				if err == nil {
					body, _ = io.ReadAll(res.Body)
					res.Body.Close()
				}
				mu.Lock()
				if name == "" {
					name = req.Method + " " + req.URL.Path
				}
				lat = append(lat, took)
				if err != nil || res.StatusCode/100 != 2 {
					bad++
				} else if onBody != nil {
					onBody(body)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	slices.Sort(lat)
	s := stats{name: name, n: len(lat), bad: bad, rps: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		s.p50, s.p99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return s
}

var acceptBase, acceptToken string

func acceptURL(id string) string { return acceptBase + "/v1/orders/" + id + "/accept" }

func benchInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
