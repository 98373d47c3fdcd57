package e2e_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type mealCodeView struct {
	MealOrderID string    `json:"mealOrderId"`
	Code        string    `json:"code"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

// At the counter: the daughter's app shows her father's code, which
// rotates every minute; the canteen's five tablets scan it at once and
// the meal is redeemed once — the other four are told who redeemed it
// and when — and its subsidy is committed once. A forged code is refused,
// a code of this canteen's order scanned by another canteen is not
// found, a code two minutes old is expired unless the tablet scanned it
// in time while offline and syncs it now; the code's QR is a PNG.
func TestCanteenRedeemsAMealOnceWhateverScansIt(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	f := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	g := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	dineIn := map[string]any{"mode": "dine_in"}
	first := must[mealOrderView](t, f.owner.orderMeal(t, mealOrderBody(f.elderID, w.canteen.ID, w.day, dineIn), randomID()),
		http.StatusCreated)
	second := must[mealOrderView](t, g.owner.orderMeal(t, mealOrderBody(g.elderID, w.canteen.ID, w.day, dineIn), randomID()),
		http.StatusCreated)
	office := w.srv.signUp(t)
	wantStatus(t, w.owner.post(t, "/v1/providers/"+w.canteen.ID+"/staff-invites",
		map[string]string{"phone": office.phone.national, "role": "provider_staff"}), http.StatusCreated)
	wantStatus(t, office.post(t, "/v1/providers/"+w.canteen.ID+"/staff-invites/accept", nil), http.StatusOK)

	// Lunch is being served.
	w.clk.moveTo(t, lunchCutoff(t, w.day).Add(95*time.Minute))
	code := must[mealCodeView](t, f.owner.get(t, "/v1/meal-orders/"+first.ID+"/code"), http.StatusOK)
	if code.MealOrderID != first.ID || code.ExpiresAt.Sub(w.clk.now()) > time.Minute+time.Second {
		t.Fatalf("the code: %+v", code)
	}
	wantProblem(t, w.owner.get(t, "/v1/meal-orders/"+first.ID+"/code"), http.StatusNotFound, "meal_order_not_found")
	png := f.owner.get(t, "/v1/meal-orders/"+first.ID+"/code.png")
	if png.status != http.StatusOK || png.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(png.body, []byte("\x89PNG")) {
		t.Fatalf("code.png: %d %s %.8q", png.status, png.header.Get("Content-Type"), png.body)
	}
	forged := code.Code[:len(code.Code)-3] + "AAA"
	wantProblem(t, w.owner.post(t, "/v1/meal-redemptions", map[string]string{"code": forged}), http.StatusUnprocessableEntity,
		"meal_code_invalid")

	// Five tablets (the admin's and the office's, some twice) at once.
	tablets := []*person{w.owner, office, w.owner, office, w.owner}
	outcomes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range tablets {
		wg.Go(func() {
			r := p.post(t, "/v1/meal-redemptions", map[string]string{"code": code.Code})
			mu.Lock()
			defer mu.Unlock()
			outcomes[fmt.Sprint(r.status, " ", r.json["code"])]++
		})
	}
	wg.Wait()
	if outcomes["200 <nil>"] != 1 || outcomes["409 meal_already_served"] != 4 {
		t.Fatalf("five scans at once: %v", outcomes)
	}
	again := wantProblem(t, office.post(t, "/v1/meal-redemptions", map[string]string{"code": code.Code}), http.StatusConflict,
		"meal_already_served")
	if !strings.Contains(again.Detail, "served") && !strings.Contains(again.Detail, "记录") {
		t.Errorf("the second scan is not told who redeemed it: %+v", again)
	}
	l := ledgerOf(t, f.owner, "/v1/elders/"+f.elderID+"/allowances/"+f.allowance+"/ledger", w.day[:7])
	if sums := entrySums(l); l.Committed != 500 || sums["commit"] != 500 || l.Held != 0 {
		t.Fatalf("the allowance after the meal: %+v", l)
	}

	// Another canteen's tablet: not found. A code two minutes old:
	// expired, unless the tablet scanned it in time and syncs it now.
	rival := w.srv.signUp(t)
	rival.canteenProvider(t, w.platform, w.site.offset(800, 800))
	code2 := must[mealCodeView](t, g.owner.get(t, "/v1/meal-orders/"+second.ID+"/code"), http.StatusOK)
	wantProblem(t, rival.post(t, "/v1/meal-redemptions", map[string]string{"code": code2.Code}), http.StatusNotFound,
		"meal_order_not_found")
	scanned := w.clk.now()
	w.clk.moveTo(t, scanned.Add(2*time.Minute))
	wantProblem(t, office.post(t, "/v1/meal-redemptions", map[string]string{"code": code2.Code}), http.StatusConflict,
		"meal_code_expired")
	got := must[mealOrderView](t, office.post(t, "/v1/meal-redemptions", map[string]any{"code": code2.Code,
		"scannedAt": scanned.UTC().Format(time.RFC3339Nano)}), http.StatusOK)
	if got.Status != "served" || got.ServedBy != office.id {
		t.Fatalf("the offline scan: %+v", got)
	}
	wantProblem(t, g.owner.get(t, "/v1/meal-orders/"+second.ID+"/code"), http.StatusConflict, "meal_already_served")
}
