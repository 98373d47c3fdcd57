package e2e_test

// Rows: quotes and home-care orders. An order is its family's, its
// provider's (admins and office staff) and, once offered or assigned,
// its caregiver's; everyone else gets 404. What each party may do to it
// is the state machine's (domain/order/transitions.go): a party that may
// never do an action gets 403, a caregiver it is not theirs 404. The
// orders are the world's, each in a state where the action does nothing
// (409 order_status_conflict or order_already_accepted): a 409 is only
// answered past every check of who may act, so it proves the caller was
// let through, and no order has to be made per probe (the stories in
// orders_*_test.go show each action succeeding).

import (
	"net/http"
	"testing"
)

func orderRows(w *world) []row {
	ok, created := http.StatusOK, http.StatusCreated
	nf, forbidden, conflict := http.StatusNotFound, http.StatusForbidden, http.StatusConflict
	order := func(id, action string) string { return "/v1/orders/" + id + "/" + action }
	parties := who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: ok}
	at := map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng, "reason": "提前到达"}
	// What only the assigned caregiver does: the family and the office
	// may never (403), anyone else does not see the order (404).
	caregivers := func(status int) map[actor]int {
		return who{carerA: status, famA: forbidden, famA2: forbidden, provA: forbidden, officeA: forbidden}
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
		{op: "getOrder", fixture: fixture{path: "/v1/orders/" + w.orderA}, want: parties, others: nf},
		{op: "listFamilyOrders", fixture: fixture{path: "/v1/families/" + w.famA + "/orders"},
			want: who{famA: ok, famA2: ok}, others: nf},
		{op: "listProviderOrders", fixture: fixture{path: "/v1/providers/" + w.provA + "/orders"},
			want: who{provA: ok, officeA: ok}, others: nf},
		// A caregiver's own lists: empty for anyone else.
		{op: "listCaregiverOrders", fixture: fixture{path: "/v1/caregiver/orders"}, others: ok},
		{op: "listCaregiverOffers", fixture: fixture{path: "/v1/caregiver/offers"}, others: ok},
		{op: "dispatchOrder", fixture: fixture{path: order(w.orderA, "dispatch")},
			want: who{provA: conflict, officeA: conflict, famA: forbidden, famA2: forbidden, carerA: forbidden}, others: nf},
		// Answering an offer is the offered caregiver's (this one another
		// took first): to anyone else the offer does not exist.
		{op: "acceptOrder", fixture: fixture{path: order(w.orderTaken, "accept")}, want: who{carerA: conflict}, others: nf},
		{op: "declineOrder", fixture: fixture{path: order(w.orderTaken, "decline"), body: map[string]string{"reason": "那天请假"}},
			want: who{carerA: conflict}, others: nf},
		{op: "startVisit", fixture: fixture{path: order(w.orderEnRoute, "start")}, want: caregivers(conflict), others: nf},
		{op: "reportPosition", fixture: fixture{path: order(w.orderA, "position"),
			body: map[string]any{"lat": w.homeA.lat + 0.01, "lng": w.homeA.lng}}, want: caregivers(conflict), others: nf},
		{op: "checkIn", fixture: fixture{path: order(w.orderInService, "check-in"), body: at}, want: caregivers(conflict), others: nf},
		{op: "beginService", fixture: fixture{path: order(w.orderA, "begin")}, want: caregivers(conflict), others: nf},
		// Writing the record again replaces it: the one action here that
		// succeeds, and changes nothing another row reads.
		{op: "writeServiceRecord", fixture: fixture{path: order(w.orderInService, "record"), body: map[string]any{
			"checklist": []string{"dressed"}, "notes": "水温40度", "photoKeys": []string{"orders/" + w.orderInService + "/after.jpg"}}},
			want: caregivers(ok), others: nf},
		{op: "checkOut", fixture: fixture{path: order(w.orderA, "check-out"), body: at}, want: caregivers(conflict), others: nf},
		{op: "confirmOrder", fixture: fixture{path: order(w.orderCancelled, "confirm")},
			want: who{famA: conflict, famA2: conflict, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "cancelOrder", fixture: fixture{path: order(w.orderCancelled, "cancel"), body: map[string]string{"reason": "临时有事"}},
			want: who{famA: conflict, famA2: conflict, provA: conflict, officeA: conflict}, others: nf},
		// Nobody is a no-show before the window has begun.
		{op: "reportNoShow", fixture: fixture{path: order(w.orderA, "no-show"), body: map[string]string{"reason": "没有人来"}},
			want: who{famA: conflict, famA2: conflict, provA: conflict, officeA: conflict, carerA: conflict}, others: nf},
	}
}
