package e2e_test

// Rows: quotes and home-care orders. An order is its family's, its
// provider's (admins and office staff) and, once offered or assigned,
// its caregiver's; everyone else gets 404. What each party may do to it
// is the state machine's (domain/order/transitions.go): a party that may
// never do an action gets 403, a caregiver it is not theirs 404.

import (
	"net/http"
	"testing"
)

// orderIn is a fresh-fixture func: an order of elder A in status, with
// body.
func orderIn(status, action string, body func(id string) any) func(*testing.T, *world) fixture {
	return func(t *testing.T, w *world) fixture {
		id := w.order(t, famA, status)
		f := fixture{path: "/v1/orders/" + id + "/" + action}
		if body != nil {
			f.body = body(id)
		}
		return f
	}
}

func orderRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf, forbidden, conflict := http.StatusNotFound, http.StatusForbidden, http.StatusConflict
	order := "/v1/orders/" + w.orderA
	parties := who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: ok}
	at := func(string) any {
		return map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng, "reason": "提前到达"}
	}
	return []row{
		{op: "createQuote", each: func(*testing.T, *world) fixture {
			return fixture{path: "/v1/quotes", body: map[string]any{"elderId": w.elderA, "providerId": w.provA,
				"itemId": w.itemA, "window": w.window()}}
		}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "createOrder", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/orders", body: map[string]any{"elderId": w.elderA, "providerId": w.provA,
				"itemId": w.itemA, "priceVersion": 1, "window": w.window()}}
		}, want: who{famA: created, famA2: created}, others: nf},
		{op: "getOrder", fixture: fixture{path: order}, want: parties, others: nf},
		{op: "listFamilyOrders", fixture: fixture{path: "/v1/families/" + w.famA + "/orders"},
			want: who{famA: ok, famA2: ok}, others: nf},
		{op: "listProviderOrders", fixture: fixture{path: "/v1/providers/" + w.provA + "/orders"},
			want: who{provA: ok, officeA: ok}, others: nf},
		// A caregiver's own lists: empty for anyone else.
		{op: "listCaregiverOrders", fixture: fixture{path: "/v1/caregiver/orders"}, others: ok},
		{op: "listCaregiverOffers", fixture: fixture{path: "/v1/caregiver/offers"}, others: ok},
		{op: "dispatchOrder", fresh: orderIn("created", "dispatch", nil),
			want: who{provA: ok, officeA: ok, famA: forbidden, famA2: forbidden}, others: nf},
		// Answering an offer is the offered caregiver's: to anyone else
		// the offer does not exist.
		{op: "acceptOrder", fresh: orderIn("offered", "accept", nil), want: who{carerA: ok}, others: nf},
		{op: "declineOrder", fresh: orderIn("offered", "decline", func(string) any { return map[string]string{"reason": "那天请假"} }),
			want: who{carerA: ok}, others: nf},
		{op: "startVisit", fresh: orderIn("accepted", "start", nil),
			want: who{carerA: ok, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "reportPosition", fresh: orderIn("en_route", "position", func(string) any {
			return map[string]any{"lat": w.homeA.lat + 0.01, "lng": w.homeA.lng}
		}), want: who{carerA: none, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "checkIn", fresh: orderIn("en_route", "check-in", at),
			want: who{carerA: ok, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "beginService", fresh: orderIn("arrived", "begin", nil),
			want: who{carerA: ok, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "writeServiceRecord", fresh: orderIn("in_service", "record", func(id string) any {
			return map[string]any{"checklist": []string{"dressed"}, "notes": "水温40度", "photoKeys": []string{"orders/" + id + "/after.jpg"}}
		}), want: who{carerA: ok, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "checkOut", fresh: orderIn("in_service", "check-out", at),
			want: who{carerA: ok, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "confirmOrder", fresh: orderIn("completed", "confirm", nil),
			want: who{famA: ok, famA2: ok, carerA: forbidden, provA: forbidden, officeA: forbidden}, others: nf},
		// A family ends an order; a provider hands it back to dispatch.
		{op: "cancelOrder", fresh: orderIn("accepted", "cancel", func(string) any { return map[string]string{"reason": "临时有事"} }),
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: forbidden}, others: nf},
		// Nobody is a no-show before the window has begun.
		{op: "reportNoShow", fixture: fixture{path: order + "/no-show", body: map[string]string{"reason": "没有人来"}},
			want: who{famA: conflict, famA2: conflict, provA: conflict, officeA: conflict, carerA: conflict}, others: nf},
	}
}
