package attendance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/room"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var date = calendar.Date{Year: 2026, Month: time.November, Day: 25}

// at is a time of the test day in Shanghai.
func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date.String()+" "+hhmm, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func toddlers(t *testing.T, capacity int) room.Room {
	t.Helper()
	s := room.NewSetup("p")
	r, err := s.AddRoom("r1", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}, Capacity: capacity}, false, "u", at("07:00"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var everyone = func(string) bool { return true }

func ids() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("e%d", n) }
}

func fullDay(booking string) []attendance.Place {
	start, end := attendance.Bounds(date, shanghai)
	return []attendance.Place{{BookingID: booking, Tier: reservation.Market, Start: start, End: end}}
}

func well() attendance.Arrival {
	return attendance.Arrival{By: "t1", Health: attendance.HealthCheck{TemperatureDeciC: 365, Result: attendance.Well}}
}

func types(es []event.Event) []event.Type {
	var out []event.Type
	for _, e := range es {
		out = append(out, e.Type)
	}
	return out
}

func TestARoomOverItsRatioIsFlaggedOnceAndRestored(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	newID := ids()
	if err := d.AssignStaff([]string{"t1", "t2"}, "office", at("07:00")); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"t1", "t2"} {
		if err := d.StaffIn(s, s, at("07:30"), everyone, newID); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		c := fmt.Sprintf("c%d", i)
		if _, err := d.Place(c, "f", fullDay("b"+c), at("07:00")); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckIn(c, well(), at("08:00").Add(time.Duration(i)*time.Minute), everyone, newID); err != nil {
			t.Fatal(err)
		}
	}
	if d.Flagged() {
		t.Fatal("7 toddlers with 2 carers (1:5) is within the ratio")
	}
	// One carer leaves: 7 children, 5 allowed.
	if err := d.StaffOut("t2", "t2", at("10:00"), everyone, newID); err != nil {
		t.Fatal(err)
	}
	if !d.Flagged() || len(d.Breaches()) != 1 {
		t.Fatalf("breaches %+v", d.Breaches())
	}
	b := d.Breaches()[0]
	if b.Children != 7 || b.Staff != 1 || b.Allowed != 5 || !b.Start.Equal(at("10:00")) {
		t.Errorf("breach %+v", b)
	}
	// Another change while over does not announce again.
	if err := d.StaffIn("t1", "t1", at("10:05"), everyone, newID); err == nil {
		t.Fatal("t1 is on duty already")
	}
	if _, err := d.CheckOut("c0", attendance.Departure{By: "t1", Person: attendance.Pickup{PickupPersonID: "pp", Name: "奶奶", Relation: "奶奶"},
		Verification: attendance.ByKnown}, at("10:30"), everyone, newID); err != nil {
		t.Fatal(err)
	}
	if !d.Flagged() {
		t.Fatal("6 children for 5 places is still over")
	}
	if err := d.StaffIn("t2", "t2", at("11:00"), everyone, newID); err != nil {
		t.Fatal(err)
	}
	if d.Flagged() || d.Breaches()[0].End != at("11:00").UTC() {
		t.Fatalf("after t2 came back: %+v", d.Breaches())
	}
	var breached, restored int
	for _, e := range d.Pending() {
		switch e.Type {
		case attendance.EventRatioBreached:
			breached++
			if e.Data["children"] != "7" || e.Data["staff"] != "1" || e.Data["ratio"] != "1:5" || e.Data["atLocal"] != "10:00" {
				t.Errorf("breach event %v", e.Data)
			}
		case attendance.EventRatioRestored:
			restored++
		}
	}
	if breached != 1 || restored != 1 {
		t.Errorf("events %v", types(d.Pending()))
	}
	hours := d.Hourly(at("12:00"))
	var breachMinutes int
	for _, h := range hours {
		breachMinutes += h.BreachMinutes
		if h.Start.Equal(at("10:00").UTC()) && (h.MaxChildren != 7 || h.MinStaff != 1 || h.BreachMinutes != 60) {
			t.Errorf("10:00 hour %+v", h)
		}
	}
	if breachMinutes != 60 {
		t.Errorf("%d breach minutes over %+v, want 60", breachMinutes, hours)
	}
}

