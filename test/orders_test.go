package e2e_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

type orderView struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	OrderedBy   string `json:"orderedBy"`
	ElderID     string `json:"elderId"`
	CaregiverID string `json:"caregiverId"`
	Pricing     struct {
		MarketFen, InclusiveFen, AllowanceFen, DueFen int64
	} `json:"pricing"`
	Window struct {
		Start    time.Time `json:"start"`
		TimeZone string    `json:"timeZone"`
	} `json:"window"`
	Address *struct {
		Street string  `json:"street"`
		Lat    float64 `json:"lat"`
	} `json:"address"`
	Offers []struct {
		CaregiverID string `json:"caregiverId"`
	} `json:"offers"`
	Version int64 `json:"version"`
}

// TestDaughterOrdersBathingAndOneCaregiverTakesIt: a daughter orders a
// bath for her mother at the price she was quoted; the provider's office
// offers it to its nearest qualified caregiver, whose phone is told at
// once; the caregiver finds it among her offers and accepts; the daughter
// is told, and sees who comes. Strangers see nothing, and the caregiver
// sees the address only once the order is hers.
func TestDaughterOrdersBathingAndOneCaregiverTakesIt(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startOrderServer(t, fcm)
	home := point{lat: 31.1883, lng: 121.4365}

	// The provider, its bathing service and a certified bather nearby.
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": []map[string]any{{"weekday": 1, "open": "08:00", "close": "18:00"}}}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	bather := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, point{lat: home.lat + 0.005, lng: home.lng},
		[]map[string]any{{"weekday": 1, "open": "08:00", "close": "18:00"}})
	batherPhoneToken := bather.addDevice(t, "android")

	// The daughter, her mother and a quote.
	daughter := srv.signUp(t)
	daughterToken := daughter.addDevice(t, "ios")
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	monday := nextMondayAt(10, 0)
	window := map[string]string{"start": monday.Format(time.RFC3339), "end": monday.Add(time.Hour).Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID, "providerId": prov.ID,
		"itemId": bath.ID, "window": window}), http.StatusOK)

	// She orders at that price.
	body := map[string]any{"elderId": mother.ID, "providerId": prov.ID, "itemId": bath.ID,
		"priceVersion": q.PriceVersion, "window": window, "notes": "请敲门两次"}
	key := randomID()
	created := must[orderView](t, daughter.post(t, "/v1/orders", body, "Idempotency-Key", key), http.StatusCreated)
	if created.Status != "created" || created.OrderedBy != daughter.id || created.ElderID != mother.ID ||
		created.Pricing.DueFen != q.DueFen || created.Window.TimeZone != "Asia/Shanghai" || !created.Window.Start.Equal(monday) {
		t.Fatalf("created %s", compactJSON(created))
	}
	stale := map[string]any{}
	for k, v := range body {
		stale[k] = v
	}
	stale["priceVersion"] = q.PriceVersion + 1
	wantProblem(t, daughter.post(t, "/v1/orders", stale, "Idempotency-Key", randomID()), http.StatusConflict, "price_changed")

	t.Run("a retry orders nothing more", func(t *testing.T) {
		r := daughter.post(t, "/v1/orders", body, "Idempotency-Key", key)
		again := must[orderView](t, r, http.StatusCreated)
		if again.ID != created.ID || r.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry answered order %s (replayed %q), want %s replayed", again.ID,
				r.header.Get("Idempotent-Replayed"), created.ID)
		}
		wantProblem(t, daughter.post(t, "/v1/orders", stale, "Idempotency-Key", key),
			http.StatusUnprocessableEntity, "idempotency_key_reused")
		wantProblem(t, daughter.post(t, "/v1/orders", body), http.StatusBadRequest, "idempotency_key_required")
	})

	// Before it is offered, the bather cannot see it.
	orderPath := "/v1/orders/" + created.ID
	wantProblem(t, bather.get(t, orderPath), http.StatusNotFound, "order_not_found")
	wantProblem(t, srv.signUp(t).get(t, orderPath), http.StatusNotFound, "order_not_found")
	wantProblem(t, daughter.post(t, orderPath+"/dispatch", nil), http.StatusForbidden, "order_action_forbidden")

	// The office offers it; the bather's phone hears at once.
	offered := must[orderView](t, owner.post(t, orderPath+"/dispatch", nil), http.StatusOK)
	if offered.Status != "offered" || len(offered.Offers) != 1 || offered.Offers[0].CaregiverID != bather.id {
		t.Fatalf("after dispatch %s, want offered to the bather", compactJSON(offered))
	}
	offerPush := waitPushes(t, fcm, batherPhoneToken, 1)[0]
	if offerPush.Data["type"] != "order.offered" || offerPush.Data["id"] != created.ID || offerPush.Android.Priority != "high" {
		t.Errorf("offer push %s", describePushes([]fakefcm.Message{offerPush}))
	}
	offers := must[struct{ Items []orderView }](t, bather.get(t, "/v1/caregiver/offers"), http.StatusOK)
	if len(offers.Items) != 1 || offers.Items[0].ID != created.ID || offers.Items[0].Address != nil {
		t.Fatalf("bather's offers %s, want this order without the address", compactJSON(offers))
	}

	// She accepts; a second accept is refused; the daughter hears.
	accepted := must[orderView](t, bather.post(t, orderPath+"/accept", nil), http.StatusOK)
	if accepted.Status != "accepted" || accepted.CaregiverID != bather.id || accepted.Address == nil ||
		accepted.Address.Lat != home.lat {
		t.Fatalf("after accepting the bather sees %s, want it hers with the address", compactJSON(accepted))
	}
	wantProblem(t, bather.post(t, orderPath+"/accept", nil), http.StatusConflict, "order_already_accepted")
	joined := waitPushes(t, fcm, daughterToken, 1)
	if joined[len(joined)-1].Data["type"] != "order.accepted" {
		t.Errorf("daughter's pushes %s, want order.accepted", describePushes(joined))
	}

	t.Run("fifty identical orders at once are one order", func(t *testing.T) {
		same := randomID()
		next := monday.AddDate(0, 0, 7)
		body := map[string]any{"elderId": mother.ID, "providerId": prov.ID, "itemId": bath.ID,
			"priceVersion": q.PriceVersion, "window": map[string]string{"start": next.Format(time.RFC3339),
				"end": next.Add(time.Hour).Format(time.RFC3339)}}
		ids := make(chan string, 50)
		replayed := make(chan bool, 50)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				r := daughter.post(t, "/v1/orders", body, "Idempotency-Key", same)
				if r.status != http.StatusCreated {
					t.Errorf("a concurrent create answered %d: %s", r.status, r.body)
					return
				}
				ids <- must[orderView](t, r, http.StatusCreated).ID
				replayed <- r.header.Get("Idempotent-Replayed") == "true"
			})
		}
		wg.Wait()
		close(ids)
		close(replayed)
		distinct := map[string]bool{}
		for id := range ids {
			distinct[id] = true
		}
		originals := 0
		for r := range replayed {
			if !r {
				originals++
			}
		}
		if len(distinct) != 1 || originals != 1 {
			t.Errorf("50 creates with one key made orders %v, %d answered as originals; want one order, one original",
				distinct, originals)
		}
	})

	t.Run("declining hands the order back", func(t *testing.T) {
		next := monday.AddDate(0, 0, 14)
		other := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion, "notes": "门禁密码 1234",
			"window": map[string]string{"start": next.Format(time.RFC3339), "end": next.Add(time.Hour).Format(time.RFC3339)}},
			"Idempotency-Key", randomID()), http.StatusCreated)
		wantStatus(t, owner.post(t, "/v1/orders/"+other.ID+"/dispatch", nil), http.StatusOK)
		offers := must[struct {
			Items []struct {
				ID    string `json:"id"`
				Notes string `json:"notes"`
			}
		}](t, bather.get(t, "/v1/caregiver/offers"), http.StatusOK)
		for _, o := range offers.Items {
			if o.ID == other.ID && o.Notes != "" {
				t.Errorf("an offer shows the family's notes %q before acceptance", o.Notes)
			}
		}
		declined := must[orderView](t, bather.post(t, "/v1/orders/"+other.ID+"/decline",
			map[string]string{"reason": "那天请假"}), http.StatusOK)
		if declined.Status != "dispatching" || declined.Address != nil {
			t.Errorf("after declining the bather sees %s, want it back in dispatch without the address", compactJSON(declined))
		}
		wantProblem(t, bather.get(t, "/v1/orders/"+other.ID), http.StatusNotFound, "order_not_found")
	})

	// Polling with the ETag costs nothing while nothing changes.
	r := daughter.get(t, orderPath)
	wantStatus(t, r, http.StatusOK)
	etag := r.header.Get("ETag")
	if again := daughter.get(t, orderPath, "If-None-Match", etag); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag answered %d, want 304", again.status)
	}
}
