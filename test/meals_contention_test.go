package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Portions never oversell, and each winner's subsidy is drawn once: a
// lunch of 120 portions, 300 families each ordering for their own elder
// at the same instant. Exactly 120 orders are placed and 180 told
// window_full; afterwards the canteen's window (its slot in MongoDB)
// holds 120 orders, each placed order is stored with ¥5 of subsidy, and
// each elder's allowance account holds exactly that order's ¥5 — the
// winners' 120 × 500 fen and nothing of the losers'.
func TestThreeHundredFamiliesRaceForOneHundredTwentyLunches(t *testing.T) {
	t.Parallel()
	const familiesN, portions, perMeal = 300, 120, 500
	redisURL, _ := privateRedis(t)
	w := newMealWorld(t, portions, 2, "REDIS_URL", redisURL)
	people := crowd(t, w.srv, familiesN)
	families := make([]mealFamily, familiesN)
	var setup sync.WaitGroup
	next := make(chan int)
	for range 8 {
		setup.Go(func() {
			for i := range next {
				families[i] = newMealFamily(t, people[i], w.platform, w.site.offset(float64(i%40)*20, 0))
			}
		})
	}
	for i := range familiesN {
		next <- i
	}
	close(next)
	setup.Wait()
	if t.Failed() {
		t.FailNow()
	}

	client := &http.Client{Timeout: max(requestTimeout, 3*time.Minute),
		Transport: &http.Transport{MaxIdleConnsPerHost: familiesN, MaxConnsPerHost: familiesN}}
	var mu sync.Mutex
	outcomes := map[string]int{}
	placed := map[string]mealOrderView{} // by elder
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i, f := range families {
		wg.Go(func() {
			<-gate
			raw, _ := json.Marshal(mealOrderBody(f.elderID, w.canteen.ID, w.day, nil))
			// A 503 is retried with the same key, as the apps do: under
			// race on a busy CI machine a request may time out waiting for
			// the store, and the key makes its retry safe.
			var res *http.Response
			var body []byte
			for attempt := 1; ; attempt++ {
				req, _ := http.NewRequest(http.MethodPost, w.srv.base+"/v1/meal-orders", bytes.NewReader(raw))
				req.Header.Set("Authorization", "Bearer "+f.owner.access)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("lunch-%d", i))
				var err error
				if res, err = client.Do(req); err != nil {
					t.Errorf("family %d: %v", i, err)
					return
				}
				body, _ = io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusServiceUnavailable || attempt == 3 {
					break
				}
				t.Logf("family %d: 503 on attempt %d, retried with the same key", i, attempt)
			}
			var o mealOrderView
			var prob problem
			_ = json.Unmarshal(body, &o)
			_ = json.Unmarshal(body, &prob)
			mu.Lock()
			defer mu.Unlock()
			outcomes[fmt.Sprintf("%d %s", res.StatusCode, prob.Code)]++
			if res.StatusCode == http.StatusCreated {
				placed[f.elderID] = o
			}
		})
	}
	began := time.Now()
	close(gate)
	wg.Wait()
	t.Logf("%d meal orders at once in %s: %v", familiesN, time.Since(began).Round(time.Millisecond), outcomes)
	for o, n := range outcomes {
		if o != "201 " && o != "409 window_full" {
			t.Errorf("unexpected outcome: %d × %s\nserver errors:\n%s", n, o, serverErrors(w.srv, 10))
		}
	}
	if outcomes["201 "] != portions || outcomes["409 window_full"] != familiesN-portions || len(placed) != portions {
		t.Fatalf("%d placed (%d elders), %d window_full; want %d and %d", outcomes["201 "], len(placed),
			outcomes["409 window_full"], portions, familiesN-portions)
	}

	// Afterwards, from what MongoDB holds: the window's slot, each order,
	// each elder's ledger account.
	menu := w.owner.menuOf(t, w.canteen.ID, w.day)
	if win := menu.Windows[0]; win.Ordered != portions || win.Remaining != 0 {
		t.Fatalf("the window holds %d orders with %d left, want %d and 0", win.Ordered, win.Remaining, portions)
	}
	var drawn int64
	var check sync.WaitGroup
	var checkMu sync.Mutex
	next = make(chan int)
	for range 8 {
		check.Go(func() {
			for i := range next {
				f := families[i]
				o, won := placed[f.elderID]
				want := int64(0)
				if won {
					stored := must[mealOrderView](t, f.owner.get(t, "/v1/meal-orders/"+o.ID), http.StatusOK)
					if stored.Status != "placed" || stored.SubsidyFen != perMeal || stored.DueFen != 1000+300-perMeal {
						t.Errorf("elder %s's stored order: %+v", f.elderID, stored)
					}
					want = perMeal
				}
				l := ledgerOf(t, f.owner, "/v1/elders/"+f.elderID+"/allowances/"+f.allowance+"/ledger", w.day[:7])
				if sums := entrySums(l); l.Held != want || sums["reserve"] != want || sums["release"] != 0 {
					t.Errorf("elder %s (won %v): held %d, entries %v; want %d held", f.elderID, won, l.Held, sums, want)
				}
				checkMu.Lock()
				drawn += l.Held
				checkMu.Unlock()
			}
		})
	}
	for i := range familiesN {
		next <- i
	}
	close(next)
	check.Wait()
	if drawn != portions*perMeal {
		t.Fatalf("subsidies drawn: %d fen, want %d × %d", drawn, portions, perMeal)
	}
}
