package e2e_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestMotherBooksAHalfDayPlaceForHerDaughter: a nursery publishes
// mornings for toddlers, three places a session of which one at the 普惠
// price, and opens the coming week. A mother looks at the week, holds a
// 普惠 place (her app, timing out, sends the request again and gets the
// same hold), and confirms it for her 20-month-old daughter at the 普惠
// price. The nursery's office and the family are told; the place shows as
// taken, and the booking is in both their lists. She cancels; the office
// is told and the place is free again.
func TestMotherBooksAHalfDayPlaceForHerDaughter(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startReservationServer(t, fcm)

	// The nursery, its office's phone, its mornings, the coming week.
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	officePhone := director.addAppDevice(t, "provider", "android")
	mornings := director.offering(t, nursery.ID, halfDayBody(3, 1))
	if mornings.CareType != "half_day" || mornings.Capacity != 3 || mornings.InclusiveQuota != 1 ||
		mornings.HoldTTLMinutes != 10 || mornings.ProviderID != nursery.ID {
		t.Fatalf("published %s, want half-day mornings of 3 places (1 普惠) held 10 minutes", compactJSON(mornings))
	}
	week := director.openDays(t, mornings.ID, 1, 7)
	if len(week) != 7 {
		t.Fatalf("opening the coming week made %d slots, want a morning each day: %s", len(week), compactJSON(week))
	}

	// The mother and her daughter, 20 months old.
	mother := srv.signUp(t)
	motherPhone := mother.addDevice(t, "ios")
	fam := mother.createFamily(t, uniqueName("林家"))
	mother.consent(t, fam.ID, "child_data", "")
	daughter := mother.addChild(t, fam.ID, map[string]any{"name": "林小满", "gender": "female",
		"birthDate": shanghaiToday().AddDate(0, -20, -10).Format(time.DateOnly)})

	// She looks at the week: every morning has its places, at both prices.
	from, to := week[0].Window.Start.Add(-time.Hour), week[6].Window.Start.Add(time.Hour)
	avail := mother.availability(t, mornings.ID, from, to)
	if len(avail) != 7 {
		t.Fatalf("availability of the week shows %d slots, want 7: %s", len(avail), compactJSON(avail))
	}
	for _, s := range avail {
		if s.Remaining != (tiersView{Market: 2, Inclusive: 1}) || s.Prices == nil ||
			s.Prices.MarketFen != 15000 || s.Prices.InclusiveFen != 9000 || s.Window.TimeZone != "Asia/Shanghai" {
			t.Fatalf("a fresh morning shows %s, want 2 market and 1 普惠 place at ¥150 / ¥90", compactJSON(s))
		}
	}
	morning := avail[2]

	// She holds its 普惠 place; the retry of the same request is the same hold.
	key := randomID()
	r := mother.hold(t, morning.SlotID, "inclusive", key)
	hold := must[holdView](t, r, http.StatusCreated)
	if hold.Status != "held" || hold.Tier != "inclusive" || hold.SlotID != morning.SlotID || hold.Promoted ||
		r.header.Get("Location") != "/v1/holds/"+hold.ID {
		t.Fatalf("hold %s (Location %q), want a 普惠 place held on the morning", compactJSON(hold), r.header.Get("Location"))
	}
	if left := time.Until(hold.ExpiresAt); left < 9*time.Minute || left > 10*time.Minute+5*time.Second {
		t.Errorf("the hold lasts %s, want the offering's 10 minutes", left.Round(time.Second))
	}
	r = mother.hold(t, morning.SlotID, "inclusive", key)
	again := must[holdView](t, r, http.StatusCreated)
	if again.ID != hold.ID || !again.ExpiresAt.Equal(hold.ExpiresAt) || r.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retried hold is %s (replayed %q), want hold %s again, replayed", compactJSON(again),
			r.header.Get("Idempotent-Replayed"), hold.ID)
	}
	if s := slotIn(t, mother.availability(t, mornings.ID, from, to), morning.SlotID); s.Remaining != (tiersView{Market: 2}) {
		t.Errorf("while she holds it the morning shows %+v left, want 2 market and no 普惠 place", s.Remaining)
	}

	// She confirms it for her daughter, at the 普惠 price.
	r = mother.confirm(t, hold.ID, daughter.ID)
	booking := must[bookingView](t, r, http.StatusCreated)
	if booking.ID != hold.ID || booking.Status != "confirmed" || booking.Tier != "inclusive" || booking.PriceFen != 9000 ||
		booking.ChildID != daughter.ID || booking.FamilyID != fam.ID || booking.BookedBy != mother.id ||
		booking.ProviderID != nursery.ID || booking.OfferingID != mornings.ID || booking.SlotID != morning.SlotID {
		t.Fatalf("booking %s, want the hold confirmed for her daughter at ¥90", compactJSON(booking))
	}
	if loc := r.header.Get("Location"); loc != "/v1/bookings/"+booking.ID {
		t.Errorf("Location %q, want /v1/bookings/%s", loc, booking.ID)
	}
	t.Run("confirming again books nothing more", func(t *testing.T) {
		r := mother.confirm(t, hold.ID, daughter.ID)
		if b := must[bookingView](t, r, http.StatusCreated); b.ID != booking.ID || r.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("the retried confirm answered %s (replayed %q), want the booking replayed", compactJSON(b),
				r.header.Get("Idempotent-Replayed"))
		}
		// Another tap, another key: the booking the hold already is.
		r = mother.post(t, "/v1/holds/"+hold.ID+"/confirm", map[string]string{"childId": daughter.ID},
			"Idempotency-Key", randomID())
		if b := must[bookingView](t, r, http.StatusOK); b.ID != booking.ID || b.Status != "confirmed" {
			t.Errorf("confirming under a new key answered %s, want the booking", compactJSON(b))
		}
		if h := must[holdView](t, mother.get(t, "/v1/holds/"+hold.ID), http.StatusOK); h.Status != "booked" {
			t.Errorf("the hold is %q after confirming, want booked", h.Status)
		}
	})

	// The place is taken: no 普惠 place left that morning, the market ones untouched.
	if s := slotIn(t, mother.availability(t, mornings.ID, from, to), morning.SlotID); s.Remaining != (tiersView{Market: 2}) {
		t.Errorf("after the booking the morning shows %+v left, want 2 market and no 普惠 place", s.Remaining)
	}
	if s := director.slot(t, morning.SlotID); s.Confirmed != (tiersView{Inclusive: 1}) {
		t.Errorf("the nursery sees %+v confirmed, want its one 普惠 place", s.Confirmed)
	}
	if got := bookingIDs(mother.bookingsAt(t, "/v1/families/"+fam.ID+"/bookings", "")); !slices.Equal(got, []string{booking.ID}) {
		t.Errorf("the family's bookings are %q, want just %s", got, booking.ID)
	}
	if got := bookingIDs(director.bookingsAt(t, "/v1/providers/"+nursery.ID+"/bookings", "")); !slices.Equal(got, []string{booking.ID}) {
		t.Errorf("the nursery's bookings are %q, want just %s", got, booking.ID)
	}
	if b := must[bookingView](t, director.get(t, "/v1/bookings/"+booking.ID), http.StatusOK); b.ChildID != daughter.ID {
		t.Errorf("the nursery reads the booking as %s", compactJSON(b))
	}

	// The office and the family are told.
	startLocal := morning.Window.Start.In(shanghai(t)).Format("2006-01-02 15:04")
	wantPush(t, waitPushOf(t, fcm, officePhone, "booking.confirmed"), "托位已预订", startLocal+" 开始的托位已确认预订。",
		map[string]string{"kind": "booking", "id": booking.ID})
	wantPush(t, waitPushOf(t, fcm, motherPhone, "booking.confirmed"), "托位已预订", startLocal+" 开始的托位已确认预订。",
		map[string]string{"kind": "booking", "id": booking.ID})

	// She cancels; the office is told, and the place is free again.
	cancelled := must[bookingView](t, mother.cancel(t, booking.ID, "孩子发烧了"), http.StatusOK)
	if cancelled.Status != "cancelled" || cancelled.Cancellation == nil || cancelled.Cancellation.By != "family" ||
		cancelled.Cancellation.Reason != "孩子发烧了" {
		t.Fatalf("after cancelling the booking is %s, want cancelled by the family with her reason", compactJSON(cancelled))
	}
	wantPush(t, waitPushOf(t, fcm, officePhone, "booking.cancelled_by_family"), "托位已取消",
		startLocal+" 开始的托位已被家长取消。", map[string]string{"kind": "booking", "id": booking.ID})
	if s := slotIn(t, mother.availability(t, mornings.ID, from, to), morning.SlotID); s.Remaining != (tiersView{Market: 2, Inclusive: 1}) {
		t.Errorf("after the cancellation the morning shows %+v left, want its 2 market and 1 普惠 place back", s.Remaining)
	}
	if s := director.slot(t, morning.SlotID); s.Confirmed != (tiersView{}) {
		t.Errorf("after the cancellation the nursery sees %+v confirmed, want none", s.Confirmed)
	}
	wantProblem(t, mother.cancel(t, booking.ID, ""), http.StatusConflict, "booking_already_cancelled")
	if got := bookingIDs(mother.bookingsAt(t, "/v1/families/"+fam.ID+"/bookings", "&status=confirmed")); len(got) != 0 {
		t.Errorf("the family's confirmed bookings are %q after cancelling, want none", got)
	}
	if got := bookingIDs(director.bookingsAt(t, "/v1/providers/"+nursery.ID+"/bookings", "&status=cancelled")); !slices.Equal(got, []string{booking.ID}) {
		t.Errorf("the nursery's cancelled bookings are %q, want %s", got, booking.ID)
	}
}

