package e2e_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestADayAtTheNursery: a nursery open every day 07:30–17:30 has a
// toddlers' room (12–23 months, 1:5) and a twos' room (24–36 months,
// 1:7), and twelve children booked for the month, six in each, five of
// them at the 普惠 price; the city's regulator pays ¥20 a 普惠 day
// attended. On the day the teachers come in and the children are checked
// in with their morning check. At ten one of the toddlers' two teachers
// leaves: six toddlers for one teacher is over 1:5, the room is flagged
// and the office's phone rings at once; she is back at eleven. The
// teachers write each child's day and publish it; the parents are
// pushed, and a correction is marked as one. Lin Xiaoman's mother
// authorizes a neighbour for today; a stranger who comes for her
// daughter is refused, and both parents are alerted at once; the
// neighbour collects her. A grandmother comes 22 minutes after closing.
// Next day the neighbour is refused: her day is over. The month's
// statement counts it all, and claims the 普惠 days at the city's rate.
//
// The server's childcare day runs on a clock the test moves
// (KINCARE_TEST_CLOCK_FILE); bookings, sessions and pushes run on the
// real one.
func TestADayAtTheNursery(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	clock := newTestClock(t)
	day := nurseryDate()
	next := day.AddDate(0, 0, 1)
	clock.set(t, clockOn(t, day, 6, 30))
	srv, platform := startReservationServer(t, fcm, "KINCARE_TEST_CLOCK_FILE", clock.path)

	// The nursery, its office's phone, two rooms, three teachers.
	director := srv.signUp(t)
	nursery := director.nursery(t, platform)
	office := director.addAppDevice(t, "provider", "android")
	toddlers := director.room(t, nursery.ID, "托小班", 12, 23)
	twos := director.room(t, nursery.ID, "托大班", 24, 35)
	if toddlers.ChildrenPerStaff != 5 || toddlers.Capacity != 15 || twos.ChildrenPerStaff != 7 || twos.Capacity != 20 {
		t.Fatalf("rooms %s %s, want the national standard's 1:5 of 15 and 1:7 of 20", compactJSON(toddlers), compactJSON(twos))
	}
	a1, a2 := director.hireStaff(t, nursery.ID, "caregiver"), director.hireStaff(t, nursery.ID, "caregiver")
	b1 := director.hireStaff(t, nursery.ID, "caregiver")
	littleMonth := director.monthSlot(t, director.offering(t, nursery.ID, fullDayBody("全日托·托小班", 12, 23, 8, 3)).ID, day)
	bigMonth := director.monthSlot(t, director.offering(t, nursery.ID, fullDayBody("全日托·托大班", 24, 35, 8, 2)).ID, day)

	// Shanghai's regulator pays ¥20 for each 普惠 day attended, from this month.
	regulator := srv.signUp(t)
	makeRegulator(t, platform, regulator, "310000")
	month := day.Format("2006-01")
	wantStatus(t, regulator.put(t, "/v1/childcare-subsidy-rates/310100", map[string]any{"dailyRateFen": 2000,
		"effectiveFrom": month, "document": "沪卫人口发〔试行〕1号"}), http.StatusOK)
	wantProblem(t, director.put(t, "/v1/childcare-subsidy-rates/310100", map[string]any{"dailyRateFen": 9000,
		"effectiveFrom": month, "document": "自定"}), http.StatusForbidden, "forbidden")

	// Twelve children, each booked for the month by their parent.
	var kids []*kid
	for i, name := range []string{"林小满", "陈一一", "吴朵朵", "赵乐乐", "钱多多", "孙果果"} {
		tier := "market"
		if i < 3 {
			tier = "inclusive"
		}
		kids = append(kids, enrol(t, srv, name, 17, day, littleMonth.SlotID, tier))
		kids[i].roomName = "托小班"
	}
	for i, name := range []string{"周安安", "郑欣欣", "王小宝", "冯甜甜", "褚豆豆", "卫圆圆"} {
		tier := "market"
		if i < 2 {
			tier = "inclusive"
		}
		k := enrol(t, srv, name, 29, day, bigMonth.SlotID, tier)
		k.roomName = "托大班"
		kids = append(kids, k)
	}
	lin, wu, zhao, late := kids[0], kids[2], kids[3], kids[11]
	father := srv.signUp(t)
	fatherPhone := father.addDevice(t, "ios")
	father.join(t, lin.parent, lin.family.ID, "member")
	teacherOf := func(k *kid) *person {
		if k.roomName == "托小班" {
			return a1
		}
		return b1
	}

	// Morning: the office sets who works where; the teachers come in.
	clock.set(t, clockOn(t, day, 7, 0))
	director.assign(t, nursery.ID, toddlers.ID, day, a1, a2)
	director.assign(t, nursery.ID, twos.ID, day, b1)
	clock.set(t, clockOn(t, day, 7, 20))
	for _, teacher := range []*person{a1, a2} {
		teacher.shift(t, nursery.ID, toddlers.ID, true)
	}
	b1.shift(t, nursery.ID, twos.ID, true)
	morning := a1.roomDay(t, nursery.ID, toddlers.ID, day)
	if s := morning.Summary; s.Expected != 6 || s.NotArrived != 6 || s.CheckedIn != 0 || s.Attention != 6 ||
		len(morning.Unplaced) != 0 || morning.Ratio.OnDuty != 2 || morning.Ratio.Allowed != 10 {
		t.Fatalf("the toddlers' room at 07:20: %s, want six expected (allergies to mind) and two teachers", compactJSON(morning))
	}
	if c := morning.child(t, lin.child.ID); c.Standing != "not_arrived" || c.Allergies != "对鸡蛋过敏" || !c.Attention {
		t.Errorf("Xiaoman before arriving: %s", compactJSON(c))
	}

	// The children arrive from 07:40, each with their morning check.
	for i, k := range kids {
		clock.set(t, clockOn(t, day, 7, 40+i))
		a := must[attendanceView](t, teacherOf(k).checkIn(t, k.child.ID, nursery.ID, 36.5, nil), http.StatusOK)
		want := toddlers.ID
		if k.roomName == "托大班" {
			want = twos.ID
		}
		if a.RoomID != want || a.CheckIn == nil || a.CheckIn.HealthCheck.TemperatureC != 36.5 || a.RoomFlagged {
			t.Fatalf("%s checked in: %s, want room %s", k.child.Name, compactJSON(a), want)
		}
	}
	wantPush(t, waitPushOf(t, fcm, lin.device, "attendance.checked_in"), "已入托",
		"林小满已于 07:40 入托，晨检体温 36.5℃。", map[string]string{"kind": "child", "id": lin.child.ID})
	wantProblem(t, a1.checkIn(t, lin.child.ID, nursery.ID, 36.6, nil), http.StatusConflict, "already_checked_in")

	// 10:00: a teacher leaves the toddlers early. Six for one is over 1:5.
	clock.set(t, clockOn(t, day, 10, 0))
	st := a2.shift(t, nursery.ID, toddlers.ID, false)
	if !st.Flagged || len(st.Breaches) != 1 || st.Breaches[0].Children != 6 || st.Breaches[0].Staff != 1 ||
		st.Breaches[0].Allowed != 5 {
		t.Fatalf("after the teacher left: %s, want the room flagged, 6 children for 5 places", compactJSON(st))
	}
	alarm := waitPushOf(t, fcm, office, "attendance.ratio_breached")
	wantPush(t, alarm, "师幼比超标：托小班", "托小班 10:00 在班幼儿 6 名，在岗保育人员 1 名，超出 1:5 的配比要求，请立即增派人员。",
		map[string]string{"kind": "room_day"})
	if alarm.Android.Priority != "high" {
		t.Errorf("the ratio alarm went at priority %q, want high (urgent)", alarm.Android.Priority)
	}
	clock.set(t, clockOn(t, day, 11, 0))
	if st := a2.shift(t, nursery.ID, toddlers.ID, true); st.Flagged || st.Breaches[0].End == nil {
		t.Fatalf("after the teacher came back: %s", compactJSON(st))
	}
	waitPushOf(t, fcm, office, "attendance.ratio_restored")

	// Afternoon: each child's day is written, then published to the family.
	clock.set(t, clockOn(t, day, 15, 0))
	for _, k := range kids {
		r := must[dailyReportView](t, teacherOf(k).fillReport(t, k.child.ID, day, reportBody(t, nursery.ID, day, "most")), http.StatusOK)
		if r.Status != "draft" || r.Version != 0 || len(r.Meals) != 1 {
			t.Fatalf("%s's report: %s", k.child.Name, compactJSON(r))
		}
	}
	if got := lin.parent.reports(t, lin.child.ID, day, day, ""); len(got) != 0 {
		t.Fatalf("the family sees a draft: %s", compactJSON(got))
	}
	if v := a1.roomDay(t, nursery.ID, toddlers.ID, day); v.Summary.ReportsUnpublished != 6 || v.Summary.CheckedIn != 6 {
		t.Errorf("before publishing the room shows %s", compactJSON(v.Summary))
	}
	clock.set(t, clockOn(t, day, 15, 30))
	for _, k := range kids {
		r := must[dailyReportView](t, teacherOf(k).publishReport(t, k.child.ID, nursery.ID, day), http.StatusOK)
		if r.Status != "published" || r.Version != 1 {
			t.Fatalf("%s's published report: %s", k.child.Name, compactJSON(r))
		}
	}
	for _, phone := range []string{lin.device, fatherPhone} {
		wantPush(t, waitPushOf(t, fcm, phone, "daily_report.published"), "今日成长日报",
			"林小满 "+day.Format(time.DateOnly)+" 的成长日报已发布，来看看宝宝今天吃得怎么样、睡得好不好。",
			map[string]string{"kind": "daily_report"})
	}
	wantProblem(t, a1.publishReport(t, lin.child.ID, nursery.ID, day), http.StatusConflict, "daily_report_already_published")
	// Xiaoman ate only half: the correction is a new version, with why.
	wantProblem(t, a1.fillReport(t, lin.child.ID, day, reportBody(t, nursery.ID, day, "half")),
		http.StatusUnprocessableEntity, "correction_reason_required")
	corrected := reportBody(t, nursery.ID, day, "half")
	corrected["correctionReason"] = "午饭实际只吃了一半"
	wantStatus(t, a1.fillReport(t, lin.child.ID, day, corrected), http.StatusOK)
	seen := lin.parent.reports(t, lin.child.ID, day, day, "")
	if len(seen) != 1 || seen[0].Version != 2 || !seen[0].Corrected || seen[0].Meals[0].Amount != "half" ||
		len(seen[0].Corrections) != 1 || seen[0].Corrections[0].Reason != "午饭实际只吃了一半" {
		t.Fatalf("the family reads %s, want version 2, corrected, with the reason", compactJSON(seen))
	}
	waitPushOf(t, fcm, fatherPhone, "daily_report.corrected")

	// 15:40: Xiaoman's mother authorizes their neighbour for today.
	clock.set(t, clockOn(t, day, 15, 40))
	neighbour := newPhone()
	r := lin.parent.post(t, "/v1/children/"+lin.child.ID+"/one-time-pickup-persons", map[string]string{
		"name": "张丽", "relation": "邻居", "phone": neighbour.national, "idLast4": "4321"})
	oneTime := must[struct {
		pickupView
		ExpiresAt time.Time `json:"expiresAt"`
	}](t, r, http.StatusCreated)
	if !oneTime.ExpiresAt.Equal(clockOn(t, next, 0, 0)) || oneTime.Phone != neighbour.masked() {
		t.Fatalf("the neighbour is authorized as %s, until the coming midnight %s", compactJSON(oneTime), clockOn(t, next, 0, 0))
	}
	wantPush(t, waitPushOf(t, fcm, fatherPhone, "child.one_time_pickup_added"), "今日临时接送人",
		"张丽（邻居）今天可以接林小满，授权到 "+day.Format(time.DateOnly)+" 23:59 为止。如有疑问，请立即联系机构。", nil)

	// 16:00: a stranger comes for Xiaoman. Refused; both parents alerted at once.
	clock.set(t, clockOn(t, day, 16, 0))
	p := wantProblem(t, a1.checkOut(t, lin.child.ID, nursery.ID, "", "陌生男子"), http.StatusUnprocessableEntity,
		"pickup_not_authorized")
	wantFieldCode(t, p, "/person", "not_on_list")
	for _, phone := range []string{lin.device, fatherPhone} {
		m := waitPushOf(t, fcm, phone, "attendance.pickup_refused")
		wantPush(t, m, "接送被拒：来人不在授权名单",
			"16:00 有人（自称陌生男子）要接走林小满，不在授权接送名单上，机构已拒绝交接，孩子仍在园内。如非您安排，请立即联系机构。",
			map[string]string{"kind": "child", "id": lin.child.ID})
		if m.Android.Priority != "high" {
			t.Errorf("the refusal went at priority %q, want high (urgent)", m.Android.Priority)
		}
	}
	if c := a1.roomDay(t, nursery.ID, toddlers.ID, day).child(t, lin.child.ID); c.Standing != "checked_in" {
		t.Errorf("after the refusal Xiaoman is %q, want still checked in", c.Standing)
	}

	// 16:30: the neighbour collects her.
	clock.set(t, clockOn(t, day, 16, 30))
	out := must[attendanceView](t, a1.checkOut(t, lin.child.ID, nursery.ID, oneTime.ID, "张丽"), http.StatusOK)
	if out.CheckOut == nil || out.CheckOut.Person.Name != "张丽" || !out.CheckOut.Person.OneTime || out.CheckOut.Late ||
		len(out.Refusals) != 1 || out.Refusals[0].Person.Name != "陌生男子" {
		t.Fatalf("Xiaoman's departure: %s", compactJSON(out))
	}

	// The grandmothers collect the rest, one of them after closing.
	for i, k := range kids[1:] {
		if k == late {
			continue
		}
		clock.set(t, clockOn(t, day, 16, 40+i))
		a := must[attendanceView](t, teacherOf(k).checkOut(t, k.child.ID, nursery.ID, k.pickup.ID, "王秀兰"), http.StatusOK)
		if a.CheckOut == nil || a.CheckOut.Late || a.CheckOut.Person.PickupPersonID != k.pickup.ID {
			t.Fatalf("%s's departure: %s", k.child.Name, compactJSON(a))
		}
	}
	clock.set(t, clockOn(t, day, 17, 52))
	a := must[attendanceView](t, b1.checkOut(t, late.child.ID, nursery.ID, late.pickup.ID, "王秀兰"), http.StatusOK)
	if a.CheckOut == nil || !a.CheckOut.Late || a.CheckOut.LateMinutes != 22 || !a.CheckOut.Due.Equal(clockOn(t, day, 17, 30)) {
		t.Fatalf("the late departure: %s, want 22 minutes after 17:30", compactJSON(a.CheckOut))
	}
	wantPush(t, waitPushOf(t, fcm, late.device, "attendance.late_pickup"), "接送晚了",
		"卫圆圆应在 17:30 前接走，17:52 才接走，晚了 22 分钟。", nil)
	clock.set(t, clockOn(t, day, 18, 0))
	for _, teacher := range []*person{a1, a2} {
		teacher.shift(t, nursery.ID, toddlers.ID, false)
	}
	b1.shift(t, nursery.ID, twos.ID, false)
	evening := director.roomDay(t, nursery.ID, toddlers.ID, day)
	if s := evening.Summary; s.CheckedIn != 6 || s.CheckedOut != 6 || s.ReportsUnpublished != 0 || evening.Ratio.Present != 0 ||
		len(evening.Ratio.Breaches) != 1 {
		t.Errorf("the toddlers' room in the evening: %s", compactJSON(evening))
	}
	var breachMinutes int
	for _, h := range evening.Ratio.Hourly {
		breachMinutes += h.BreachMinutes
		if h.Start.Equal(clockOn(t, day, 10, 0)) && (h.MaxChildren != 6 || h.MinStaff != 1 || h.BreachMinutes != 60) {
			t.Errorf("the 10:00 hour: %s", compactJSON(h))
		}
	}
	if breachMinutes != 60 {
		t.Errorf("%d minutes over the ratio in the hourly view, want 60: %s", breachMinutes, compactJSON(evening.Ratio.Hourly))
	}

	// In the evening Wu Duoduo's parent reports her sick for the next two days.
	clock.set(t, clockOn(t, day, 19, 0))
	absent := must[struct {
		Days []struct {
			Date string `json:"date"`
		} `json:"days"`
	}](t, wu.parent.post(t, "/v1/children/"+wu.child.ID+"/absences", map[string]string{
		"from": next.Format(time.DateOnly), "to": next.AddDate(0, 0, 1).Format(time.DateOnly), "reason": "sick",
		"note": "发烧 38.5℃"}), http.StatusCreated)
	if len(absent.Days) != 2 {
		t.Fatalf("the absence covers %s, want two booked days", compactJSON(absent))
	}
	wantPush(t, waitPushOf(t, fcm, office, "attendance.absence_reported"), "家长请假",
		"吴朵朵 "+next.Format(time.DateOnly)+" 至 "+next.AddDate(0, 0, 1).Format(time.DateOnly)+" 请假。", nil)

	// The next day. Zhao Lele does not come; nobody said why.
	clock.set(t, clockOn(t, next, 7, 0))
	director.assign(t, nursery.ID, toddlers.ID, next, a1)
	a1.shift(t, nursery.ID, toddlers.ID, true)
	clock.set(t, clockOn(t, next, 7, 45))
	wantStatus(t, a1.checkIn(t, lin.child.ID, nursery.ID, 36.7, nil), http.StatusOK)
	clock.set(t, clockOn(t, next, 10, 0))
	if a := must[attendanceView](t, a1.post(t, "/v1/children/"+zhao.child.ID+"/no-show",
		map[string]string{"providerId": nursery.ID}), http.StatusOK); a.NoShow == nil {
		t.Fatalf("the no-show: %s", compactJSON(a))
	}
	if v := a1.roomDay(t, nursery.ID, toddlers.ID, next); v.Summary.Absent != 1 || v.Summary.NoShow != 1 || v.Summary.CheckedIn != 1 ||
		v.Summary.NotArrived != 3 {
		t.Errorf("the toddlers' room the next morning: %s", compactJSON(v.Summary))
	}

	// 16:00: the neighbour comes again. Her day is over: refused, parents alerted.
	clock.set(t, clockOn(t, next, 16, 0))
	wantProblem(t, a1.checkOut(t, lin.child.ID, nursery.ID, oneTime.ID, "张丽"), http.StatusUnprocessableEntity,
		"pickup_not_authorized")
	if !waitUntil(pushWait, func() bool {
		n := 0
		for _, m := range pushesTo(fcm, fatherPhone) {
			if m.Data["type"] == "attendance.pickup_refused" {
				n++
			}
		}
		return n == 2
	}) {
		t.Fatalf("the father's pushes: %s, want a second refusal", describePushes(pushesTo(fcm, fatherPhone)))
	}
	clock.set(t, clockOn(t, next, 16, 10))
	wantStatus(t, a1.checkOut(t, lin.child.ID, nursery.ID, lin.pickup.ID, "王秀兰"), http.StatusOK)

	// The month's statement counts the day's events.
	clock.set(t, clockOn(t, next, 18, 0))
	stmt := must[attendanceStatementView](t, director.get(t, attendancePath(nursery.ID, day)), http.StatusOK)
	daysInMonth := firstOfMonth(day).AddDate(0, 1, -1).Day()
	if stmt.Month != month || stmt.Final || stmt.Rate == nil || stmt.Rate.DailyRateFen != 2000 || stmt.Rate.RegionCode != "310100" ||
		len(stmt.Lines) != 12 {
		t.Fatalf("statement %s", compactJSON(stmt))
	}
	for _, k := range kids {
		want := attendanceLineView{ChildID: k.child.ID, ChildName: k.child.Name, DaysBooked: daysInMonth, DaysAttended: 1,
			DaysUpcoming: daysInMonth - day.Day()}
		want.Absences.Unreported = day.Day() - 1
		switch k {
		case lin:
			want.DaysAttended, want.DaysUpcoming, want.RefusedPickups = 2, want.DaysUpcoming-1, 2
		case wu:
			want.Absences.Sick, want.DaysUpcoming = 2, want.DaysUpcoming-2
		case zhao:
			want.Absences.NoShow, want.DaysUpcoming = 1, want.DaysUpcoming-1
		case late:
			want.LatePickups, want.LateMinutes = 1, 22
		}
		if k.tier == "inclusive" {
			want.InclusiveDaysAttended = want.DaysAttended
			want.ClaimFen = int64(want.DaysAttended) * 2000
		}
		if got := stmt.line(t, k.child.ID); got != want {
			t.Errorf("%s on the statement:\n got %s\nwant %s", k.child.Name, compactJSON(got), compactJSON(want))
		}
	}
	if stmt.Total.DaysAttended != 13 || stmt.Total.ClaimFen != 12000 || stmt.Total.LatePickups != 1 || stmt.Total.RefusedPickups != 2 {
		t.Errorf("total %s, want 13 days attended, ¥120 claimable (six 普惠 days), one late pickup, two refusals",
			compactJSON(stmt.Total))
	}
	var breaches int
	for _, d := range stmt.Days {
		if d.Date == day.Format(time.DateOnly) && d.RoomName == "托小班" {
			breaches = d.RatioBreaches
			if d.BreachMinutes != 60 || d.Attended != 6 {
				t.Errorf("the toddlers' day on the statement: %s", compactJSON(d))
			}
		}
	}
	if breaches != 1 {
		t.Errorf("the statement's days %s, want one ratio breach in the toddlers' room on %s", compactJSON(stmt.Days), day.Format(time.DateOnly))
	}

	// The same figures as CSV and as a workbook, amounts in yuan.
	r = director.get(t, attendancePath(nursery.ID, day)+"?format=csv")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV %q, %q", ct, r.header.Get("Content-Disposition"))
	}
	var total []string
	children := 0
	for _, row := range csvRows(r.body) {
		switch {
		case row[0] == "合计":
			total = row
		case len(row) == 15 && row[0] != "幼儿编号":
			children++
		}
	}
	if children != 12 || len(total) != 15 || total[3] != "13" || total[14] != "120.00" {
		t.Errorf("the CSV has %d children's rows and the total %q, want 12 and 13 days, ¥120.00:\n%s", children, total, r.body)
	}
	r = director.get(t, attendancePath(nursery.ID, day), "Accept",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	wantStatus(t, r, http.StatusOK)
	book, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer book.Close()
	for sheet, cell := range map[string]string{"幼儿出勤": "O14", "汇总": "B11"} {
		if claim, err := book.GetCellValue(sheet, cell); err != nil || claim != "120.00" {
			t.Errorf("the workbook's %s %s is %q (%v), want the total claim 120.00", sheet, cell, claim, err)
		}
	}

	// The regulator reads the same statement, with the children's names masked.
	reg := must[attendanceStatementView](t, regulator.get(t, attendancePath(nursery.ID, day)), http.StatusOK)
	if l := reg.line(t, lin.child.ID); l.ChildName != "林**" || l.ClaimFen != 4000 {
		t.Errorf("the regulator reads Xiaoman's line as %s", compactJSON(l))
	}
	wantProblem(t, lin.parent.get(t, attendancePath(nursery.ID, day)), http.StatusNotFound, "provider_not_found")
}
