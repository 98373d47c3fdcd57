package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// nurseryWorld is a nursery with one toddlers' room and a teacher on
// duty, a month of full-day places, and two families with a toddler each
// booked for it; the day's clock at 08:00 on day.
type nurseryWorld struct {
	srv      *server
	fcm      *fakefcm.Server
	clock    *testClock
	day      time.Time
	platform *person
	director *person
	teacher  *person
	nursery  providerView
	room     roomView
	month    slotView
	a, b     *kid
}

func startNurseryWorld(t *testing.T) *nurseryWorld {
	t.Helper()
	w := &nurseryWorld{fcm: fakefcm.Start(t), clock: newTestClock(t), day: nurseryDate()}
	w.clock.set(t, clockOn(t, w.day, 7, 0))
	w.srv, w.platform = startReservationServer(t, w.fcm, "KINCARE_TEST_CLOCK_FILE", w.clock.path)
	w.director = w.srv.signUp(t)
	w.nursery = w.director.nursery(t, w.platform)
	w.room = w.director.room(t, w.nursery.ID, "托小班", 12, 23)
	w.teacher = w.director.hireStaff(t, w.nursery.ID, "caregiver")
	w.month = w.director.monthSlot(t, w.director.offering(t, w.nursery.ID, fullDayBody("全日托", 12, 23, 6, 2)).ID, w.day)
	w.a = enrol(t, w.srv, "林小满", 17, w.day, w.month.SlotID, "inclusive")
	w.b = enrol(t, w.srv, "陈一一", 18, w.day, w.month.SlotID, "market")
	w.director.assign(t, w.nursery.ID, w.room.ID, w.day, w.teacher)
	w.teacher.shift(t, w.nursery.ID, w.room.ID, true)
	w.clock.set(t, clockOn(t, w.day, 8, 0))
	return w
}