// TestACancellationGivesThePlaceToTheFirstOnTheWaitlist: a morning of one
// place is booked. Two more parents wait for it, in the order they came
// (asking again keeps one's place); a fourth, finding it full, is told
// so. The first parent cancels: the first waiter's phone rings at once
// with a place held for her, which she confirms; the one behind her moves
// up.
func TestACancellationGivesThePlaceToTheFirstOnTheWaitlist(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startReservationServer(t, fcm, "RESERVATION_SWEEP_INTERVAL", "1s")
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	morning := director.openDay(t, director.offering(t, nursery.ID, halfDayBody(1, 0)).ID, 2)

	a, b, c, d := srv.signUp(t), srv.signUp(t), srv.signUp(t), srv.signUp(t)
	_, aChild := a.parentOf(t, 20)
	_, bChild := b.parentOf(t, 24)
	bPhone := b.addDevice(t, "android")
	booking := a.books(t, morning.SlotID, "market", aChild.ID)

	// B and C wait, in that order; asking again keeps B's place.
	for i, p := range []*person{b, c} {
		place := must[waitlistView](t, p.waitFor(t, morning.SlotID, "market"), http.StatusCreated)
		if place.Position != i+1 || place.Tier != "market" || place.SlotID != morning.SlotID {
			t.Fatalf("waiter %d joined as %s, want position %d", i+1, compactJSON(place), i+1)
		}
	}
	if place := must[waitlistView](t, b.waitFor(t, morning.SlotID, "market"), http.StatusOK); place.Position != 1 {
		t.Errorf("B asking again is at position %d, want still 1", place.Position)
	}
	if pos := c.placeInLine(t, morning.SlotID); pos != 2 {
		t.Errorf("C is at position %d, want 2", pos)
	}
	wantProblem(t, d.hold(t, morning.SlotID, "market", randomID()), http.StatusConflict, "slot_full")
	if s := director.slot(t, morning.SlotID); s.WaitlistLength != 2 || s.Waiting != (tiersView{Market: 2}) {
		t.Errorf("the nursery sees %d waiting (%+v), want B and C", s.WaitlistLength, s.Waiting)
	}

	// A cancels: B's phone rings, urgently, with the place held for her.
	wantStatus(t, a.cancel(t, booking.ID, ""), http.StatusOK)
	push := waitPushOf(t, fcm, bPhone, "booking.waitlist_promoted")
	startLocal := morning.Window.Start.In(shanghai(t)).Format("2006-01-02 15:04")
	if push.Notification.Title != "候补成功：托位已为您保留" || !strings.HasPrefix(push.Notification.Body, startLocal+" 开始的托位已为您保留至 ") ||
		push.Android.Priority != "high" || push.Data["kind"] != "hold" {
		t.Errorf("B's push %s, want an urgent 候补成功 about the %s place", describePushes([]fakefcm.Message{push}), startLocal)
	}
	holdID := push.Data["id"]
	if entry := b.waitNotification(t, "booking.waitlist_promoted"); entry.Link.Kind != "hold" || entry.Link.ID != holdID || !entry.Urgent {
		t.Errorf("B's inbox entry %s, want an urgent link to hold %s", compactJSON(entry), holdID)
	}
	promoted := must[holdView](t, b.get(t, "/v1/holds/"+holdID), http.StatusOK)
	if promoted.Status != "held" || !promoted.Promoted || promoted.SlotID != morning.SlotID || promoted.Tier != "market" ||
		time.Until(promoted.ExpiresAt) < 9*time.Minute {
		t.Fatalf("B's hold %s, want a market place held for her from the waitlist for 10 minutes", compactJSON(promoted))
	}
	if pos := b.placeInLine(t, morning.SlotID); pos != 0 {
		t.Errorf("B, holding the place, is still at position %d of the waitlist", pos)
	}

	// She confirms it; C moves up; the place is nobody else's.
	if got := must[bookingView](t, b.confirm(t, holdID, bChild.ID), http.StatusCreated); got.ChildID != bChild.ID || got.Tier != "market" {
		t.Errorf("B's booking %s, want her child's market place", compactJSON(got))
	}
	if pos := c.placeInLine(t, morning.SlotID); pos != 1 {
		t.Errorf("after B took the place C is at position %d, want 1", pos)
	}
	if s := director.slot(t, morning.SlotID); s.Confirmed != (tiersView{Market: 1}) || s.Remaining != (tiersView{}) || s.WaitlistLength != 1 {
		t.Errorf("the nursery sees %s, want 1 confirmed, none left and C waiting", compactJSON(s))
	}
	wantProblem(t, d.hold(t, morning.SlotID, "market", randomID()), http.StatusConflict, "slot_full")
}

