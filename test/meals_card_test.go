package e2e_test

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

type mealCardView struct {
	ElderID  string    `json:"elderId"`
	Serial   int       `json:"serial"`
	Code     string    `json:"code"`
	IssuedAt time.Time `json:"issuedAt"`
}

// An elder without a phone eats with a printed card: his daughter prints
// it with a PIN (a retry prints nothing more); the counter scans it and
// types the PIN. A card and the phone code presented at once redeem the
// meal once; a second card scan is told who redeemed it. A card the
// family replaced stops working; nobody but the canteen's staff may try
// a PIN, and guessing it is cut off after five tries.
func TestAPrintedCardRedeemsOnceAndItsPINCannotBeGuessed(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 120, 2)
	f := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	other := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	o := must[mealOrderView](t, f.owner.orderMeal(t, mealOrderBody(f.elderID, w.canteen.ID, w.day, map[string]any{"mode": "dine_in"}),
		randomID()), http.StatusCreated)
	office := w.owner.hireStaff(t, w.canteen.ID, "provider_staff")

	cardPath := "/v1/elders/" + f.elderID + "/meal-card"
	key := randomID()
	card := must[mealCardView](t, f.owner.post(t, cardPath, map[string]string{"pin": "1357"}, "Idempotency-Key", key), http.StatusCreated)
	if again := must[mealCardView](t, f.owner.post(t, cardPath, map[string]string{"pin": "1357"}, "Idempotency-Key", key),
		http.StatusCreated); again.Serial != card.Serial || again.Code != card.Code || card.Serial != 1 {
		t.Fatalf("a retried card: %+v then %+v", card, again)
	}
	wantProblem(t, f.owner.post(t, cardPath, map[string]string{"pin": "12a4"}, "Idempotency-Key", randomID()),
		http.StatusUnprocessableEntity, "validation_failed")
	wantProblem(t, other.owner.post(t, cardPath, map[string]string{"pin": "1357"}, "Idempotency-Key", randomID()),
		http.StatusNotFound, "elder_not_found")
	wantProblem(t, other.owner.get(t, cardPath), http.StatusNotFound, "elder_not_found")
	if png := f.owner.get(t, cardPath+".png"); png.status != http.StatusOK || !bytes.HasPrefix(png.body, []byte("\x89PNG")) {
		t.Fatalf("the card's QR: %d %.8q", png.status, png.body)
	}

	w.clk.moveTo(t, lunchCutoff(t, w.day).Add(95*time.Minute))
	scan := func(p *person, code, pin string) *response {
		return p.post(t, "/v1/meal-card-redemptions", map[string]string{"providerId": w.canteen.ID, "card": code, "pin": pin})
	}
	// Not the canteen's: no canteen, before any card is read or counted.
	wantProblem(t, scan(other.owner, card.Code, "1357"), http.StatusNotFound, "canteen_not_found")
	wantProblem(t, scan(office, card.Code[:len(card.Code)-3]+"AAA", "1357"), http.StatusUnprocessableEntity, "meal_card_invalid")
	wantProblem(t, scan(office, card.Code, "7531"), http.StatusUnprocessableEntity, "meal_card_pin_wrong") // try 1

	// The card at one counter and the daughter's phone code at the other,
	// at once: one meal.
	code := must[mealCodeView](t, f.owner.get(t, "/v1/meal-orders/"+o.ID+"/code"), http.StatusOK)
	outcomes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, r := range []func() *response{
		func() *response { return scan(office, card.Code, "1357") }, // try 2
		func() *response { return w.owner.post(t, "/v1/meal-redemptions", map[string]string{"code": code.Code}) },
	} {
		wg.Go(func() {
			got := r()
			mu.Lock()
			defer mu.Unlock()
			outcomes[fmt.Sprint(got.status, " ", got.json["code"])]++
		})
	}
	wg.Wait()
	if outcomes["200 <nil>"] != 1 || outcomes["409 meal_already_served"] != 1 {
		t.Fatalf("card and code at once: %v", outcomes)
	}
	wantProblem(t, scan(w.owner, card.Code, "1357"), http.StatusConflict, "meal_already_served") // try 3
	l := ledgerOf(t, f.owner, "/v1/elders/"+f.elderID+"/allowances/"+f.allowance+"/ledger", w.day[:7])
	if sums := entrySums(l); sums["commit"] != 500 || l.Held != 0 {
		t.Fatalf("the allowance after the meal: %+v", l)
	}

	// The card is lost: a new one replaces it.
	card2 := must[mealCardView](t, f.owner.post(t, cardPath, map[string]string{"pin": "8642"}, "Idempotency-Key", randomID()),
		http.StatusCreated)
	if card2.Serial != 2 || card2.Code == card.Code {
		t.Fatalf("the new card: %+v", card2)
	}
	wantProblem(t, scan(office, card.Code, "1357"), http.StatusConflict, "meal_card_replaced")              // try 4
	wantProblem(t, scan(office, card2.Code, "0000"), http.StatusUnprocessableEntity, "meal_card_pin_wrong") // try 5
	// Five tries in minutes: the card is locked, right PIN or not.
	locked := scan(office, card2.Code, "8642")
	wantProblem(t, locked, http.StatusTooManyRequests, "rate_limited")
	if locked.header.Get("Retry-After") == "" {
		t.Errorf("the locked card's answer has no Retry-After")
	}
}
