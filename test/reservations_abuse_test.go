package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPlacesAreHeldOnlyWithinTheRules: a hold names itself with the
// request's Idempotency-Key, and a parent cannot corner a session (two
// holds a slot here) or a district (five childcare holds at once); a
// full tier, an unknown slot and an unknown tier are refused with their
// codes, and nothing is held by the refusals.
func TestPlacesAreHeldOnlyWithinTheRules(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv := st.srv
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, st.admin)
	body := halfDayBody(3, 1)
	body["maxHoldsPerUser"] = 2
	mornings := director.offering(t, nursery.ID, body)
	week := director.openDays(t, mornings.ID, 1, 7)
	morning := week[0]
	holds := "/v1/slots/" + morning.SlotID + "/holds"
	greedy, other, late := srv.signUp(t), srv.signUp(t), srv.signUp(t)

	t.Run("a hold needs an Idempotency-Key", func(t *testing.T) {
		wantProblem(t, greedy.post(t, holds, map[string]string{"tier": "market"}), http.StatusBadRequest,
			"idempotency_key_required")
	})
	t.Run("a hold is for a known tier", func(t *testing.T) {
		p := wantProblem(t, greedy.post(t, holds, map[string]string{"tier": "free"}, "Idempotency-Key", randomID()),
			http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/tier")
	})
	t.Run("nobody holds anonymously", func(t *testing.T) {
		wantProblem(t, srv.post(t, holds, map[string]string{"tier": "market"}, "Idempotency-Key", randomID()),
			http.StatusUnauthorized, "unauthenticated")
	})

	// Two market places for one parent (twins), then no more on this slot.
	key := randomID()
	first := must[holdView](t, greedy.hold(t, morning.SlotID, "market", key), http.StatusCreated)
	greedy.held(t, morning.SlotID, "market")
	wantProblem(t, greedy.hold(t, morning.SlotID, "inclusive", randomID()), http.StatusConflict, "hold_limit_reached")
	// Her first key cannot be spent again on the 普惠 place.
	wantProblem(t, greedy.hold(t, morning.SlotID, "inclusive", key), http.StatusUnprocessableEntity, "idempotency_key_reused")
	if again := must[holdView](t, greedy.hold(t, morning.SlotID, "market", key), http.StatusCreated); again.ID != first.ID {
		t.Errorf("the key's own request answered hold %s, want %s", again.ID, first.ID)
	}

	// Another parent takes the 普惠 place: the slot is full, in both tiers.
	other.held(t, morning.SlotID, "inclusive")
	wantProblem(t, late.hold(t, morning.SlotID, "market", randomID()), http.StatusConflict, "slot_full")
	wantProblem(t, late.hold(t, morning.SlotID, "inclusive", randomID()), http.StatusConflict, "slot_full")
	if s := director.slot(t, morning.SlotID); s.Remaining != (tiersView{}) || s.Confirmed != (tiersView{}) {
		t.Errorf("with three holds the slot shows %s, want nothing left and nothing confirmed", compactJSON(s))
	}

	t.Run("five childcare holds at once across slots, no more", func(t *testing.T) {
		hunter := srv.signUp(t)
		var taken []holdView
		for _, s := range week[1:6] {
			taken = append(taken, hunter.held(t, s.SlotID, "market"))
		}
		wantProblem(t, hunter.hold(t, week[6].SlotID, "market", randomID()), http.StatusConflict, "hold_limit_reached")
		// Giving one back makes room.
		released := must[holdView](t, hunter.del(t, "/v1/holds/"+taken[0].ID), http.StatusOK)
		if released.Status != "released" {
			t.Errorf("the released hold is %q, want released", released.Status)
		}
		hunter.held(t, week[6].SlotID, "market")
	})

	t.Run("a slot that does not exist", func(t *testing.T) {
		for _, id := range []string{"s" + randomID()[:12] + "202611200830", morning.SlotID + "x", first.ID} {
			wantProblem(t, late.hold(t, id, "market", randomID()), http.StatusNotFound, "slot_not_found")
			wantProblem(t, late.waitFor(t, id, "market"), http.StatusNotFound, "slot_not_found")
		}
		wantProblem(t, late.get(t, "/v1/slots/"+randomID()), http.StatusNotFound, "slot_not_found")
	})
}

