package e2e_test

// Rows: the childcare day. Provider A's rooms and their days are its
// people's (its office sets them up, its caregivers read them and come
// and go); a child's day there is the staff's to record (another
// provider's staff find no such child) and the family's to read and to
// report away; the month's statement is the office's and the
// regulators'; a region's subsidy rate is the regulators' to set and
// anyone's to read. The world's child of the day has been checked in,
// written up, published and collected today, so the rows that would
// change that day meet it finished (409, 422) past every check of who
// may act.

import (
	"net/http"
	"testing"
	"time"
)

// childDayWorld is what the childcare day's rows act on, at provider A.
type childDayWorld struct {
	room   string // a room for 12–23 months
	child  string // a child of family A in it today: in, reported, published and out
	pickup string // the child's pickup person, who collected them
	date   string // today in Shanghai, when the world was built
	month  string
	region string // provider A's region, whose rate the regulator set
}

// childDay sets up provider A's room, books a child of family A into it
// for the month, and runs the child's day to its end: teachers on duty,
// check-in, a published report, check-out.
func (w *world) childDay(t *testing.T) {
	t.Helper()
	today := shanghaiToday()
	d := childDayWorld{date: today.Format(time.DateOnly), month: today.Format("2006-01"), region: "310104"}
	prov, office, carer, fam := w.who(provA), w.who(officeA), w.who(carerA), w.who(famA)
	d.room = prov.room(t, w.provA, "托小班", 12, 23).ID
	month := prov.monthSlot(t, prov.offering(t, w.provA, fullDayBody("全日托·托小班", 12, 23, 5, 1)).ID, today)
	d.child = fam.addChild(t, w.famA, childBody(uniqueName("王小"), dateAgo(1, 6, 0))).ID
	d.pickup = fam.addPickup(t, d.child, "李秀英", "外婆", newPhone()).ID
	fam.books(t, month.SlotID, "market", d.child)
	wantStatus(t, w.who(regul).put(t, "/v1/childcare-subsidy-rates/"+d.region, map[string]any{"dailyRateFen": 2000,
		"effectiveFrom": d.month, "document": "徐卫〔试行〕1号"}), http.StatusOK)

	prov.assign(t, w.provA, d.room, today, carer, office)
	carer.shift(t, w.provA, d.room, true)
	wantStatus(t, carer.checkIn(t, d.child, w.provA, 36.5, nil), http.StatusOK)
	wantStatus(t, carer.put(t, "/v1/children/"+d.child+"/daily-reports/"+d.date, w.reportBody()), http.StatusOK)
	wantStatus(t, carer.publishReport(t, d.child, w.provA, today), http.StatusOK)
	wantStatus(t, carer.checkOut(t, d.child, w.provA, d.pickup, "李秀英"), http.StatusOK)
	w.day = d
}

// reportBody is a day's report with nothing tied to a time of day.
func (w *world) reportBody() map[string]any {
	return map[string]any{"providerId": w.provA,
		"meals":      []map[string]string{{"meal": "lunch", "food": "番茄鸡蛋面", "amount": "most"}},
		"activities": []string{"户外滑梯"}, "mood": "happy", "healthNotes": "午睡前有点咳嗽"}
}

