package e2e_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// soonWindow is a window of length d starting about half an hour from
// now in Shanghai, kept within one local day before 23:59 (late in the
// evening it moves past midnight, still within the two hours a check-in
// may come early).
func soonWindow(d time.Duration) (time.Time, time.Time) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Now().In(loc).Add(30 * time.Minute).Truncate(5 * time.Minute)
	if end := start.Add(d); end.Day() != start.Day() || end.Hour() == 23 && end.Minute() > 58 {
		y, m, dd := start.AddDate(0, 0, 1).Date()
		start = time.Date(y, m, dd, 0, 5, 0, 0, loc)
	}
	return start, start.Add(d)
}

// allDay is open every day all day, as a 24-hour home-care line is.
func allDay() []map[string]any {
	var out []map[string]any
	for d := 1; d <= 7; d++ {
		out = append(out, map[string]any{"weekday": d, "open": "00:00", "close": "23:59"})
	}
	return out
}

type visitStamp struct {
	InsideGeofence  *bool `json:"insideGeofence"`
	OnTime          *bool `json:"onTime"`
	Flagged         *bool `json:"flagged"`
	DurationMinutes *int  `json:"durationMinutes"`
}

type visitOrderView struct {
	orderView
	CheckIn  *visitStamp `json:"checkIn"`
	CheckOut *visitStamp `json:"checkOut"`
	Record   *struct {
		Checklist []string `json:"checklist"`
		Vitals    *struct {
			SystolicMmHg int     `json:"systolicMmHg"`
			TemperatureC float64 `json:"temperatureC"`
		} `json:"vitals"`
	} `json:"record"`
}

// TestBathingAndAHomeVisitFromOrderToConfirmation: the whole visit, for
// a bath and for a home visit: ordered, assigned, on the way, checked in
// at the door, served, recorded, checked out, confirmed, with the
// daughter's phone told at each step and the record kept.
func TestBathingAndAHomeVisitFromOrderToConfirmation(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startOrderServer(t, fcm)
	home := point{lat: 31.1883, lng: 121.4365}

	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家照护中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	carer := owner.hireCaregiver(t, prov.ID, []string{"bathing", "home_visit"},
		point{lat: home.lat + 0.004, lng: home.lng}, allDay())

	daughter := srv.signUp(t)
	daughterPhone := daughter.addDevice(t, "ios")
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))

	for _, c := range []struct {
		service   string
		checklist []string
	}{
		{"bathing", []string{"water_temperature_checked", "skin_checked", "dressed"}},
		{"home_visit", []string{"wellbeing_asked", "vitals_taken"}},
	} {
		t.Run(c.service, func(t *testing.T) {
			item := owner.addItem(t, prov.ID, itemBody(c.service, 15000, 12000))
			start, end := soonWindow(45 * time.Minute)
			window := map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
			q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
				"providerId": prov.ID, "itemId": item.ID, "window": window}), http.StatusOK)
			o := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID,
				"providerId": prov.ID, "itemId": item.ID, "priceVersion": q.PriceVersion, "window": window},
				"Idempotency-Key", randomID()), http.StatusCreated)
			path := "/v1/orders/" + o.ID
			before := len(pushesTo(fcm, daughterPhone))

			step := func(who *person, action string, body any, want string) visitOrderView {
				t.Helper()
				got := must[visitOrderView](t, who.post(t, path+"/"+action, body), http.StatusOK)
				if got.Status != want {
					t.Fatalf("after %s the order is %s, want %s", action, got.Status, want)
				}
				return got
			}
			at := map[string]any{"lat": home.lat + 0.0003, "lng": home.lng, "deviceTime": time.Now().Format(time.RFC3339)}
			step(owner, "dispatch", map[string]string{"caregiverId": carer.id}, "accepted")
			// Out of order: no check-out before check-in.
			wantProblem(t, carer.post(t, path+"/check-out", at), http.StatusConflict, "order_status_conflict")
			step(carer, "start", nil, "en_route")
			// On the way, her position shows on the daughter's map; not
			// more often than every 15 s.
			onTheWay := map[string]any{"lat": home.lat + 0.002, "lng": home.lng}
			wantStatus(t, carer.post(t, path+"/position", onTheWay), http.StatusNoContent)
			wantProblem(t, carer.post(t, path+"/position", onTheWay), http.StatusTooManyRequests, "position_too_frequent")
			if seen := must[struct {
				LastPosition *struct{ Lat float64 } `json:"lastPosition"`
			}](t, daughter.get(t, path), http.StatusOK); seen.LastPosition == nil || seen.LastPosition.Lat != home.lat+0.002 {
				t.Errorf("the daughter sees the caregiver at %+v", seen.LastPosition)
			}
			in := step(carer, "check-in", at, "arrived")
			if in.CheckIn == nil || !*in.CheckIn.InsideGeofence || !*in.CheckIn.OnTime || *in.CheckIn.Flagged {
				t.Errorf("check-in 33 m from home, on time: %s", compactJSON(in.CheckIn))
			}
			step(carer, "begin", nil, "in_service")
			// Vitals out of range are refused, naming the field.
			bad := map[string]any{"checklist": c.checklist, "vitals": map[string]any{"systolicMmHg": 400}}
			wantProblem(t, carer.do(t, http.MethodPut, path+"/record", bad), http.StatusUnprocessableEntity, "vitals_out_of_range")
			rec := must[visitOrderView](t, carer.do(t, http.MethodPut, path+"/record", map[string]any{
				"checklist": c.checklist, "notes": "状态良好",
				"vitals": map[string]any{"systolicMmHg": 132, "diastolicMmHg": 84, "heartRateBpm": 72, "temperatureC": 36.6},
			}), http.StatusOK)
			if rec.Record == nil || !slices.Equal(rec.Record.Checklist, c.checklist) || rec.Record.Vitals == nil ||
				rec.Record.Vitals.TemperatureC != 36.6 {
				t.Errorf("record %s", compactJSON(rec.Record))
			}
			out := step(carer, "check-out", at, "completed")
			if out.CheckOut == nil || out.CheckOut.DurationMinutes == nil {
				t.Errorf("check-out %s", compactJSON(out.CheckOut))
			}
			// Another family's member cannot confirm it; she can.
			wantProblem(t, srv.signUp(t).post(t, path+"/confirm", nil), http.StatusNotFound, "order_not_found")
			step(daughter, "confirm", nil, "confirmed")

			// Her phone heard each step; the arrival cut through as urgent.
			want := []string{"order.assigned", "order.en_route", "order.arrived", "order.service_began", "order.completed"}
			pushes := waitPushes(t, fcm, daughterPhone, before+len(want))[before:]
			var types []string
			for _, m := range pushes {
				types = append(types, m.Data["type"])
				if m.Data["type"] == "order.arrived" && m.Android.Priority != "high" {
					t.Errorf("the arrival went at %q priority", m.Android.Priority)
				}
				if m.Data["id"] != o.ID {
					t.Errorf("a push links %q, want the order %s", m.Data["id"], o.ID)
				}
			}
			for _, w := range want {
				if !slices.Contains(types, w) {
					t.Errorf("the daughter's phone got %v, missing %s", types, w)
				}
			}
		})
	}
}