// TestBookingsRefuseWhatIsNotTheirs: a parent cannot confirm another's
// hold, book another family's child, a child the offering's ages do not
// take, or a child already booked at that time; strangers cannot read,
// cancel or list bookings, nor see or release holds, and every refusal
// reads as if the thing did not exist.
func TestBookingsRefuseWhatIsNotTheirs(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv := st.srv
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, st.admin)
	morning := director.openDay(t, director.offering(t, nursery.ID, halfDayBody(3, 1)).ID, 2)
	mother, stranger := srv.signUp(t), srv.signUp(t)
	fam := mother.createFamily(t, uniqueName("周家"))
	consent := mother.consent(t, fam.ID, "child_data", "")
	born := func(months int) string { return shanghaiToday().AddDate(0, -months, -10).Format(time.DateOnly) }
	toddler := mother.addChild(t, fam.ID, childBody("周一一", born(20)))
	baby := mother.addChild(t, fam.ID, childBody("周二二", born(6)))
	_, strangersChild := stranger.parentOf(t, 20)

	// Each attempt is a new tap in the app, with a key of its own.
	confirm := func(p *person, holdID, childID string, hdr ...string) *response {
		return p.post(t, "/v1/holds/"+holdID+"/confirm", map[string]string{"childId": childID},
			append([]string{"Idempotency-Key", randomID()}, hdr...)...)
	}
	hold := mother.held(t, morning.SlotID, "market")
	holdPath := "/v1/holds/" + hold.ID
	wantProblem(t, confirm(stranger, hold.ID, strangersChild.ID), http.StatusNotFound, "hold_not_found")
	wantProblem(t, stranger.get(t, holdPath), http.StatusNotFound, "hold_not_found")
	wantProblem(t, stranger.del(t, holdPath), http.StatusNotFound, "hold_not_found")
	wantProblem(t, confirm(mother, hold.ID, strangersChild.ID), http.StatusNotFound, "child_not_found")
	wantProblem(t, confirm(mother, hold.ID, randomID()), http.StatusNotFound, "child_not_found")

	// A six-month-old on a 12–35-month offering: the refusal says both.
	p := wantProblem(t, confirm(mother, hold.ID, baby.ID), http.StatusUnprocessableEntity, "child_age_ineligible")
	if !strings.Contains(p.Detail, "12–35") || !strings.Contains(p.Detail, "6 个月") {
		t.Errorf("the refusal says %q, want the ages taken (12–35) and the child's (6 个月)", p.Detail)
	}
	p = wantProblem(t, confirm(mother, hold.ID, baby.ID, "Accept-Language", "en"), http.StatusUnprocessableEntity,
		"child_age_ineligible")
	if !strings.Contains(p.Detail, "12 to 35 months") || !strings.Contains(p.Detail, "6 months old") {
		t.Errorf("the English refusal says %q, want the ages taken and the child's", p.Detail)
	}

	// The hold outlived every refusal; the toddler is booked with it.
	if h := must[holdView](t, mother.get(t, holdPath), http.StatusOK); h.Status != "held" {
		t.Fatalf("after the refusals the hold is %q, want still held", h.Status)
	}
	booking := must[bookingView](t, confirm(mother, hold.ID, toddler.ID), http.StatusCreated)
	wantProblem(t, confirm(stranger, hold.ID, strangersChild.ID), http.StatusNotFound, "hold_not_found")

	t.Run("one child, one place at a time", func(t *testing.T) {
		second := mother.held(t, morning.SlotID, "inclusive")
		wantProblem(t, confirm(mother, second.ID, toddler.ID), http.StatusConflict, "child_already_booked")
	})

	t.Run("strangers see no booking", func(t *testing.T) {
		caregiver := director.hireStaff(t, nursery.ID, "caregiver")
		for who, p := range map[string]*person{"a stranger": stranger, "the nursery's caregiver": caregiver} {
			r := p.get(t, "/v1/bookings/"+booking.ID)
			if r.status != http.StatusNotFound {
				t.Errorf("%s reads the booking: %s", who, r)
				continue
			}
			wantProblem(t, r, http.StatusNotFound, "booking_not_found")
			wantProblem(t, p.cancel(t, booking.ID, "不想要了"), http.StatusNotFound, "booking_not_found")
			wantProblem(t, p.get(t, "/v1/families/"+fam.ID+"/bookings"), http.StatusNotFound, "family_not_found")
			wantProblem(t, p.get(t, "/v1/providers/"+nursery.ID+"/bookings"), http.StatusNotFound, "provider_not_found")
		}
		wantProblem(t, stranger.get(t, "/v1/bookings/"+randomID()), http.StatusNotFound, "booking_not_found")
		if b := must[bookingView](t, mother.get(t, "/v1/bookings/"+booking.ID), http.StatusOK); b.Status != "confirmed" {
			t.Errorf("after the strangers tried the booking is %q, want confirmed", b.Status)
		}
	})

	// Withdrawing the consent to keep children's data erases the children
	// (see families_consent_test.go), so a place cannot be confirmed for
	// them any more: the child is gone, not merely unconsented.
	t.Run("no place for a child whose data the family withdrew", func(t *testing.T) {
		late := mother.held(t, morning.SlotID, "market")
		wantStatus(t, mother.del(t, "/v1/families/"+fam.ID+"/consents/"+consent.ID), http.StatusOK)
		wantProblem(t, confirm(mother, late.ID, toddler.ID), http.StatusNotFound, "child_not_found")
	})
}

