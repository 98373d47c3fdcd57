package e2e_test

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// classPaymentView is what the ledger records of a seat's price.
type classPaymentView struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	PriceFen int64  `json:"priceFen"`
	Payment  struct {
		AmountFen int64  `json:"amountFen"`
		Status    string `json:"status"`
		Entries   []struct {
			Kind   string `json:"kind"`
			Amount int64  `json:"amount"`
		} `json:"entries"`
	} `json:"payment"`
}

// kinds counts a payment's entries by kind.
func (v classPaymentView) kinds() map[string]int {
	out := map[string]int{}
	for _, e := range v.Payment.Entries {
		out[e.Kind]++
	}
	return out
}

// holdSeat holds a seat of a (paid) session through the engine.
func (p *person) holdSeat(t *testing.T, sessionID, key string) holdView {
	t.Helper()
	return must[holdView](t, p.post(t, "/v1/slots/"+sessionID+"/holds", nil, "Idempotency-Key", key), http.StatusCreated)
}

// bookHeld books the seat p holds.
func (p *person) bookHeld(t *testing.T, sessionID, holdID string) *response {
	t.Helper()
	return p.post(t, "/v1/sessions/"+sessionID+"/bookings", map[string]string{"holdId": holdID}, "Idempotency-Key", "confirm-"+holdID)
}

func wantPayment(t *testing.T, v classPaymentView, status string, amount int64, kinds map[string]int) {
	t.Helper()
	got := v.kinds()
	if v.Payment.Status != status || v.Payment.AmountFen != amount || len(got) != len(kinds) {
		t.Fatalf("booking %s: payment %+v, want %s of %d with %v", v.ID, v.Payment, status, amount, kinds)
	}
	for k, n := range kinds {
		if got[k] != n {
			t.Fatalf("booking %s: entries %v, want %v", v.ID, got, kinds)
		}
	}
}