// Staff see only their own provider's children: a teacher of another
// nursery checking a child in, out, or writing their report finds no
// such child; a parent cannot write their child's report (403), another
// family cannot read it (404).
func TestOnlyTheChildsOwnPeopleTouchItsDay(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	other := w.srv.signUp(t)
	rival := other.nursery(t, w.platform)
	other.room(t, rival.ID, "小班", 12, 23)
	rivalTeacher := other.hireStaff(t, rival.ID, "caregiver")

	for name, r := range map[string]*response{
		"the rival's teacher, naming her nursery": rivalTeacher.checkIn(t, w.a.child.ID, rival.ID, 36.5, nil),
		"the rival's teacher, naming ours":        rivalTeacher.checkIn(t, w.a.child.ID, w.nursery.ID, 36.5, nil),
		"a parent of another child":               w.b.parent.checkIn(t, w.a.child.ID, w.nursery.ID, 36.5, nil),
		"the rival's teacher checking her out":    rivalTeacher.checkOut(t, w.a.child.ID, rival.ID, w.a.pickup.ID, "王秀兰"),
		"the rival's teacher writing her report":  rivalTeacher.fillReport(t, w.a.child.ID, w.day, reportBody(t, rival.ID, w.day, "all")),
		"the rival's teacher reading her reports": rivalTeacher.get(t, "/v1/children/"+w.a.child.ID+"/daily-reports?providerId="+rival.ID),
		"another family reading her reports":      w.b.parent.get(t, "/v1/children/"+w.a.child.ID+"/daily-reports"),
		"another family reporting her absent":     w.b.parent.post(t, "/v1/children/"+w.a.child.ID+"/absences", map[string]string{"from": w.day.Format(time.DateOnly), "to": w.day.Format(time.DateOnly), "reason": "sick"}),
		"another family authorizing a pickup":     w.b.parent.post(t, "/v1/children/"+w.a.child.ID+"/one-time-pickup-persons", map[string]string{"name": "张丽", "relation": "邻居", "phone": newPhone().national, "idLast4": "4321"}),
	} {
		if r.status != http.StatusNotFound || decode[problem](t, r).Code != "child_not_found" {
			t.Errorf("%s: %d %s, want 404 child_not_found", name, r.status, r.body)
		}
	}
	wantProblem(t, rivalTeacher.get(t, "/v1/providers/"+w.nursery.ID+"/rooms/"+w.room.ID+"/days/"+w.day.Format(time.DateOnly)),
		http.StatusNotFound, "provider_not_found")
	wantProblem(t, w.a.parent.get(t, "/v1/providers/"+w.nursery.ID+"/rooms"), http.StatusNotFound, "provider_not_found")

	// Her own teacher checks her in and writes her day; her parent may
	// read it once published, never write it.
	wantStatus(t, w.teacher.checkIn(t, w.a.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)
	wantStatus(t, w.teacher.fillReport(t, w.a.child.ID, w.day, reportBody(t, w.nursery.ID, w.day, "all")), http.StatusOK)
	wantProblem(t, w.a.parent.fillReport(t, w.a.child.ID, w.day, reportBody(t, w.nursery.ID, w.day, "none")),
		http.StatusForbidden, "forbidden")
	wantProblem(t, w.a.parent.publishReport(t, w.a.child.ID, w.nursery.ID, w.day), http.StatusForbidden, "forbidden")
	wantStatus(t, w.teacher.publishReport(t, w.a.child.ID, w.nursery.ID, w.day), http.StatusOK)
	wantProblem(t, w.teacher.publishReport(t, w.a.child.ID, w.nursery.ID, w.day), http.StatusConflict,
		"daily_report_already_published")
	if got := w.a.parent.reports(t, w.a.child.ID, w.day, w.day, ""); len(got) != 1 || got[0].Meals[0].Amount != "all" {
		t.Errorf("her parent reads %s", compactJSON(got))
	}
	// The teacher, naming her nursery, sees its reports of the child.
	if got := w.teacher.reports(t, w.a.child.ID, w.day, w.day, "&providerId="+w.nursery.ID); len(got) != 1 {
		t.Errorf("the teacher reads %s", compactJSON(got))
	}
	wantProblem(t, w.b.parent.get(t, "/v1/children/"+w.a.child.ID+"/daily-reports?from="+w.day.Format(time.DateOnly)+
		"&to="+w.day.Format(time.DateOnly)), http.StatusNotFound, "child_not_found")
	// Her family's data export holds her published report; the other
	// family's does not.
	export := func(p *person) []struct {
		DailyReports []dailyReportView `json:"dailyReports"`
	} {
		return must[struct {
			Families []struct {
				DailyReports []dailyReportView `json:"dailyReports"`
			} `json:"families"`
		}](t, p.get(t, "/v1/me/export"), http.StatusOK).Families
	}
	if fs := export(w.a.parent); len(fs) != 1 || len(fs[0].DailyReports) != 1 || fs[0].DailyReports[0].ChildID != w.a.child.ID {
		t.Errorf("her family's export holds %s", compactJSON(fs))
	}
	if fs := export(w.b.parent); len(fs) != 1 || len(fs[0].DailyReports) != 0 {
		t.Errorf("the other family's export holds %s", compactJSON(fs))
	}
}

// A teacher removed from the staff loses the nursery's children at once,
// and no longer counts for the room's ratio.
func TestARemovedTeacherLosesTheDay(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	wantStatus(t, w.teacher.checkIn(t, w.a.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)
	wantStatus(t, w.director.del(t, "/v1/providers/"+w.nursery.ID+"/staff/"+w.teacher.id), http.StatusNoContent)
	wantProblem(t, w.teacher.checkIn(t, w.b.child.ID, w.nursery.ID, 36.5, nil), http.StatusNotFound, "child_not_found")
	// The director checks the second child in: the departed teacher's
	// shift looks after nobody, so the room is over its ratio.
	a := must[attendanceView](t, w.director.checkIn(t, w.b.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)
	if !a.RoomFlagged {
		t.Errorf("two toddlers and only a departed teacher's shift: %s, want the room flagged", compactJSON(a))
	}
}

// Check-out is only to someone the family authorized now: before
// check-in there is nobody to hand over; a pickup person removed a minute
// ago is refused like a stranger, and every family member is alerted;
// an ID card that does not match the person chosen is refused too.
func TestCheckOutOnlyToWhomTheFamilyAuthorizedNow(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	k := w.a
	other := w.srv.signUp(t)
	otherPhone := other.addDevice(t, "ios")
	other.join(t, k.parent, k.family.ID, "member")

	wantProblem(t, w.teacher.checkOut(t, k.child.ID, w.nursery.ID, k.pickup.ID, "王秀兰"), http.StatusConflict, "not_checked_in")
	wantStatus(t, w.teacher.checkIn(t, k.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)

	// 16:59 the grandmother is taken off the list; at 17:00 she comes.
	w.clock.set(t, clockOn(t, w.day, 16, 59))
	wantStatus(t, k.parent.del(t, "/v1/children/"+k.child.ID+"/pickup-persons/"+k.pickup.ID), http.StatusNoContent)
	w.clock.set(t, clockOn(t, w.day, 17, 0))
	p := wantProblem(t, w.teacher.checkOut(t, k.child.ID, w.nursery.ID, k.pickup.ID, "王秀兰"), http.StatusUnprocessableEntity,
		"pickup_not_authorized")
	wantFieldCode(t, p, "/person", "not_on_list")
	for _, phone := range []string{k.device, otherPhone} {
		if m := waitPushOf(t, w.fcm, phone, "attendance.pickup_refused"); m.Android.Priority != "high" ||
			m.Data["id"] != k.child.ID {
			t.Errorf("the refusal push %s", compactJSON(m))
		}
	}

	// A new pickup person whose ID card does not match.
	aunt := k.parent.addPickup(t, k.child.ID, "李梅", "姑姑", newPhone()) // idLast4 123X
	r := w.teacher.post(t, "/v1/children/"+k.child.ID+"/check-out", map[string]any{"providerId": w.nursery.ID,
		"person": map[string]string{"pickupPersonId": aunt.ID, "name": "李梅", "idLast4": "9999"}, "verification": "id_card"})
	p = wantProblem(t, r, http.StatusUnprocessableEntity, "pickup_not_authorized")
	wantFieldCode(t, p, "/person", "id_mismatch")
	// Her own card.
	r = w.teacher.post(t, "/v1/children/"+k.child.ID+"/check-out", map[string]any{"providerId": w.nursery.ID,
		"person": map[string]string{"pickupPersonId": aunt.ID, "name": "李梅", "idLast4": "123x"}, "verification": "id_card"})
	a := must[attendanceView](t, r, http.StatusOK)
	if a.CheckOut == nil || a.CheckOut.Person.Name != "李梅" || len(a.Refusals) != 2 ||
		a.Refusals[0].Reason != "not_on_list" || a.Refusals[1].Reason != "id_mismatch" {
		t.Fatalf("the day %s, want the aunt recorded and both refusals kept", compactJSON(a))
	}
	wantProblem(t, w.teacher.checkOut(t, k.child.ID, w.nursery.ID, aunt.ID, "李梅"), http.StatusConflict, "already_checked_out")
	// A fever is admitted only under watch.
	wantProblem(t, w.teacher.post(t, "/v1/children/"+w.b.child.ID+"/check-in", map[string]any{"providerId": w.nursery.ID,
		"healthCheck": map[string]any{"temperatureC": 37.8, "result": "well"}}, "Idempotency-Key", randomID()),
		http.StatusUnprocessableEntity, "check_in_invalid")
}

// A child without a place today is refused with why, unless staff book a
// drop-in place on a session running now, through the engine: within
// its capacity, never more.
func TestAChildWithoutAPlaceIsRefusedUnlessStaffBookADropIn(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	// A third family's toddler, without a place this month.
	c := &kid{parent: w.srv.signUp(t)}
	c.family = c.parent.createFamily(t, uniqueName("孙家"))
	c.parent.consent(t, c.family.ID, "child_data", "")
	c.child = c.parent.addChild(t, c.family.ID, childBody("孙果果", firstOfMonth(w.day).AddDate(0, -16, 0).Format(time.DateOnly)))
	// She was booked here once, for another month: the nursery knows her.
	dropIns := w.director.offering(t, w.nursery.ID, map[string]any{
		"names": map[string]string{"zhCN": "临时托"}, "careType": "drop_in",
		"ages": map[string]int{"minMonths": 12, "maxMonths": 23}, "capacity": 1, "inclusiveQuota": 0,
		"price": map[string]int64{"marketFen": 20000, "inclusiveFen": 12000},
		"schedule": map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7},
			"sessions": []map[string]string{{"start": "07:30", "end": "17:30"}}}})
	day := w.day.Format(time.DateOnly)
	sessions := must[listPage[slotView]](t, w.director.post(t, "/v1/offerings/"+dropIns.ID+"/slots",
		map[string]string{"from": day, "to": day}), http.StatusOK).Items
	if len(sessions) != 1 {
		t.Fatalf("drop-in sessions %s", compactJSON(sessions))
	}
	session := sessions[0]
	// Unknown to the nursery: no such child.
	wantProblem(t, w.teacher.checkIn(t, c.child.ID, w.nursery.ID, 36.5, nil), http.StatusNotFound, "child_not_found")

	// A toddler with a place next month only is refused today, with why.
	next := must[listPage[slotView]](t, w.director.post(t, "/v1/offerings/"+w.month.OfferingID+"/slots",
		map[string]string{"from": firstOfMonth(w.day).AddDate(0, 1, 0).Format(time.DateOnly),
			"to": firstOfMonth(w.day).AddDate(0, 1, 0).Format(time.DateOnly)}), http.StatusOK).Items
	c.parent.books(t, next[0].SlotID, "market", c.child.ID)
	p := wantProblem(t, w.teacher.checkIn(t, c.child.ID, w.nursery.ID, 36.5, nil), http.StatusUnprocessableEntity,
		"no_booking_today")
	if p.Detail == "" {
		t.Error("the refusal does not say why")
	}
	wantProblem(t, w.teacher.fillReport(t, c.child.ID, w.day, reportBody(t, w.nursery.ID, w.day, "all")),
		http.StatusUnprocessableEntity, "no_booking_that_day")

	// Staff book her a drop-in place at the door: she is in, on the session.
	a := must[attendanceView](t, w.teacher.checkIn(t, c.child.ID, w.nursery.ID, 36.5,
		map[string]any{"dropIn": map[string]string{"slotId": session.SlotID, "tier": "market"}}), http.StatusOK)
	if len(a.Places) != 1 || !a.Places[0].AtDoor || a.RoomID != w.room.ID || a.CheckIn == nil {
		t.Fatalf("the drop-in: %s", compactJSON(a))
	}
	if s := w.director.slot(t, session.SlotID); s.Confirmed != (tiersView{Market: 1}) || s.Remaining != (tiersView{}) {
		t.Errorf("the session after the drop-in: %s, want its one place taken", compactJSON(s))
	}
	b := must[bookingView](t, c.parent.get(t, "/v1/bookings/"+a.Places[0].BookingID), http.StatusOK)
	if b.ChildID != c.child.ID || b.FamilyID != c.family.ID || b.Status != "confirmed" || b.PriceFen != 20000 {
		t.Errorf("the family sees the drop-in booking as %s", compactJSON(b))
	}
	// The session is full now: another child without a place is refused.
	d := &kid{parent: w.srv.signUp(t)}
	d.family = d.parent.createFamily(t, uniqueName("周家"))
	d.parent.consent(t, d.family.ID, "child_data", "")
	d.child = d.parent.addChild(t, d.family.ID, childBody("周安安", firstOfMonth(w.day).AddDate(0, -16, 0).Format(time.DateOnly)))
	d.parent.books(t, next[0].SlotID, "market", d.child.ID)
	wantProblem(t, w.teacher.checkIn(t, d.child.ID, w.nursery.ID, 36.5,
		map[string]any{"dropIn": map[string]string{"slotId": session.SlotID}}), http.StatusConflict, "slot_full")
	// A month of full-day care is enrolment, not a drop-in.
	wantProblem(t, w.teacher.checkIn(t, d.child.ID, w.nursery.ID, 36.5,
		map[string]any{"dropIn": map[string]string{"slotId": w.month.SlotID}}), http.StatusUnprocessableEntity,
		"slot_not_for_drop_in")
}

// A place away the policy's number of booked days in a row tells the
// office, once.
func TestAPlaceAwayDaysInARowAlertsTheOffice(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	office := w.director.addAppDevice(t, "provider", "android")
	wantStatus(t, w.director.put(t, "/v1/providers/"+w.nursery.ID+"/childcare-policy",
		map[string]int{"absenceAlertDays": 2, "lateGraceMinutes": 5}), http.StatusOK)
	// Past days cannot be reported; a day without a place is not one.
	wantProblem(t, w.a.parent.post(t, "/v1/children/"+w.a.child.ID+"/absences", map[string]string{
		"from": w.day.AddDate(0, 0, -1).Format(time.DateOnly), "to": w.day.Format(time.DateOnly), "reason": "sick"}),
		http.StatusUnprocessableEntity, "absence_in_past")
	// Today the child does not come; nobody says why (10:00).
	w.clock.set(t, clockOn(t, w.day, 10, 0))
	wantStatus(t, w.teacher.post(t, "/v1/children/"+w.a.child.ID+"/no-show", map[string]string{"providerId": w.nursery.ID}),
		http.StatusOK)
	// In the evening her parent reports her away tomorrow too.
	w.clock.set(t, clockOn(t, w.day, 20, 0))
	tomorrow := w.day.AddDate(0, 0, 1).Format(time.DateOnly)
	wantStatus(t, w.a.parent.post(t, "/v1/children/"+w.a.child.ID+"/absences", map[string]string{
		"from": tomorrow, "to": tomorrow, "reason": "family_leave"}), http.StatusCreated)
	push := waitPushOf(t, w.fcm, office, "attendance.absence_streak")
	wantPush(t, push, "连续缺勤提醒", "林小满自 "+w.day.Format(time.DateOnly)+" 起已连续缺勤 2 个托育日，请联系家长。", nil)
	// Reporting the same day again tells nobody twice.
	wantStatus(t, w.a.parent.post(t, "/v1/children/"+w.a.child.ID+"/absences", map[string]string{
		"from": tomorrow, "to": tomorrow, "reason": "sick"}), http.StatusCreated)
	waitPushOf(t, w.fcm, office, "attendance.absence_reported")
	w.srv.settle(t)
	n := 0
	for _, m := range pushesTo(w.fcm, office) {
		if m.Data["type"] == "attendance.absence_streak" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the office got %d streak alerts, want 1: %s", n, describePushes(pushesTo(w.fcm, office)))
	}
}

// Rooms keep to the national standard; a home childcare point takes five
// children in all; the subsidy rate is the regulator's, never set for a
// month gone by.
func TestRoomsAndRatesKeepToTheRules(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv, platform := startReservationServer(t, fcm)
	director := srv.signUp(t)
	nursery := director.nursery(t, platform)
	wantProblem(t, director.post(t, "/v1/providers/"+nursery.ID+"/rooms", map[string]any{"name": "乳儿班",
		"ages": map[string]int{"minMonths": 6, "maxMonths": 11}, "capacity": 12}), http.StatusUnprocessableEntity,
		"room_above_standard")
	wantProblem(t, director.post(t, "/v1/providers/"+nursery.ID+"/rooms", map[string]any{"name": "托小班",
		"ages": map[string]int{"minMonths": 12, "maxMonths": 23}, "childrenPerStaff": 6}), http.StatusUnprocessableEntity,
		"room_above_standard")
	babies := must[roomView](t, director.post(t, "/v1/providers/"+nursery.ID+"/rooms", map[string]any{"name": "乳儿班",
		"ages": map[string]int{"minMonths": 6, "maxMonths": 11}, "capacity": 8}), http.StatusCreated)
	if babies.ChildrenPerStaff != 3 || babies.Standard.MaxChildren != 10 {
		t.Errorf("the babies' room %s", compactJSON(babies))
	}
	wantProblem(t, director.post(t, "/v1/providers/"+nursery.ID+"/rooms", map[string]any{"name": "乳儿班",
		"ages": map[string]int{"minMonths": 6, "maxMonths": 11}}), http.StatusConflict, "room_name_taken")

	home := srv.signUp(t)
	point := home.homeChildcarePoint(t, platform)
	must[roomView](t, home.post(t, "/v1/providers/"+point.ID+"/rooms", map[string]any{"name": "客厅",
		"ages": map[string]int{"minMonths": 12, "maxMonths": 35}, "capacity": 4}), http.StatusCreated)
	wantProblem(t, home.post(t, "/v1/providers/"+point.ID+"/rooms", map[string]any{"name": "卧室",
		"ages": map[string]int{"minMonths": 12, "maxMonths": 35}, "capacity": 2}), http.StatusUnprocessableEntity,
		"home_point_capacity_exceeded")

	regulator := srv.signUp(t)
	makeRegulator(t, platform, regulator, "310000")
	lastMonth := firstOfMonth(shanghaiToday()).AddDate(0, -1, 0).Format("2006-01")
	wantProblem(t, regulator.put(t, "/v1/childcare-subsidy-rates/310104", map[string]any{"dailyRateFen": 2000,
		"effectiveFrom": lastMonth, "document": "徐卫〔试行〕2号"}), http.StatusUnprocessableEntity, "subsidy_rate_retroactive")
	nextMonth := firstOfMonth(shanghaiToday()).AddDate(0, 1, 0).Format("2006-01")
	wantStatus(t, regulator.put(t, "/v1/childcare-subsidy-rates/310104", map[string]any{"dailyRateFen": 2500,
		"effectiveFrom": nextMonth, "document": "徐卫〔试行〕2号"}), http.StatusOK)
	rates := must[struct {
		Items []struct {
			DailyRateFen  int64  `json:"dailyRateFen"`
			EffectiveFrom string `json:"effectiveFrom"`
		} `json:"items"`
	}](t, director.get(t, "/v1/childcare-subsidy-rates/310104"), http.StatusOK)
	if len(rates.Items) != 1 || rates.Items[0].DailyRateFen != 2500 || rates.Items[0].EffectiveFrom != nextMonth {
		t.Errorf("the district's rates %s", compactJSON(rates))
	}
	wantProblem(t, director.put(t, "/v1/childcare-subsidy-rates/310104", map[string]any{"dailyRateFen": 9000,
		"effectiveFrom": nextMonth, "document": "自定"}), http.StatusForbidden, "forbidden")
}

// The office keeps its rooms: everyone who works there reads them, only
// the office changes them, within the standard and under names of their
// own; a ratio made stricter mid-day counts from the room's next check.
func TestTheOfficeTightensARoomMidDay(t *testing.T) {
	t.Parallel()
	w := startNurseryWorld(t)
	rooms := "/v1/providers/" + w.nursery.ID + "/rooms"
	type roomList struct {
		Items  []roomView `json:"items"`
		Policy struct {
			AbsenceAlertDays int `json:"absenceAlertDays"`
			LateGraceMinutes int `json:"lateGraceMinutes"`
		} `json:"policy"`
	}
	list := must[roomList](t, w.teacher.get(t, rooms), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0].ID != w.room.ID || list.Items[0].ChildrenPerStaff != 5 ||
		list.Policy.AbsenceAlertDays == 0 {
		t.Fatalf("the teacher reads the rooms as %s", compactJSON(list))
	}
	twos := w.director.room(t, w.nursery.ID, "托大班", 24, 35)

	// One toddler in, one teacher: within 1:5.
	wantStatus(t, w.teacher.checkIn(t, w.a.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)

	toddlers := rooms + "/" + w.room.ID
	strict := map[string]any{"name": "托小班", "ages": map[string]int{"minMonths": 12, "maxMonths": 23},
		"capacity": 8, "childrenPerStaff": 1}
	for name, r := range map[string]*response{
		"a teacher":            w.teacher.put(t, toddlers, strict),
		"a parent":             w.a.parent.put(t, toddlers, strict),
		"someone from outside": w.srv.signUp(t).put(t, toddlers, strict),
	} {
		if r.status != http.StatusNotFound || decode[problem](t, r).Code != "provider_not_found" {
			t.Errorf("%s changing the room: %d %s, want 404 provider_not_found", name, r.status, r.body)
		}
	}
	wantProblem(t, w.director.put(t, rooms+"/"+randomID(), strict), http.StatusNotFound, "room_not_found")
	loose := map[string]any{"name": "托小班", "ages": map[string]int{"minMonths": 12, "maxMonths": 23}, "childrenPerStaff": 6}
	p := wantProblem(t, w.director.put(t, toddlers, loose), http.StatusUnprocessableEntity, "room_above_standard")
	wantFieldCode(t, p, "/childrenPerStaff", "above_standard")
	wantProblem(t, w.director.put(t, rooms+"/"+twos.ID, map[string]any{"name": "托小班",
		"ages": map[string]int{"minMonths": 24, "maxMonths": 35}}), http.StatusConflict, "room_name_taken")

	// The director makes the toddlers' room one to one.
	w.clock.set(t, clockOn(t, w.day, 9, 0))
	changed := must[roomView](t, w.director.put(t, toddlers, strict), http.StatusOK)
	if changed.ChildrenPerStaff != 1 || changed.Capacity != 8 || changed.Standard.ChildrenPerStaff != 5 {
		t.Fatalf("the changed room %s", compactJSON(changed))
	}
	if list := must[roomList](t, w.director.get(t, rooms), http.StatusOK); len(list.Items) != 2 ||
		list.Items[0].ChildrenPerStaff != 1 || list.Items[1].ID != twos.ID {
		t.Errorf("the rooms after the change %s", compactJSON(list))
	}
	// The second toddler makes two for one teacher: over 1:1 now.
	a := must[attendanceView](t, w.teacher.checkIn(t, w.b.child.ID, w.nursery.ID, 36.5, nil), http.StatusOK)
	if a.RoomID != w.room.ID || !a.RoomFlagged {
		t.Errorf("two toddlers for one teacher in a 1:1 room: %s, want the room flagged", compactJSON(a))
	}
	day := w.director.roomDay(t, w.nursery.ID, w.room.ID, w.day)
	if day.Ratio.Allowed != 1 || len(day.Ratio.Breaches) != 1 {
		t.Errorf("the room's day after the change: %s", compactJSON(day.Ratio))
	}
}