// TestOfferingsArePublishedOnlyByTheirManagers: only a verified childcare
// provider's admins and office publish places, open slots and resize
// them; a home childcare point takes at most five children; to anyone
// else the provider, the offering and the slot do not exist.
func TestOfferingsArePublishedOnlyByTheirManagers(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, true)
	srv := st.srv
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, st.admin)
	office := director.hireStaff(t, nursery.ID, "provider_staff")
	caregiver := director.hireStaff(t, nursery.ID, "caregiver")
	parent := srv.signUp(t)

	// The office may publish; a caregiver and a parent may not.
	mornings := office.offering(t, nursery.ID, halfDayBody(10, 3))
	for who, p := range map[string]*person{"a parent": parent, "the nursery's caregiver": caregiver} {
		r := p.post(t, "/v1/providers/"+nursery.ID+"/offerings", halfDayBody(10, 3))
		if r.status != http.StatusNotFound {
			t.Errorf("%s publishing an offering answered %s", who, r)
			continue
		}
		wantProblem(t, r, http.StatusNotFound, "provider_not_found")
	}
	slots := office.openDays(t, mornings.ID, 1, 2)
	slot := "/v1/slots/" + slots[0].SlotID
	for who, p := range map[string]*person{"a parent": parent, "the nursery's caregiver": caregiver} {
		day := shanghaiToday().AddDate(0, 0, 5).Format(time.DateOnly)
		r := p.post(t, "/v1/offerings/"+mornings.ID+"/slots", map[string]string{"from": day, "to": day})
		if r.status != http.StatusNotFound {
			t.Errorf("%s opening slots answered %s", who, r)
			continue
		}
		wantProblem(t, r, http.StatusNotFound, "offering_not_found")
		wantProblem(t, p.patch(t, slot, map[string]int{"capacity": 100, "inclusiveQuota": 0}),
			http.StatusNotFound, "slot_not_found")
	}
	if s := director.slot(t, slots[0].SlotID); s.Capacity != 10 {
		t.Errorf("after the strangers tried the slot has %d places, want 10", s.Capacity)
	}
	if opened := office.openDays(t, mornings.ID, 1, 2); len(opened) != 2 {
		t.Errorf("the office opening its days again sees %d slots, want the same 2", len(opened))
	}
	wantProblem(t, director.patch(t, slot, map[string]int{"capacity": 3, "inclusiveQuota": 4}),
		http.StatusUnprocessableEntity, "capacity_invalid")

	t.Run("a home childcare point takes at most five children", func(t *testing.T) {
		grandma := srv.signUp(t)
		point := grandma.homeChildcarePoint(t, st.admin)
		p := wantProblem(t, grandma.post(t, "/v1/providers/"+point.ID+"/offerings", halfDayBody(6, 1)),
			http.StatusUnprocessableEntity, "home_point_capacity_exceeded")
		wantFieldCode(t, p, "/capacity", "home_point_max")
		if !strings.Contains(p.Detail, "5") {
			t.Errorf("the refusal says %q, want the limit of 5", p.Detail)
		}
		five := grandma.offering(t, point.ID, halfDayBody(5, 1))
		day := grandma.openDay(t, five.ID, 1)
		wantProblem(t, grandma.patch(t, "/v1/slots/"+day.SlotID, map[string]int{"capacity": 6, "inclusiveQuota": 1}),
			http.StatusUnprocessableEntity, "home_point_capacity_exceeded")
	})

	t.Run("a black-listed nursery's places are gone at once", func(t *testing.T) {
		owner := srv.signUp(t)
		shut := owner.childcareProvider(t, st.admin)
		off := owner.offering(t, shut.ID, halfDayBody(10, 3))
		day := owner.openDay(t, off.ID, 1)
		if got := parent.availability(t, off.ID, day.Window.Start.Add(-time.Hour), day.Window.Start.Add(time.Hour)); len(got) != 1 {
			t.Fatalf("before black-listing a parent sees %d slots, want 1", len(got))
		}
		wantStatus(t, st.regulator.setCredit(t, shut.ID, "black_listed", "虐待儿童，已立案"), http.StatusOK)
		q := "?from=" + day.Window.Start.Add(-time.Hour).UTC().Format(time.RFC3339) +
			"&to=" + day.Window.Start.Add(time.Hour).UTC().Format(time.RFC3339)
		wantProblem(t, parent.get(t, "/v1/offerings/"+off.ID), http.StatusNotFound, "offering_not_found")
		wantProblem(t, parent.get(t, "/v1/offerings/"+off.ID+"/availability"+q), http.StatusNotFound, "offering_not_found")
		wantProblem(t, parent.get(t, "/v1/slots/"+day.SlotID), http.StatusNotFound, "slot_not_found")
		wantProblem(t, parent.waitFor(t, day.SlotID, "market"), http.StatusNotFound, "slot_not_found")
		if s := owner.slot(t, day.SlotID); s.Capacity != 10 {
			t.Errorf("the nursery's own view of its slot: %s", compactJSON(s))
		}
	})

	t.Run("only a verified childcare provider offers places", func(t *testing.T) {
		owner := srv.signUp(t)
		name := uniqueName("待审核托育中心")
		pending := owner.register(t, providerBody(name, point{lat: 31.2304, lng: 121.4737}, 3, newPhone(), map[string]any{
			"licences": []map[string]string{{"kind": "childcare_institution", "number": "沪托备字2026第" + name[len(name)-6:] + "号"}},
		}))
		wantProblem(t, owner.post(t, "/v1/providers/"+pending.ID+"/offerings", halfDayBody(10, 3)),
			http.StatusForbidden, "forbidden")
		homeCare := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), point{lat: 31.2, lng: 121.4}, 3, newPhone(), nil))
		st.admin.verify(t, homeCare.ID)
		wantProblem(t, owner.post(t, "/v1/providers/"+homeCare.ID+"/offerings", halfDayBody(10, 3)),
			http.StatusForbidden, "provider_not_childcare")
	})
}