// TestAPaidClassIsHeldConfirmedAndSettledInTheLedger: a ¥88 class. One
// call does not book it (hold first); a held seat confirmed reserves
// ¥88 in the attendee's seat account, once however often it is retried;
// a cancellation before the cutoff releases it; the organiser calling
// the session off releases every attendee's at once with an urgent
// notice; attendance commits it. A free class still books in one call.
func TestAPaidClassIsHeldConfirmedAndSettledInTheLedger(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	srv, platform := startClassServer(t, clk, "")
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	mum, dad, aunt := srv.signUp(t), srv.signUp(t), srv.signUp(t)

	const price = 8800
	paid := owner.course(t, org.ID, courseBody(5, map[string]any{"priceFen": price}))
	if c := must[struct {
		PriceFen int64 `json:"priceFen"`
	}](t, srv.get(t, "/v1/courses/"+paid.ID), http.StatusOK); c.PriceFen != price {
		t.Fatalf("the course shows priceFen %d", c.PriceFen)
	}
	wantFieldCode(t, wantProblem(t, owner.post(t, "/v1/providers/"+org.ID+"/courses", courseBody(5,
		map[string]any{"priceFen": 600_000})), http.StatusUnprocessableEntity, "validation_failed"), "/priceFen", "maximum")
	start := startOfMinute(clk.now(), 6*time.Hour)
	first := owner.schedule(t, paid.ID, start, nil)
	second := owner.schedule(t, paid.ID, start.Add(24*time.Hour), nil)
	if s := mum.session(t, first.ID); s.Remaining != 5 {
		t.Fatalf("a new paid session has %d seats left", s.Remaining)
	}

	// One call does not book a paid seat.
	p := wantProblem(t, mum.bookSeat(t, first.ID, "one-call"), http.StatusConflict, "paid_session_hold_required")
	if p.Detail == "" {
		t.Errorf("the refusal says nothing: %+v", p)
	}
	// Hold, then confirm with the hold: ¥88 held in the ledger, once.
	h := mum.holdSeat(t, first.ID, "mum-1")
	seat := must[classPaymentView](t, mum.bookHeld(t, first.ID, h.ID), http.StatusCreated)
	if seat.ID != h.ID || seat.PriceFen != price {
		t.Fatalf("booked %+v from hold %s", seat, h.ID)
	}
	wantPayment(t, seat, "held", price, map[string]int{"reserve": 1})
	again := mum.bookHeld(t, first.ID, h.ID)
	wantStatus(t, again, http.StatusOK)
	wantPayment(t, must[classPaymentView](t, mum.get(t, "/v1/class-bookings/"+seat.ID), http.StatusOK), "held", price,
		map[string]int{"reserve": 1})
	// Another's hold is not theirs to confirm.
	dh := dad.holdSeat(t, first.ID, "dad-1")
	wantProblem(t, aunt.bookHeld(t, first.ID, dh.ID), http.StatusNotFound, "hold_not_found")
	dadSeat := must[classPaymentView](t, dad.bookHeld(t, first.ID, dh.ID), http.StatusCreated)

	// Cancelled before the cutoff: released, nothing owed.
	cancelled := must[classPaymentView](t, mum.post(t, "/v1/class-bookings/"+seat.ID+"/cancel", nil), http.StatusOK)
	wantPayment(t, cancelled, "released", price, map[string]int{"reserve": 1, "release": 1})
	wantProblem(t, mum.post(t, "/v1/class-bookings/"+seat.ID+"/cancel", nil), http.StatusConflict, "booking_already_cancelled")
	// She books again: a new seat, a new account.
	h2 := mum.holdSeat(t, first.ID, "mum-2")
	reseat := must[classPaymentView](t, mum.bookHeld(t, first.ID, h2.ID), http.StatusCreated)
	wantPayment(t, reseat, "held", price, map[string]int{"reserve": 1})

	// The organiser calls the session off: both released, both told at once.
	wantStatus(t, owner.post(t, "/v1/sessions/"+first.ID+"/cancel", map[string]string{"reason": "场地维修"}), http.StatusOK)
	for who, id := range map[*person]string{mum: reseat.ID, dad: dadSeat.ID} {
		wantPayment(t, must[classPaymentView](t, who.get(t, "/v1/class-bookings/"+id), http.StatusOK), "released", price,
			map[string]int{"reserve": 1, "release": 1})
		if n := who.waitNotification(t, "class_booking.cancelled_by_provider"); !n.Urgent {
			t.Errorf("the cancellation of a paid session was not urgent: %+v", n)
		}
	}

	// Calling it off again finishes nothing twice.
	wantProblem(t, owner.post(t, "/v1/sessions/"+first.ID+"/cancel", map[string]string{"reason": "场地维修"}),
		http.StatusConflict, "session_cancelled")
	wantPayment(t, must[classPaymentView](t, dad.get(t, "/v1/class-bookings/"+dadSeat.ID), http.StatusOK), "released", price,
		map[string]int{"reserve": 1, "release": 1})

	// Attendance commits: aunt checks in, dad is marked absent after the
	// cutoff passed (the seat was his).
	ah := aunt.holdSeat(t, second.ID, "aunt-1")
	auntSeat := must[classPaymentView](t, aunt.bookHeld(t, second.ID, ah.ID), http.StatusCreated)
	dh2 := dad.holdSeat(t, second.ID, "dad-2")
	dadSeat2 := must[classPaymentView](t, dad.bookHeld(t, second.ID, dh2.ID), http.StatusCreated)
	code := must[struct {
		CheckInCode string `json:"checkInCode"`
	}](t, owner.get(t, "/v1/sessions/"+second.ID+"/roster"), http.StatusOK).CheckInCode
	clk.moveTo(t, start.Add(24*time.Hour-10*time.Minute))
	wantStatus(t, aunt.post(t, "/v1/sessions/"+second.ID+"/check-in", map[string]string{"code": code}), http.StatusOK)
	wantPayment(t, must[classPaymentView](t, aunt.get(t, "/v1/class-bookings/"+auntSeat.ID), http.StatusOK), "committed", price,
		map[string]int{"reserve": 1, "commit": 1})
	clk.moveTo(t, start.Add(24*time.Hour+time.Minute))
	mark := map[string]any{"bookingId": dadSeat2.ID, "attended": false}
	wantStatus(t, owner.post(t, "/v1/sessions/"+second.ID+"/attendance", mark), http.StatusOK)
	wantStatus(t, owner.post(t, "/v1/sessions/"+second.ID+"/attendance", mark), http.StatusOK)
	wantPayment(t, must[classPaymentView](t, dad.get(t, "/v1/class-bookings/"+dadSeat2.ID), http.StatusOK), "committed", price,
		map[string]int{"reserve": 1, "commit": 1})

	// What attendees owe an organiser is no allowance its statement claims.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	st := must[struct {
		Claims []any `json:"claims"`
		Totals struct {
			AllowanceClaimFen int64 `json:"allowanceClaimFen"`
		} `json:"totals"`
	}](t, owner.get(t, "/v1/providers/"+org.ID+"/statements/"+start.Add(24*time.Hour).In(shanghai).Format("2006-01")), http.StatusOK)
	if len(st.Claims) != 0 || st.Totals.AllowanceClaimFen != 0 {
		t.Errorf("the organiser's statement claims class seats as allowances: %+v", st)
	}

	// A paid seat offered from the waitlist is accepted the same way:
	// with the offer's hold, reserving its price only then.
	one := owner.schedule(t, paid.ID, start.Add(72*time.Hour), map[string]any{"seats": 1})
	gh := dad.holdSeat(t, one.ID, "dad-one")
	taken := must[classPaymentView](t, dad.bookHeld(t, one.ID, gh.ID), http.StatusCreated)
	wantStatus(t, mum.post(t, "/v1/sessions/"+one.ID+"/waitlist", nil), http.StatusCreated)
	wantStatus(t, dad.post(t, "/v1/class-bookings/"+taken.ID+"/cancel", nil), http.StatusOK)
	offer := mum.waitNotification(t, "class_booking.waitlist_promoted")
	accepted := must[classPaymentView](t, mum.acceptOffer(t, one.ID, offer), http.StatusCreated)
	wantPayment(t, accepted, "held", price, map[string]int{"reserve": 1})

	// A free class still books in one call, and owes nothing.
	free := owner.course(t, org.ID, courseBody(5, nil))
	fs := owner.schedule(t, free.ID, start.Add(48*time.Hour), nil)
	wantPayment(t, must[classPaymentView](t, mum.bookSeat(t, fs.ID, "free-1"), http.StatusCreated), "none", 0, nil)
}

