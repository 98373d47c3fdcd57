package indicator_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/indicator"
)

func TestMonthsTurnInShanghai(t *testing.T) {
	// 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai.
	at := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
	if m := indicator.MonthOf(at); m.String() != "2026-12" {
		t.Fatalf("month of %s: %s", at, m)
	}
	m, err := indicator.ParseMonth("2026-01")
	if err != nil || m.Add(-1).String() != "2025-12" || m.Add(11).String() != "2026-12" {
		t.Fatalf("%v %v", m, err)
	}
	tr := indicator.Trend(m)
	if len(tr) != 12 || tr[0].String() != "2025-02" || tr[11] != m {
		t.Fatalf("trend %v", tr)
	}
	for _, bad := range []string{"2026-13", "2026-1", "26-01", "2026/01", ""} {
		if _, err := indicator.ParseMonth(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if err := m.Add(1).CheckPast(m.Start()); err == nil {
		t.Error("next month is in the past")
	}
	if err := m.CheckPast(m.Start()); err != nil {
		t.Errorf("this month: %v", err)
	}
}

func TestMediansAreExactAndRatesNeedABasis(t *testing.T) {
	m := indicator.Month{Year: 2026, Month: time.November}
	order := func(sec int64, accepted bool, out indicator.Outcome) indicator.Fact {
		return indicator.Fact{Kind: indicator.KindOrder, Month: m, Accepted: accepted, ResponseSec: sec, Outcome: out,
			ServiceType: "bathing"}
	}
	tb := indicator.Compute([]indicator.Fact{order(60, true, indicator.OutcomeCompleted), order(600, true, indicator.OutcomeOpen),
		order(0, false, indicator.OutcomeExpired)}, m, m.End(), indicator.Residents{})
	if v, ok := tb.Get("orders.medianResponseSeconds"); !ok || v.Value != 330 || v.Basis != 2 {
		t.Fatalf("median %+v", v)
	}
	if _, ok := tb.Get("orders.onTimeCheckInRate"); ok {
		t.Fatal("an on-time rate of no check-ins")
	}
	empty := indicator.Compute(nil, m, m.End(), indicator.Residents{})
	for _, key := range []string{"orders.count", "complaints.count", "complaints.overdue"} {
		if v, ok := empty.Get(key); !ok || v.Value != 0 {
			t.Errorf("%s of nothing: %+v %v", key, v, ok)
		}
	}
	for _, key := range []string{"orders.completionRate", "complaints.medianResponseSeconds", "visits.monthlyRate"} {
		if _, ok := empty.Get(key); ok {
			t.Errorf("%s of nothing is present", key)
		}
	}
}

// Elders due a visit stand from the month they became vulnerable on;
// the rate is of them, overdue counts once the month is over.
func TestMonthlyVisits(t *testing.T) {
	m := indicator.Month{Year: 2026, Month: time.November} // calendar-safe: month arithmetic only, no clock
	care := func(id string, from indicator.Month) indicator.Fact {
		return indicator.Fact{Kind: indicator.KindCare, Key: indicator.CareKey(id), ElderID: id, Due: true, Month: from}
	}
	visit := func(elder string, in indicator.Month, done bool) indicator.Fact {
		return indicator.Fact{Kind: indicator.KindVisit, ElderID: elder, Month: in, Completed: done}
	}
	facts := []indicator.Fact{care("a", m.Add(-3)), care("b", m), care("c", m.Add(1)), care("d", m.Add(-1)),
		visit("a", m, true), visit("a", m, true), visit("b", m, false), visit("d", m.Add(-1), true), visit("x", m, true)}
	tb := indicator.Compute(facts, m, m.End(), indicator.Residents{})
	if v, ok := tb.Get("visits.monthlyRate"); !ok || v.Value != 1.0/3 || v.Basis != 3 {
		t.Errorf("rate %+v %v, want 1 of 3 (a visited twice; c not due yet; x not due)", v, ok)
	}
	if v, ok := tb.Get("visits.overdue"); !ok || v.Value != 2 {
		t.Errorf("overdue %+v %v, want b and d", v, ok)
	}
	if _, ok := indicator.Compute(facts, m, m.End().Add(-time.Second), indicator.Residents{}).Get("visits.overdue"); ok {
		t.Error("overdue counted before the month is over")
	}
}

// A provider's complaint rate: complaints per 100 orders and meals
// served, each fact once, the orders counted as at least one.
func TestComplaintRates(t *testing.T) {
	f := func(key string, k indicator.Kind, prov string) indicator.Fact {
		return indicator.Fact{Key: key, Kind: k, ProviderID: prov}
	}
	served := func(x indicator.Fact) indicator.Fact { x.Served = true; return x }
	facts := []indicator.Fact{
		f("order:1", indicator.KindOrder, "a"), served(f("meal:1", indicator.KindMeal, "a")),
		served(f("meal:2", indicator.KindMeal, "a")), f("meal:3", indicator.KindMeal, "a"), // placed, not served
		f("order:2", indicator.KindOrder, "a"), f("complaint:1", indicator.KindComplaint, "a"),
		f("complaint:1", indicator.KindComplaint, "a"), // read twice (two regions)
		f("complaint:2", indicator.KindComplaint, "b"), f("complaint:3", indicator.KindComplaint, "b"),
		f("incident:1", indicator.KindIncident, ""), f("provider:a", indicator.KindProvider, ""),
	}
	got := indicator.ComplaintRates(facts)
	if len(got) != 2 || got["a"] != (indicator.ComplaintRate{Complaints: 1, Orders: 4}) ||
		got["b"] != (indicator.ComplaintRate{Complaints: 2}) {
		t.Fatalf("rates %+v", got)
	}
	if a, b := got["a"].PerHundred(), got["b"].PerHundred(); a != 25 || b != 200 {
		t.Errorf("per hundred: a %v, b %v", a, b)
	}
	if n := (indicator.ComplaintRate{}).PerHundred(); n != 0 {
		t.Errorf("none: %v", n)
	}
	m := indicator.Month{Year: 2027, Month: 1}
	if got := indicator.RateMonths(m); len(got) != 3 || got[0] != (indicator.Month{Year: 2026, Month: 11}) || got[2] != m {
		t.Errorf("rate months %v", got)
	}
}