// TestHoldsCloseWhenTheSessionBegins: an hourly session (计时托) starting
// in a minute can be held until it starts; from then on it can be
// neither held nor waited for, and opening the day again skips it.
func TestHoldsCloseWhenTheSessionBegins(t *testing.T) {
	t.Parallel()
	// The session starts at the next whole minute. The server's clock
	// stands still until the test moves it past that.
	clk := newOffsetClock(t)
	now := clk.stop(t).In(shanghai(t))
	start := now.Truncate(time.Minute).Add(time.Minute)
	end := start.Add(time.Hour)
	if end.YearDay() != now.YearDay() {
		t.Skip("too close to midnight in Shanghai for a session today")
	}
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national,
		"KINCARE_TEST_CLOCK_OFFSET_FILE", clk.path)})
	admin := srv.loginExisting(t, adminPhone)
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, admin)
	early, late := srv.signUp(t), srv.signUp(t)

	hourly := director.offering(t, nursery.ID, map[string]any{
		"names":    map[string]string{"zhCN": "计时托"},
		"careType": "hourly", "ages": map[string]int{"minMonths": 12, "maxMonths": 35},
		"capacity": 4, "inclusiveQuota": 1,
		"price": map[string]int64{"marketFen": 4000, "inclusiveFen": 3000},
		"schedule": map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7},
			"sessions": []map[string]string{{"start": start.Format("15:04"), "end": end.Format("15:04")}}},
	})
	today := director.openDays(t, hourly.ID, 0, 0)
	if len(today) != 1 || !today[0].HoldsCloseAt.Equal(start) {
		t.Fatalf("opening today made %s, want the one session closing for holds at %s", compactJSON(today), start)
	}
	session := today[0].SlotID
	early.held(t, session, "market")

	clk.standAt(t, start.Add(time.Second))
	wantProblem(t, late.hold(t, session, "market", randomID()), http.StatusConflict, "slot_closed")
	wantProblem(t, late.hold(t, session, "inclusive", randomID()), http.StatusConflict, "slot_closed")
	wantProblem(t, late.waitFor(t, session, "market"), http.StatusConflict, "slot_closed")
	if again := director.openDays(t, hourly.ID, 0, 0); len(again) != 0 {
		t.Errorf("opening today again after the session began answered %s, want it skipped", compactJSON(again))
	}
}