func childDayRows(w *world) []row {
	ok, created := http.StatusOK, http.StatusCreated
	nf, forbidden, conflict := http.StatusNotFound, http.StatusForbidden, http.StatusConflict
	unprocessable := http.StatusUnprocessableEntity
	d := w.day
	prov := "/v1/providers/" + w.provA
	room := prov + "/rooms/" + d.room
	child := "/v1/children/" + d.child
	office := who{provA: ok, officeA: ok}
	staff := who{provA: ok, officeA: ok, carerA: ok}
	roomBody := map[string]any{"name": "托小班", "ages": map[string]int{"minMonths": 12, "maxMonths": 23}}
	// The child's day is over: each change of it is refused for that,
	// to every member of provider A's staff.
	finished := func(status int) who { return who{provA: status, officeA: status, carerA: status} }
	checkOut := map[string]any{"providerId": w.provA, "verification": "photo", "note": "外婆来接",
		"person": map[string]string{"pickupPersonId": d.pickup, "name": "李秀英", "relation": "外婆"}}
	return []row{
		{op: "listRooms", fixture: fixture{path: prov + "/rooms"}, want: staff, others: nf},
		{op: "createRoom", each: func(*testing.T, *world) fixture {
			return fixture{path: prov + "/rooms", body: map[string]any{"name": uniqueName("托大班"),
				"ages": map[string]int{"minMonths": 24, "maxMonths": 35}, "capacity": 10}}
		}, want: who{provA: created, officeA: created}, others: nf},
		{op: "updateRoom", fixture: fixture{path: room, body: roomBody}, want: office, others: nf},
		{op: "setChildcarePolicy", fixture: fixture{path: prov + "/childcare-policy",
			body: map[string]int{"absenceAlertDays": 3, "lateGraceMinutes": 10}}, want: office, others: nf},
		{op: "getRoomDay", fixture: fixture{path: room + "/days/" + d.date}, want: staff, others: nf},
		{op: "assignRoomStaff", fixture: fixture{path: room + "/days/" + d.date + "/staff",
			body: map[string][]string{"userIds": {w.who(carerA).id, w.who(officeA).id}}}, want: office, others: nf},
		// The caregiver is in the room already; the office worker, on the
		// day's staff, is not: a caregiver may come and go only for
		// themself.
		{op: "staffCheckIn", fixture: fixture{path: room + "/staff/" + w.who(carerA).id + "/check-in"},
			want: finished(conflict), others: nf},
		{op: "staffCheckOut", fixture: fixture{path: room + "/staff/" + w.who(officeA).id + "/check-out"},
			want: who{provA: conflict, officeA: conflict, carerA: forbidden}, others: nf},
		{op: "checkInChild", fixture: fixture{path: child + "/check-in", body: map[string]any{"providerId": w.provA,
			"healthCheck": map[string]any{"temperatureC": 36.6, "result": "well", "notes": "精神好"}, "parentNote": "昨晚睡得晚"}},
			want: finished(conflict), others: nf},
		{op: "checkOutChild", fixture: fixture{path: child + "/check-out", body: checkOut}, want: finished(conflict), others: nf},
		{op: "markNoShow", fixture: fixture{path: child + "/no-show", body: map[string]string{"providerId": w.provA}},
			want: finished(conflict), others: nf},
		// Today is reportable while the child has not come; they came.
		{op: "reportAbsence", fixture: fixture{path: child + "/absences", body: map[string]string{"from": d.date, "to": d.date,
			"reason": "sick", "note": "发烧"}}, want: who{famA: conflict, famA2: conflict}, others: nf},
		{op: "addOneTimePickupPerson", each: func(*testing.T, *world) fixture {
			return fixture{path: child + "/one-time-pickup-persons", body: map[string]string{"name": "张丽", "relation": "邻居",
				"phone": newPhone().national, "idLast4": "4321"}}
		}, want: who{famA: created, famA2: created}, others: nf},
		// Staff read the reports their provider wrote; the family the
		// published ones.
		{op: "listDailyReports", fixture: fixture{path: child + "/daily-reports?providerId=" + w.provA},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok, carerA: ok}, others: nf},
		// Published already: a change needs its reason. Reports are not
		// the family's to write.
		{op: "fillDailyReport", fixture: fixture{path: child + "/daily-reports/" + d.date, body: w.reportBody()},
			want:   who{provA: unprocessable, officeA: unprocessable, carerA: unprocessable, famA: forbidden, famA2: forbidden},
			others: nf},
		{op: "publishDailyReport", fixture: fixture{path: child + "/daily-reports/" + d.date + "/publish",
			body: map[string]string{"providerId": w.provA}},
			want: who{provA: conflict, officeA: conflict, carerA: conflict, famA: forbidden, famA2: forbidden}, others: nf},
		{op: "getAttendanceStatement", fixture: fixture{path: prov + "/attendance-statements/" + d.month},
			want: who{provA: ok, officeA: ok, regul: ok, platform: ok}, others: nf},
		{op: "listChildcareSubsidyRates", fixture: fixture{path: "/v1/childcare-subsidy-rates/" + d.region}, others: ok},
		{op: "setChildcareSubsidyRate", fixture: fixture{path: "/v1/childcare-subsidy-rates/" + d.region,
			body: map[string]any{"dailyRateFen": 2000, "effectiveFrom": d.month, "document": "徐卫〔试行〕1号"}},
			want: who{regul: ok, platform: ok}, others: forbidden},
	}
}