// TestTheProviderCancelsAPlaceOnlyWithAReason: a nursery's office must
// say why it takes a booked place away; when it does, every member of the
// family hears at once, each in their own language, with the reason.
func TestTheProviderCancelsAPlaceOnlyWithAReason(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startReservationServer(t, fcm)
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	directorPhone := director.addAppDevice(t, "provider", "ios")
	office := director.hireStaff(t, nursery.ID, "provider_staff")
	morning := director.openDay(t, director.offering(t, nursery.ID, halfDayBody(3, 1)).ID, 3)

	// A father books; the mother, who reads kincare in English, is in the family.
	father, mother := srv.signUp(t), srv.signUp(t)
	fam, son := father.parentOf(t, 30)
	mother.join(t, father, fam.ID, "member")
	mother.setLocale(t, "en")
	fatherPhone, motherPhone := father.addDevice(t, "android"), mother.addDevice(t, "ios")
	booking := father.books(t, morning.SlotID, "market", son.ID)
	waitPushOf(t, fcm, fatherPhone, "booking.confirmed")

	// Without a reason the office cannot.
	p := wantProblem(t, office.cancel(t, booking.ID, ""), http.StatusUnprocessableEntity, "reason_required")
	wantFieldCode(t, p, "/reason", "required")
	wantProblem(t, office.cancel(t, booking.ID, "   "), http.StatusUnprocessableEntity, "reason_required")
	if b := must[bookingView](t, father.get(t, "/v1/bookings/"+booking.ID), http.StatusOK); b.Status != "confirmed" {
		t.Fatalf("a refused cancellation left the booking %q", b.Status)
	}

	// With one it can; the family hears, urgently, why.
	reason := "教室漏水维修，暂停接收"
	cancelled := must[bookingView](t, office.cancel(t, booking.ID, reason), http.StatusOK)
	if cancelled.Status != "cancelled" || cancelled.Cancellation == nil || cancelled.Cancellation.By != "provider" ||
		cancelled.Cancellation.Reason != reason {
		t.Fatalf("after the office cancelled the booking is %s", compactJSON(cancelled))
	}
	startLocal := morning.Window.Start.In(shanghai(t)).Format("2006-01-02 15:04")
	zh := waitPushOf(t, fcm, fatherPhone, "booking.cancelled_by_provider")
	wantPush(t, zh, "机构取消了托位", startLocal+" 开始的托位已被机构取消："+reason,
		map[string]string{"kind": "booking", "id": booking.ID})
	en := waitPushOf(t, fcm, motherPhone, "booking.cancelled_by_provider")
	wantPush(t, en, "Place cancelled by the provider", "The provider cancelled the place starting "+startLocal+": "+reason,
		map[string]string{"kind": "booking", "id": booking.ID})
	for _, m := range []fakefcm.Message{zh, en} {
		if m.Android.Priority != "high" {
			t.Errorf("the cancellation went at priority %q, want high (urgent)", m.Android.Priority)
		}
	}
	if b := must[bookingView](t, mother.get(t, "/v1/bookings/"+booking.ID), http.StatusOK); b.Cancellation == nil || b.Cancellation.Reason != reason {
		t.Errorf("the mother reads the booking as %s, want the office's reason", compactJSON(b))
	}
	if s := director.slot(t, morning.SlotID); s.Confirmed != (tiersView{}) || s.Remaining != (tiersView{Market: 2, Inclusive: 1}) {
		t.Errorf("after the cancellation the slot shows %s, want every place free", compactJSON(s))
	}

	// The nursery does not hear of what it did itself.
	srv.settle(t)
	if types := pushTypes(fcm, directorPhone); slices.Contains(types, "booking.cancelled_by_provider") {
		t.Errorf("the director was pushed %q, want no word of the office's own cancellation", types)
	}
}

