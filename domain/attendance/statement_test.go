package attendance_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/reservation"
)

func day(n int) calendar.Date { return calendar.Date{Year: 2026, Month: time.November, Day: n} }

func TestTheMonthsStatement(t *testing.T) {
	month := attendance.Month{Year: 2026, Month: time.November}
	monthStart, _ := attendance.Bounds(day(1), shanghai)
	_, monthEnd := attendance.Bounds(day(30), shanghai)
	// Open Monday to Friday (2026-11-02 is a Monday).
	open := func(d calendar.Date) bool {
		wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	bookings := []attendance.BookedPlace{
		{BookingID: "ba", ChildID: "a", FamilyID: "fa", Tier: reservation.Inclusive, Start: monthStart, End: monthEnd},
		// b's place was cancelled on the 6th.
		{BookingID: "bb", ChildID: "b", FamilyID: "fb", Tier: reservation.Market, Start: monthStart, End: monthEnd,
			CancelledAt: time.Date(2026, 11, 6, 9, 0, 0, 0, shanghai)},
	}
	r := toddlers(t, 15)
	newID := ids()
	var days []*attendance.Day
	for _, n := range []int{2, 3, 4} {
		d := attendance.NewDay("p", r, day(n), "Asia/Shanghai")
		s, e := attendance.Bounds(day(n), shanghai)
		_, _ = d.Place("a", "fa", []attendance.Place{{BookingID: "ba", Tier: reservation.Inclusive, Start: s, End: e}}, s)
		_, _ = d.Place("b", "fb", []attendance.Place{{BookingID: "bb", Tier: reservation.Market, Start: s, End: e}}, s)
		switch n {
		case 2:
			_ = d.CheckIn("a", well(), s.Add(8*time.Hour), everyone, newID)
			_ = d.CheckIn("b", well(), s.Add(8*time.Hour), everyone, newID)
			_, _ = d.CheckOut("a", attendance.Departure{By: "t", Person: attendance.Pickup{Name: "妈妈"}, Verification: attendance.ByKnown,
				Closing: s.Add(17 * time.Hour)}, s.Add(17*time.Hour+20*time.Minute), everyone, newID)
		case 3:
			_ = d.CheckIn("a", well(), s.Add(8*time.Hour), everyone, newID)
			_ = d.ReportAbsence("b", attendance.Absence{ID: "x", Reason: attendance.Sick})
		case 4:
			_ = d.ReportAbsence("a", attendance.Absence{ID: "y", Reason: attendance.FamilyLeave})
			_ = d.MarkNoShow("b", "t", s.Add(10*time.Hour))
		}
		days = append(days, d)
	}
	rate := attendance.Rate{RegionCode: "310104", DailyFen: 2000, Basis: attendance.PerAttendedDay}
	st := attendance.BuildStatement(attendance.StatementInput{ProviderID: "p", Month: month, Loc: shanghai, Today: day(10),
		Bookings: bookings, Days: days, OpenOn: open, Rate: &rate})
	if len(st.Lines) != 2 || st.Final {
		t.Fatalf("statement %+v", st)
	}
	a, b := st.Lines[0], st.Lines[1]
	// a: 21 weekdays booked; came on the 2nd and 3rd; family leave on the
	// 4th; the 5th, 6th and 9th gone by unreported; the rest upcoming.
	if a.DaysBooked != 21 || a.DaysAttended != 2 || a.Absences[attendance.AbsentFamilyLeave] != 1 ||
		a.Absences[attendance.AbsentUnreported] != 3 || a.DaysUpcoming != 15 || a.LatePickups != 1 || a.LateMinutes != 20 ||
		a.InclusiveDaysAttended != 2 || a.ClaimFen != 4000 {
		t.Errorf("a: %+v", a)
	}
	// b: booked the 2nd to the 6th (cancelled that morning).
	if b.DaysBooked != 5 || b.DaysAttended != 1 || b.Absences[attendance.AbsentSick] != 1 || b.Absences[attendance.AbsentNoShow] != 1 ||
		b.Absences[attendance.AbsentUnreported] != 2 || b.ClaimFen != 0 {
		t.Errorf("b: %+v", b)
	}
	if st.Total.DaysAttended != 3 || st.Total.ClaimFen != 4000 || len(st.Days) != 3 {
		t.Errorf("total %+v, days %+v", st.Total, st.Days)
	}
	// Without a rate nothing is claimable.
	st = attendance.BuildStatement(attendance.StatementInput{ProviderID: "p", Month: month, Loc: shanghai, Today: day(10),
		Bookings: bookings, Days: days, OpenOn: open})
	if st.Total.ClaimFen != 0 || st.Total.InclusiveDaysAttended != 2 {
		t.Errorf("no rate: %+v", st.Total)
	}
}

func TestRates(t *testing.T) {
	nov := attendance.Month{Year: 2026, Month: time.November}
	b := attendance.NewRateBook("310100")
	err := b.Set(attendance.Rate{DailyFen: 2000, From: attendance.Month{Year: 2026, Month: time.October}, Document: "沪卫〔2026〕1号"}, nov)
	faulttest.Is(t, err, attendance.ErrRateRetroactive)
	faulttest.Is(t, b.Set(attendance.Rate{DailyFen: 2000, From: nov}, nov), attendance.ErrRateInvalid)
	if err := b.Set(attendance.Rate{DailyFen: 2000, From: nov, Document: "沪卫〔2026〕1号"}, nov); err != nil {
		t.Fatal(err)
	}
	if err := b.Set(attendance.Rate{DailyFen: 2500, From: attendance.Month{Year: 2027, Month: time.January}, Document: "沪卫〔2026〕9号"}, nov); err != nil {
		t.Fatal(err)
	}
	for m, want := range map[attendance.Month]int64{nov: 2000, nov.Next(): 2000, nov.Next().Next(): 2500} {
		if r, ok := b.For(m); !ok || r.DailyFen != want {
			t.Errorf("%s: %+v", m, r)
		}
	}
	if _, ok := b.For(attendance.Month{Year: 2026, Month: time.October}); ok {
		t.Error("a rate before the first")
	}
	if got := attendance.RegionChain("310104"); len(got) != 3 || got[1] != "310100" || got[2] != "310000" {
		t.Errorf("chain %v", got)
	}
	if m, err := attendance.ParseMonth("2026-11"); err != nil || m != nov || m.Last() != day(30) {
		t.Errorf("%v %v", m, err)
	}
	if _, err := attendance.ParseMonth("2026-13"); err == nil {
		t.Error("month 13")
	}
}
