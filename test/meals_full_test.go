package e2e_test

import (
	"net/http"
	"testing"
)

// A sold-out lunch refuses from Redis before anything is read: a new
// order is window_full whatever elder it names — one of the caller's,
// another family's, one that does not exist (so the refusal tells
// nothing of elders) — while at a window with portions the foreign and
// the missing elder are both not found. A retry of the order placed
// before the window filled still answers that order (through HTTP the
// idempotency guard answers it; the use case's own replay, which the
// subscription generator relies on, is TestKnownFullSparesNoRetry's).
func TestASoldOutLunchRefusesBeforeReadingAndStillReplays(t *testing.T) {
	t.Parallel()
	w := newMealWorld(t, 1, 2)
	f := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	g := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	h := newMealFamily(t, w.srv.signUp(t), w.platform, w.site)
	body := mealOrderBody(f.elderID, w.canteen.ID, w.day, nil)
	placed := must[mealOrderView](t, f.owner.orderMeal(t, body, "first"), http.StatusCreated)

	wantProblem(t, g.owner.orderMeal(t, mealOrderBody(g.elderID, w.canteen.ID, w.day, nil), randomID()), http.StatusConflict,
		"window_full")
	wantProblem(t, g.owner.orderMeal(t, mealOrderBody(h.elderID, w.canteen.ID, w.day, nil), randomID()), http.StatusConflict,
		"window_full")
	wantProblem(t, g.owner.orderMeal(t, mealOrderBody("no-such-elder", w.canteen.ID, w.day, nil), randomID()),
		http.StatusConflict, "window_full")
	if again := must[mealOrderView](t, f.owner.orderMeal(t, body, "first"), http.StatusCreated); again.ID != placed.ID {
		t.Fatalf("the retry answered %s, want %s", again.ID, placed.ID)
	}

	// Another day with portions: foreign and missing elders are not found.
	open := mealDay(3)
	wantStatus(t, w.owner.put(t, "/v1/providers/"+w.canteen.ID+"/menus/"+open, lunchMenu()), http.StatusOK)
	wantProblem(t, g.owner.orderMeal(t, mealOrderBody(h.elderID, w.canteen.ID, open, nil), randomID()), http.StatusNotFound,
		"elder_not_found")
	wantProblem(t, g.owner.orderMeal(t, mealOrderBody("no-such-elder", w.canteen.ID, open, nil), randomID()),
		http.StatusNotFound, "elder_not_found")
}