// TestRaisingCapacityServesTheWaitlist: a nursery with one place and a
// waiting parent adds a place; the waiter is given it at once. It cannot
// then shrink the session below the places it has confirmed.
func TestRaisingCapacityServesTheWaitlist(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startReservationServer(t, fcm)
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	morning := director.openDay(t, director.offering(t, nursery.ID, halfDayBody(1, 0)).ID, 4)
	first, second := srv.signUp(t), srv.signUp(t)
	_, firstChild := first.parentOf(t, 20)
	_, secondChild := second.parentOf(t, 14)
	secondPhone := second.addDevice(t, "android")
	first.books(t, morning.SlotID, "market", firstChild.ID)
	wantStatus(t, second.waitFor(t, morning.SlotID, "market"), http.StatusCreated)

	// The nursery makes room for one more; the waiter is given it.
	resized := must[slotView](t, director.patch(t, "/v1/slots/"+morning.SlotID,
		map[string]int{"capacity": 2, "inclusiveQuota": 0}), http.StatusOK)
	if resized.Capacity != 2 || resized.InclusiveQuota != 0 {
		t.Fatalf("after resizing the slot is %s, want 2 places", compactJSON(resized))
	}
	holdID := waitPushOf(t, fcm, secondPhone, "booking.waitlist_promoted").Data["id"]
	if h := must[holdView](t, second.get(t, "/v1/holds/"+holdID), http.StatusOK); h.Status != "held" || !h.Promoted {
		t.Fatalf("the waiter's hold is %s, want held from the waitlist", compactJSON(h))
	}
	wantStatus(t, second.confirm(t, holdID, secondChild.ID), http.StatusCreated)

	// Two places are booked: the session cannot have fewer.
	p := wantProblem(t, director.patch(t, "/v1/slots/"+morning.SlotID, map[string]int{"capacity": 1, "inclusiveQuota": 0}),
		http.StatusUnprocessableEntity, "capacity_below_confirmed")
	if !strings.Contains(p.Detail, "2") {
		t.Errorf("the refusal says %q, want it to say 2 places are confirmed", p.Detail)
	}
	// Nor turn a booked market place into a 普惠 one.
	wantProblem(t, director.patch(t, "/v1/slots/"+morning.SlotID, map[string]int{"capacity": 2, "inclusiveQuota": 1}),
		http.StatusUnprocessableEntity, "capacity_below_confirmed")
	if s := director.slot(t, morning.SlotID); s.Capacity != 2 || s.Confirmed != (tiersView{Market: 2}) {
		t.Errorf("after the refusals the slot is %s, want 2 places, both booked", compactJSON(s))
	}
}

