package e2e_test

// API6:2023 Unrestricted Access to Sensitive Business Flows. The flows a
// bot would automate are bounded by rules of the business, not only by
// the rate limits: login codes are texted at most once a minute per
// phone; an invite brings in one person once; an order is placed at the
// price quoted and once per Idempotency-Key, however often it is sent;
// a parent holds at most the offering's number of places on a slot and
// a retried hold takes no second one; a waitlist is only for a full
// tier; a provider the platform has not verified can be neither found
// nor ordered from.

import (
	"net/http"
	"testing"
)

func testBusinessFlows(t *testing.T, w *world) {
	t.Run("a phone is texted a login code at most once a minute", func(t *testing.T) {
		t.Parallel()
		ph, from := newPhone(), []string{"X-Forwarded-For", randomAddress()}
		w.srv.requestCode(t, ph, from...)
		r := w.srv.post(t, "/v1/auth/otp", map[string]string{"phone": ph.national}, from...)
		wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
		if s := retryAfter(t, r); s < 1 || s > 60 {
			t.Errorf("Retry-After %d, want 1..60", s)
		}
		if n := len(w.srv.sms.messages(ph.e164)); n != 1 {
			t.Errorf("the phone was texted %d codes, want 1", n)
		}
	})
	t.Run("an invite brings in one person once", func(t *testing.T) {
		t.Parallel()
		f := w.who(famA).createFamily(t, uniqueName("王家"))
		inv := w.who(famA).invite(t, f.ID, nil, "member") // a code anyone holding it may use
		first, second := w.signUp(t), w.signUp(t)
		wantStatus(t, first.accept(t, inv.Code), http.StatusOK)
		wantProblem(t, second.accept(t, inv.Code), http.StatusConflict, "invite_used")
		if _, in := w.who(famA).family(t, f.ID).member(second.id); in {
			t.Error("a spent invite let a second person in")
		}
	})
	t.Run("an order is placed at the quoted price, once per key", func(t *testing.T) {
		t.Parallel()
		famA := w.who(famA)
		window := w.window()
		q := must[quoteView](t, famA.post(t, "/v1/quotes", map[string]any{"elderId": w.elderA, "providerId": w.provA,
			"itemId": w.itemA, "window": window}), http.StatusOK)
		body := map[string]any{"elderId": w.elderA, "providerId": w.provA, "itemId": w.itemA,
			"priceVersion": q.PriceVersion - 1, "window": window}
		if q.PriceVersion > 1 {
			wantProblem(t, famA.post(t, "/v1/orders", body, "Idempotency-Key", randomID()), http.StatusConflict, "price_changed")
		}
		body["priceVersion"] = q.PriceVersion + 1
		wantProblem(t, famA.post(t, "/v1/orders", body, "Idempotency-Key", randomID()), http.StatusConflict, "price_changed")
		body["priceVersion"] = q.PriceVersion
		key := randomID()
		first := must[orderView](t, famA.post(t, "/v1/orders", body, "Idempotency-Key", key), http.StatusCreated)
		for range 3 {
			again := famA.post(t, "/v1/orders", body, "Idempotency-Key", key)
			if got := must[orderView](t, again, http.StatusCreated); got.ID != first.ID || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("a retry answered order %s (replayed %q), want %s replayed", got.ID, again.header.Get("Idempotent-Replayed"), first.ID)
			}
		}
		// The price is the quote's. What the elder's allowance covers of it
		// may differ: the allowance is shared with the suite's other
		// flows, running in parallel, which spend and release it.
		if p := first.Pricing; p.MarketFen != q.MarketFen || p.InclusiveFen != q.InclusiveFen ||
			p.DueFen+p.AllowanceFen != q.DueFen+q.AllowanceFen {
			t.Errorf("the order's pricing %+v, the quote said market %d, inclusive %d, allowance %d + due %d",
				p, q.MarketFen, q.InclusiveFen, q.AllowanceFen, q.DueFen)
		}
	})
	t.Run("places cannot be hoarded", func(t *testing.T) {
		t.Parallel()
		parent := w.signUp(t)
		slot := w.who(provA).openDay(t, w.offeringA, <-w.days).SlotID
		key := randomID()
		first := must[holdView](t, parent.hold(t, slot, "market", key), http.StatusCreated)
		if again := must[holdView](t, parent.hold(t, slot, "market", key), http.StatusCreated); again.ID != first.ID {
			t.Errorf("a retried hold took hold %s, want %s again", again.ID, first.ID)
		}
		wantStatus(t, parent.hold(t, slot, "market", randomID()), http.StatusCreated) // twins: two per slot
		wantProblem(t, parent.hold(t, slot, "market", randomID()), http.StatusConflict, "hold_limit_reached")
		if s := must[slotView](t, parent.get(t, "/v1/slots/"+slot), http.StatusOK); s.Remaining.Market != 20-5-2 {
			t.Errorf("after two holds the slot has %d market places left, want %d", s.Remaining.Market, 20-5-2)
		}
	})
	t.Run("a waitlist is only for a full tier", func(t *testing.T) {
		t.Parallel()
		wantProblem(t, w.who(famB).post(t, "/v1/slots/"+w.slotA+"/waitlist", map[string]string{"tier": "market"}),
			http.StatusConflict, "slot_has_places")
	})
	t.Run("an unverified provider can be neither found nor ordered from", func(t *testing.T) {
		t.Parallel()
		owner := w.signUp(t)
		here := randomPlace()
		body := w.providerBody(here)
		prov := owner.register(t, body)
		item := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
		if page := anonymous(w.srv).search(t, "/v1/providers", here, nil); len(page.Items) != 0 {
			t.Errorf("search near an unverified provider finds %s", describeHits(page))
		}
		wantProblem(t, anonymous(w.srv).page(t, prov.ID), http.StatusNotFound, "provider_not_found")
		got := w.who(famA).post(t, "/v1/quotes", map[string]any{"elderId": w.elderA, "providerId": prov.ID,
			"itemId": item.ID, "window": w.window()})
		if got.status != http.StatusNotFound {
			t.Errorf("a quote from an unverified provider: %d %v, want 404", got.status, got.json["code"])
		}
	})
}