// A carer removed from the staff looks after nobody, whatever their
// shift says.
func TestOnlyCurrentStaffCount(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	newID := ids()
	_ = d.AssignStaff([]string{"t1"}, "office", at("07:00"))
	_ = d.StaffIn("t1", "t1", at("07:30"), everyone, newID)
	_, _ = d.Place("c", "f", fullDay("b"), at("07:00"))
	gone := func(id string) bool { return id != "t1" }
	if err := d.CheckIn("c", well(), at("08:00"), gone, newID); err != nil {
		t.Fatal(err)
	}
	if !d.Flagged() {
		t.Fatal("a child with only a departed carer is a breach")
	}
}

func TestCheckInAndOut(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	newID := ids()
	start := at("08:30")
	end := at("12:00")
	if _, err := d.Place("c", "f", []attendance.Place{{BookingID: "b", Tier: reservation.Inclusive, Start: start, End: end}}, at("07:00")); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, d.CheckIn("nobody", well(), at("08:00"), everyone, newID), attendance.ErrNotPlaced)
	fever := attendance.Arrival{By: "t1", Health: attendance.HealthCheck{TemperatureDeciC: 378, Result: attendance.Well}}
	err := d.CheckIn("c", fever, at("08:00"), everyone, newID)
	faulttest.Is(t, err, attendance.ErrCheckInInvalid)
	if faulttest.Fields(err)["/healthCheck/result"] != "fever_needs_watch" {
		t.Errorf("fever admitted as well: %v", faulttest.Fields(err))
	}
	dep := attendance.Departure{By: "t1", Person: attendance.Pickup{PickupPersonID: "pp", Name: "李秀英", Relation: "外婆", IDLast4: "123x"},
		Verification: attendance.ByIDCard, Closing: at("18:00"), Grace: 5 * time.Minute, ChildName: "乐乐"}
	_, err = d.CheckOut("c", dep, at("08:10"), everyone, newID)
	faulttest.Is(t, err, attendance.ErrNotCheckedIn)
	if err := d.CheckIn("c", well(), at("08:25"), everyone, newID); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, d.CheckIn("c", well(), at("08:26"), everyone, newID), attendance.ErrAlreadyIn)
	faulttest.Is(t, d.ReportAbsence("c", attendance.Absence{ID: "a", Reason: attendance.Sick}), attendance.ErrAlreadyIn)
	// A refused pickup keeps the child in and is recorded.
	if err := d.RefusePickup("c", attendance.Departure{By: "t1", Person: attendance.Pickup{Name: "陌生人"}, Verification: attendance.ByKnown},
		attendance.NotOnList, at("11:00"), newID); err != nil {
		t.Fatal(err)
	}
	// 12:00 is the session's end; 5 minutes' grace; 12:17 is 17 late.
	out, err := d.CheckOut("c", dep, at("12:17"), everyone, newID)
	if err != nil {
		t.Fatal(err)
	}
	if out.LateMinutes != 17 || !out.Due.Equal(end) || out.Person.IDLast4 != "123X" {
		t.Errorf("check-out %+v", out)
	}
	_, err = d.CheckOut("c", dep, at("12:20"), everyone, newID)
	faulttest.Is(t, err, attendance.ErrAlreadyOut)
	a, _ := d.Attendee("c")
	if len(a.Refusals) != 1 || a.Refusals[0].Person.Name != "陌生人" || !a.Attended() || a.Present() {
		t.Errorf("attendee %+v", a)
	}
	// The room has no staff: the arrival is a breach too, which the
	// departure ends.
	want := []event.Type{attendance.EventCheckedIn, attendance.EventRatioBreached, attendance.EventPickupRefused,
		attendance.EventCheckedOut, attendance.EventLatePickup, attendance.EventRatioRestored}
	if got := types(d.Pending()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", got, want)
	}
	for _, e := range d.Pending() {
		if e.Type == attendance.EventLatePickup && (e.Data["lateMinutes"] != "17" || e.Data["dueLocal"] != "12:00") {
			t.Errorf("late event %v", e.Data)
		}
	}
}

func TestAFullDayPickupIsLateAfterClosing(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	newID := ids()
	_, _ = d.Place("c", "f", fullDay("b"), at("07:00"))
	_ = d.CheckIn("c", well(), at("08:00"), everyone, newID)
	out, err := d.CheckOut("c", attendance.Departure{By: "t1", Person: attendance.Pickup{PickupPersonID: "p", Name: "妈妈"},
		Verification: attendance.ByKnown, Closing: at("17:30")}, at("17:52"), everyone, newID)
	if err != nil || out.LateMinutes != 22 {
		t.Fatalf("%+v %v", out, err)
	}
}