// shanghai is the zone the nurseries in these stories keep their days in.
func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAWaitlistPlaceNobodyTakesPassesToTheNext: holds on these mornings
// last a minute. A cancelled place goes to the first waiter, who gives
// it back: the second is offered it at once. The second does not answer:
// a minute later (the server's clock, which the test moves) the place is
// the third's, and the second's hold has lapsed for good.
func TestAWaitlistPlaceNobodyTakesPassesToTheNext(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	clk := newOffsetClock(t)
	srv, platform := startReservationServer(t, fcm, "RESERVATION_SWEEP_INTERVAL", "1s",
		"KINCARE_TEST_CLOCK_OFFSET_FILE", clk.path)
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	body := halfDayBody(1, 0)
	body["holdTtlMinutes"] = 1
	morning := director.openDay(t, director.offering(t, nursery.ID, body).ID, 2)

	a, b, c, d := srv.signUp(t), srv.signUp(t), srv.signUp(t), srv.signUp(t)
	_, aChild := a.parentOf(t, 20)
	_, cChild := c.parentOf(t, 20)
	_, dChild := d.parentOf(t, 20)
	bPhone, cPhone, dPhone := b.addDevice(t, "android"), c.addDevice(t, "ios"), d.addDevice(t, "android")
	booking := a.books(t, morning.SlotID, "market", aChild.ID)
	for _, p := range []*person{b, c, d} {
		wantStatus(t, p.waitFor(t, morning.SlotID, "market"), http.StatusCreated)
	}

	// A cancels; B is offered the place and gives it back; C is offered it at once.
	wantStatus(t, a.cancel(t, booking.ID, ""), http.StatusOK)
	bHold := waitPushOf(t, fcm, bPhone, "booking.waitlist_promoted").Data["id"]
	if h := must[holdView](t, b.del(t, "/v1/holds/"+bHold), http.StatusOK); h.Status != "released" || !h.Promoted {
		t.Fatalf("B's declined hold is %s, want released", compactJSON(h))
	}
	cHold := must[holdView](t, c.get(t, "/v1/holds/"+waitPushOf(t, fcm, cPhone, "booking.waitlist_promoted").Data["id"]),
		http.StatusOK)
	if cHold.Status != "held" || !cHold.Promoted || cHold.ExpiresAt.Sub(clk.now()) > time.Minute {
		t.Fatalf("C's hold is %s, want held from the waitlist for a minute", compactJSON(cHold))
	}
	if pos := d.placeInLine(t, morning.SlotID); pos != 1 {
		t.Errorf("with C offered the place D is at position %d, want 1", pos)
	}

	// C lets the minute pass: the place is D's, C's hold is gone for good.
	clk.moveTo(t, cHold.ExpiresAt)
	dHold := waitPushOf(t, fcm, dPhone, "booking.waitlist_promoted").Data["id"]
	if h := must[holdView](t, c.get(t, "/v1/holds/"+cHold.ID), http.StatusOK); h.Status != "expired" {
		t.Errorf("C's lapsed hold is %q, want expired", h.Status)
	}
	wantProblem(t, c.confirm(t, cHold.ID, cChild.ID), http.StatusConflict, "hold_expired")
	if pos := c.placeInLine(t, morning.SlotID); pos != 0 {
		t.Errorf("C, whose turn lapsed, is at position %d, want off the waitlist", pos)
	}
	if got := must[bookingView](t, d.confirm(t, dHold, dChild.ID), http.StatusCreated); got.ChildID != dChild.ID {
		t.Errorf("D's booking %s, want her child's place", compactJSON(got))
	}
	if s := director.slot(t, morning.SlotID); s.Confirmed != (tiersView{Market: 1}) || s.WaitlistLength != 0 {
		t.Errorf("the nursery sees %s, want D's one place and nobody waiting", compactJSON(s))
	}
}