// TestPaidSeatRetriesAndCancellationsRaceWithoutDoubleEntries: one held
// seat confirmed by eight devices at once, then cancelled by eight at
// once: one booking, one reserve and one release in its account.
func TestPaidSeatRetriesAndCancellationsRaceWithoutDoubleEntries(t *testing.T) {
	t.Parallel()
	clk := newOffsetClock(t)
	srv, platform := startClassServer(t, clk, "")
	owner := srv.signUp(t)
	org := owner.classOrganizer(t, platform)
	mum := srv.signUp(t)
	paid := owner.course(t, org.ID, courseBody(3, map[string]any{"priceFen": 5000}))
	sess := owner.schedule(t, paid.ID, startOfMinute(clk.now(), 6*time.Hour), nil)

	h := mum.holdSeat(t, sess.ID, "race")
	const devices = 8
	statuses := make([]int, devices)
	ids := make([]string, devices)
	var wg sync.WaitGroup
	for i := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mum.bookHeld(t, sess.ID, h.ID)
			statuses[i] = r.status
			if r.status < 300 {
				ids[i] = decode[classPaymentView](t, r).ID
			}
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if (st != http.StatusCreated && st != http.StatusOK) || ids[i] != h.ID {
			t.Fatalf("confirm %d: %d %q, want the booking %s", i, st, ids[i], h.ID)
		}
	}
	if s := owner.session(t, sess.ID); s.Booked != 1 {
		t.Fatalf("%d booked after one seat confirmed %d times", s.Booked, devices)
	}
	wantPayment(t, must[classPaymentView](t, mum.get(t, "/v1/class-bookings/"+h.ID), http.StatusOK), "held", 5000,
		map[string]int{"reserve": 1})

	for i := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = mum.post(t, "/v1/class-bookings/"+h.ID+"/cancel", nil).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Fatalf("a cancellation answered %d", st)
		}
	}
	if ok < 1 {
		t.Fatalf("no cancellation succeeded: %v", statuses)
	}
	wantPayment(t, must[classPaymentView](t, mum.get(t, "/v1/class-bookings/"+h.ID), http.StatusOK), "released", 5000,
		map[string]int{"reserve": 1, "release": 1})
	// A late retry of the confirmation books nothing and reserves nothing.
	late := mum.bookHeld(t, sess.ID, h.ID)
	if late.status >= 300 && late.status != http.StatusConflict && late.status != http.StatusNotFound {
		t.Fatalf("a late confirmation answered %d", late.status)
	}
	wantPayment(t, must[classPaymentView](t, mum.get(t, "/v1/class-bookings/"+h.ID), http.StatusOK), "released", 5000,
		map[string]int{"reserve": 1, "release": 1})
	if s := owner.session(t, sess.ID); s.Booked != 0 {
		t.Fatalf("%d booked after the seat was cancelled", s.Booked)
	}
}