func TestAbsencesAndNoShows(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	_, _ = d.Place("a", "f", fullDay("ba"), at("07:00"))
	_, _ = d.Place("b", "f", []attendance.Place{{BookingID: "bb", Start: at("13:00"), End: at("17:00")}}, at("07:00"))
	if _, err := attendance.CheckAbsence(attendance.Absence{Reason: "holiday"}); err == nil {
		t.Fatal("unknown reason accepted")
	}
	if _, err := attendance.CheckAbsence(attendance.Absence{Reason: attendance.OtherReason}); err == nil {
		t.Fatal("other without a note accepted")
	}
	if err := d.ReportAbsence("a", attendance.Absence{ID: "x", Reason: attendance.Sick}); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, d.MarkNoShow("a", "t1", at("10:00")), attendance.ErrAbsenceReported)
	faulttest.Is(t, d.MarkNoShow("b", "t1", at("10:00")), attendance.ErrDayNotStarted)
	if err := d.MarkNoShow("b", "t1", at("14:00")); err != nil {
		t.Fatal(err)
	}
	a, _ := d.Attendee("a")
	b, _ := d.Attendee("b")
	if !a.Away() || !b.Away() {
		t.Errorf("a %+v b %+v", a, b)
	}
	// The no-show arrives after all: what happened counts.
	if err := d.CheckIn("b", well(), at("14:30"), everyone, ids()); err != nil {
		t.Fatal(err)
	}
	if b, _ := d.Attendee("b"); b.Away() || b.NoShow != nil {
		t.Errorf("b after arriving %+v", b)
	}
}

func TestARoomTakesItsCapacityAtOnce(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 2), date, "Asia/Shanghai")
	morning := func(b string) []attendance.Place {
		return []attendance.Place{{BookingID: b, Start: at("08:00"), End: at("12:00")}}
	}
	afternoon := func(b string) []attendance.Place {
		return []attendance.Place{{BookingID: b, Start: at("13:00"), End: at("17:00")}}
	}
	for _, c := range []string{"m1", "m2"} {
		if _, err := d.Place(c, "f", morning(c), at("07:00")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := d.Place("m3", "f", morning("m3"), at("07:00"))
	faulttest.Is(t, err, attendance.ErrRoomFull)
	_, err = d.Place("d", "f", fullDay("d"), at("07:00"))
	faulttest.Is(t, err, attendance.ErrRoomFull)
	for _, c := range []string{"a1", "a2"} {
		if _, err := d.Place(c, "f", afternoon(c), at("07:00")); err != nil {
			t.Fatalf("afternoon %s: %v", c, err)
		}
	}
	if !d.DropBooking("m1") {
		t.Fatal("m1's booking not dropped")
	}
	if _, ok := d.Attendee("m1"); ok {
		t.Fatal("a child with no place and no record stays")
	}
}

func TestStaffAssignment(t *testing.T) {
	d := attendance.NewDay("p", toddlers(t, 15), date, "Asia/Shanghai")
	newID := ids()
	faulttest.Is(t, d.StaffIn("t1", "t1", at("07:00"), everyone, newID), attendance.ErrStaffNotAssigned)
	_ = d.AssignStaff([]string{"t1", "t2", "t1"}, "o", at("06:00"))
	if len(d.Duties()) != 2 {
		t.Fatalf("duties %+v", d.Duties())
	}
	_ = d.StaffIn("t1", "t1", at("07:00"), everyone, newID)
	faulttest.Is(t, d.AssignStaff([]string{"t2"}, "o", at("08:00")), attendance.ErrStaffOnDuty)
	faulttest.Is(t, d.StaffOut("t2", "t2", at("08:00"), everyone, newID), attendance.ErrStaffNotOnDuty)
	if err := d.AssignStaff([]string{"t1", "t3"}, "o", at("08:00")); err != nil {
		t.Fatal(err)
	}
	if du := d.Duties(); len(du) != 2 || !du[0].OnDuty() || du[1].UserID != "t3" {
		t.Errorf("duties %+v", du)
	}
}