// TestAPhoneClockCannotStretchAVisit: a caregiver's phone dates her
// check-in at the moment she accepted and her check-out five minutes
// ahead of the server, to turn seconds at the door into a paid visit.
// kincare counts the visit between times bounded by what it received:
// the check-in no earlier than she set off, the check-out no later than
// it arrived. The phone's times are kept as sent, and the stretched one
// is flagged for the office.
func TestAPhoneClockCannotStretchAVisit(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇居家照护中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	item := owner.addItem(t, prov.ID, itemBody("home_visit", 8000, 6000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"home_visit"}, point{lat: home.lat + 0.004, lng: home.lng}, allDay())
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))

	start, end := soonWindow(45 * time.Minute)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
	q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
		"providerId": prov.ID, "itemId": item.ID, "window": window}), http.StatusOK)
	o := must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID,
		"providerId": prov.ID, "itemId": item.ID, "priceVersion": q.PriceVersion, "window": window},
		"Idempotency-Key", randomID()), http.StatusCreated)
	path := "/v1/orders/" + o.ID
	type stamped struct {
		Status  string               `json:"status"`
		Entered map[string]time.Time `json:"entered"`
		CheckIn *struct {
			DeviceTime    time.Time `json:"deviceTime"`
			At            time.Time `json:"at"`
			ClockAdjusted bool      `json:"clockAdjusted"`
		} `json:"checkIn"`
		CheckOut *struct {
			DeviceTime      time.Time `json:"deviceTime"`
			ServerTime      time.Time `json:"serverTime"`
			At              time.Time `json:"at"`
			ClockAdjusted   bool      `json:"clockAdjusted"`
			DurationMinutes int       `json:"durationMinutes"`
		} `json:"checkOut"`
	}
	assigned := must[stamped](t, owner.post(t, path+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)
	acceptedAt := assigned.Entered["accepted"]
	setOff := must[stamped](t, carer.post(t, path+"/start", nil), http.StatusOK).Entered["en_route"]

	in := must[stamped](t, carer.post(t, path+"/check-in", map[string]any{"lat": home.lat, "lng": home.lng,
		"deviceTime": acceptedAt.Add(-10 * time.Minute).Format(time.RFC3339Nano)}), http.StatusOK)
	if in.CheckIn == nil || !in.CheckIn.At.Equal(setOff) || !in.CheckIn.ClockAdjusted ||
		!in.CheckIn.DeviceTime.Equal(acceptedAt.Add(-10*time.Minute)) {
		t.Fatalf("a check-in dated before she set off (%s) is counted as %s", setOff, compactJSON(in.CheckIn))
	}
	wantStatus(t, carer.post(t, path+"/begin", nil), http.StatusOK)
	ahead := time.Now().Add(5 * time.Minute).UTC().Truncate(time.Second)
	out := must[stamped](t, carer.post(t, path+"/check-out", map[string]any{"lat": home.lat, "lng": home.lng,
		"deviceTime": ahead.Format(time.RFC3339)}), http.StatusOK)
	co := out.CheckOut
	if co == nil || !co.At.Equal(co.ServerTime) || !co.ClockAdjusted || !co.DeviceTime.Equal(ahead) {
		t.Fatalf("a check-out dated 5 minutes ahead is counted as %s, want at its receipt, flagged, the phone's time kept",
			compactJSON(co))
	}
	if served := co.ServerTime.Sub(setOff); co.DurationMinutes != int(served/time.Minute) {
		t.Errorf("the visit lasted %d minutes by the record, at most %s by the server", co.DurationMinutes, served)
	}
	// The office sees the same flags.
	seen := must[stamped](t, owner.get(t, path), http.StatusOK)
	if seen.CheckIn == nil || !seen.CheckIn.ClockAdjusted || seen.CheckOut == nil || !seen.CheckOut.ClockAdjusted {
		t.Errorf("the office sees %s, want both stamps flagged clockAdjusted", compactJSON(seen))
	}
}
