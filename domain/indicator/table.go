package indicator

import (
	"slices"
	"sort"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/provider"
)

// Unit says how to read an indicator's value.
type Unit string

const (
	UnitCount   Unit = "count"   // a number of things
	UnitRatio   Unit = "ratio"   // 0..1, of Basis
	UnitSeconds Unit = "seconds" // a median duration, of Basis samples
	UnitFen     Unit = "fen"     // money, CNY fen
	UnitPer10k  Unit = "per_10000"
)

// Definition names one indicator: its stable key (part of the API and of
// the exports), its group, unit and words.
type Definition struct {
	Key   string
	Group string
	Unit  Unit
	ZH    string
	EN    string
}

// Definitions lists every indicator kincare may compute, in table
// order. Those whose data kincare does not hold yet are listed so the
// contract names them; a table leaves them out (absent, not zero).
var Definitions = []Definition{
	{"orders.count", "orders", UnitCount, "服务订单数", "Orders placed"},
	{"orders.byServiceType", "orders", UnitCount, "按服务类型的订单数", "Orders by service type"},
	{"orders.completionRate", "orders", UnitRatio, "订单完成率", "Completion rate"},
	{"orders.cancellationRate", "orders", UnitRatio, "订单取消率", "Cancellation rate"},
	{"orders.onTimeCheckInRate", "orders", UnitRatio, "准时签到率", "On-time check-in rate"},
	{"orders.medianResponseSeconds", "orders", UnitSeconds, "接单响应时间中位数（秒）", "Median time to acceptance (s)"},
	{"orders.clockAdjustedVisits", "orders", UnitCount, "时间经校正的上门服务数", "Visits with clock adjustments"},
	{"orders.elderConfirmedVisits", "orders", UnitCount, "老人本人确认的上门服务数", "Visits confirmed by the elder"},
	{"orders.elderConfirmedShare", "orders", UnitRatio, "老人本人确认率（占已完成服务）", "Share of completed visits confirmed by the elder"},
	{"complaints.count", "complaints", UnitCount, "投诉数", "Complaints filed"},
	{"complaints.medianResponseSeconds", "complaints", UnitSeconds, "机构答复时间中位数（秒）", "Median time to provider response (s)"},
	{"complaints.escalated", "complaints", UnitCount, "提交监管的投诉数", "Complaints escalated"},
	{"complaints.overdue", "complaints", UnitCount, "逾期未答复的投诉数", "Complaints overdue"},
	{"incidents.count", "incidents", UnitCount, "紧急呼叫与设备告警数", "Alarms raised"},
	{"incidents.byKind", "incidents", UnitCount, "按类型的告警数", "Alarms by kind"},
	{"incidents.sos", "incidents", UnitCount, "一键呼叫（SOS）数", "SOS calls"},
	{"incidents.medianAcknowledgeSeconds", "incidents", UnitSeconds, "告警响应时间中位数（秒）", "Median time to acknowledgement (s)"},
	{"incidents.unacknowledged", "incidents", UnitCount, "无人响应的告警数", "Alarms nobody acknowledged"},
	{"meals.served", "meals", UnitCount, "助餐服务餐次", "Meals served"},
	{"meals.subsidyFen", "meals", UnitFen, "助餐补贴支出（分）", "Meal subsidy drawn (fen)"},
	{"visits.monthlyRate", "visits", UnitRatio, "特殊困难老年人月度探访率", "Monthly visit rate"},
	{"visits.overdue", "visits", UnitCount, "逾期未探访的老年人数", "Elders overdue a visit"},
	{"smartCare.coverage", "smartCare", UnitRatio, "智慧养老设备覆盖率（特殊困难老年人）",
		"Share of vulnerable elders with a home device"},
	{"providers.count", "providers", UnitCount, "服务机构数", "Providers"},
	{"providers.byKind", "providers", UnitCount, "按业务类型的机构数", "Providers by kind"},
	{"providers.byVerification", "providers", UnitCount, "按审核状态的机构数", "Providers by verification"},
	{"providers.byCredit", "providers", UnitCount, "按信用状态的机构数", "Providers by credit standing"},
	{"childcare.places", "childcare", UnitCount, "全日托托位数", "Full-day childcare places"},
	{"childcare.inclusiveShare", "childcare", UnitRatio, "普惠托位占比", "Share of 普惠 (inclusive) places"},
	{"childcare.occupancy", "childcare", UnitRatio, "全日托托位使用率", "Occupancy of full-day places"},
	{"childcare.sessionsByCareType", "childcare", UnitCount, "按托育类型的可预订名额", "Bookable places by care type"},
	{"caregivers.certified", "caregivers", UnitCount, "持证养老护理员数", "Certified caregivers"},
	{"caregivers.per10kAged60", "caregivers", UnitPer10k, "每万名60岁及以上老年人拥有持证养老护理员数",
		"Certified caregivers per 10,000 residents aged 60+"},
}

// Residents are the region's own figures a regulator entered (they are
// not business data kincare holds): its residents aged 60 and over. Zero
// is unknown: an indicator per resident is then absent, not 0.
type Residents struct {
	Aged60Plus int64
}

// DefinitionOf finds a key's definition.
func DefinitionOf(key string) (Definition, bool) {
	i := slices.IndexFunc(Definitions, func(d Definition) bool { return d.Key == key })
	if i < 0 {
		return Definition{}, false
	}
	return Definitions[i], true
}

// Value is one computed indicator. Basis is what a ratio or median is of
// (the denominator, the number of samples); Parts break a count down.
type Value struct {
	Key   string
	Value float64
	Basis int
	Parts []Part
}

// Part is one slice of a breakdown.
type Part struct {
	Key   string
	Value float64
}

// Table is one region-month's indicators, in Definitions order; an
// indicator that cannot be computed (no data kept, an empty basis) is
// not in it.
type Table struct {
	Values []Value
}

// Get finds one indicator of the table.
func (t Table) Get(key string) (Value, bool) {
	i := slices.IndexFunc(t.Values, func(v Value) bool { return v.Key == key })
	if i < 0 {
		return Value{}, false
	}
	return t.Values[i], true
}

// Compute turns month m's facts of a region into its table at now (a
// complaint unanswered past its deadline is overdue from then on; an
// elder due a visit and not visited is overdue once the month is over),
// with the region's resident figures r. Facts that do not count in m are
// left out.
func Compute(facts []Fact, m Month, now time.Time, r Residents) Table {
	var orders, complaints, alarms, meals, cares, providers, places, fullDay []Fact
	visited, equipped := map[string]bool{}, map[string]bool{}
	for _, f := range facts {
		if !f.CountsIn(m) {
			continue
		}
		switch f.Kind {
		case KindOrder:
			orders = append(orders, f)
		case KindComplaint:
			complaints = append(complaints, f)
		case KindIncident:
			alarms = append(alarms, f)
		case KindMeal:
			meals = append(meals, f)
		case KindCare:
			if f.Due {
				cares = append(cares, f)
			}
		case KindVisit:
			if f.Completed {
				visited[f.ElderID] = true
			}
		case KindProvider:
			providers = append(providers, f)
		case KindHomeDevice:
			equipped[f.ElderID] = true
		case KindPlace:
			places = append(places, f)
			if f.CareType == FullDayCare {
				fullDay = append(fullDay, f)
			}
		}
	}
	var t Table
	add := func(v Value, ok bool) {
		if ok {
			t.Values = append(t.Values, v)
		}
	}
	add(count("orders.count", orders, func(Fact) bool { return true }), true)
	add(breakdown("orders.byServiceType", orders, func(f Fact) string { return f.ServiceType }), true)
	add(ratio("orders.completionRate", orders, all, func(f Fact) bool { return f.Outcome == OutcomeCompleted }))
	add(ratio("orders.cancellationRate", orders, all, func(f Fact) bool { return f.Outcome == OutcomeCancelled }))
	add(ratio("orders.onTimeCheckInRate", orders, func(f Fact) bool { return f.CheckedIn }, func(f Fact) bool { return f.OnTime }))
	add(median("orders.medianResponseSeconds", orders, func(f Fact) (int64, bool) { return f.ResponseSec, f.Accepted }))
	add(count("orders.clockAdjustedVisits", orders, func(f Fact) bool { return f.ClockAdjusted }), true)
	add(count("orders.elderConfirmedVisits", orders, func(f Fact) bool { return f.ElderConfirmed }), true)
	add(ratio("orders.elderConfirmedShare", orders, func(f Fact) bool { return f.Outcome == OutcomeCompleted },
		func(f Fact) bool { return f.ElderConfirmed }))
	add(count("complaints.count", complaints, all), true)
	add(median("complaints.medianResponseSeconds", complaints, func(f Fact) (int64, bool) { return f.ResponseSec, f.Replied }))
	add(count("complaints.escalated", complaints, func(f Fact) bool { return f.Escalated }), true)
	add(count("complaints.overdue", complaints, func(f Fact) bool { return f.Overdue(now) }), true)
	add(count("incidents.count", alarms, all), true)
	add(breakdown("incidents.byKind", alarms, func(f Fact) string { return f.AlarmKind }), true)
	add(count("incidents.sos", alarms, func(f Fact) bool { return f.AlarmKind == "sos" }), true)
	add(median("incidents.medianAcknowledgeSeconds", alarms, func(f Fact) (int64, bool) { return f.ResponseSec, f.Acknowledged }))
	add(count("incidents.unacknowledged", alarms, func(f Fact) bool { return !f.Acknowledged }), true)
	add(count("meals.served", meals, func(f Fact) bool { return f.Served }), true)
	add(sum("meals.subsidyFen", meals, func(f Fact) int64 { return f.SubsidyFen }), true)
	// The rate is of elders due (one care record each), visited when a
	// completed visit of the month is theirs; no elder due: no rate.
	add(ratio("visits.monthlyRate", cares, all, func(f Fact) bool { return visited[f.ElderID] }))
	// Overdue only once the month is over: while it lasts, an unvisited
	// elder is pending, not overdue, and the count is not known yet.
	add(count("visits.overdue", cares, func(f Fact) bool { return !visited[f.ElderID] }), !now.Before(m.End()))
	// 智慧养老 coverage: of the same elders due a visit (those the policy
	// asks smart monitoring for: living alone, very old, disabled…), the
	// share with at least one home device registered by the month's end
	// and still registered; no elder due: no share.
	add(ratio("smartCare.coverage", cares, all, func(f Fact) bool { return equipped[f.ElderID] }))
	add(count("providers.count", providers, all), true)
	add(breakdownMany("providers.byKind", providers, func(f Fact) []string { return f.ProviderKinds }), true)
	add(breakdown("providers.byVerification", providers, func(f Fact) string { return f.Verification }), true)
	add(breakdown("providers.byCredit", providers, func(f Fact) string { return f.Credit }), true)
	// Places are full-day enrolments (全日托, a slot per month): a half-day
	// session or an hour of drop-in care is bookable, but not a place; those
	// are counted by care type, in places per session.
	capacity := func(f Fact) int64 { return int64(f.Capacity) }
	add(sum("childcare.places", fullDay, capacity), true)
	add(shareOf("childcare.inclusiveShare", fullDay, capacity, func(f Fact) int64 { return int64(f.InclusiveQuota) }))
	add(shareOf("childcare.occupancy", fullDay, capacity, func(f Fact) int64 { return int64(f.Booked) }))
	add(sumBy("childcare.sessionsByCareType", places, func(f Fact) string { return f.CareType }, capacity), true)
	n := certified(providers, certifiedOn(m, now))
	add(Value{Key: "caregivers.certified", Value: float64(n)}, true)
	// Per resident only where the regulator entered the residents: a
	// region without its figure has no rate (absent, not 0).
	add(Value{Key: "caregivers.per10kAged60", Value: float64(n) * 10000 / float64(max(r.Aged60Plus, 1)),
		Basis: int(r.Aged60Plus)}, r.Aged60Plus > 0)
	return t
}

// certifiedOn is the day a month's certified caregivers are counted on:
// its last day, or today while it lasts.
func certifiedOn(m Month, now time.Time) calendar.Date {
	if now.Before(m.End()) {
		return calendar.Today(now, Zone)
	}
	return calendar.Today(m.End().Add(-time.Second), Zone)
}

// certified counts the caregivers of verified providers holding a valid
// elderly-care certificate on day, each once however many providers
// they work for.
func certified(providers []Fact, day calendar.Date) int {
	seen := map[string]bool{}
	for _, f := range providers {
		if f.Verification != string(provider.Verified) {
			continue
		}
		for _, c := range f.Caregivers {
			if !c.ValidTo.Before(day) {
				seen[c.UserID] = true
			}
		}
	}
	return len(seen)
}

func all(Fact) bool { return true }

func count(key string, fs []Fact, keep func(Fact) bool) Value {
	n := 0
	for _, f := range fs {
		if keep(f) {
			n++
		}
	}
	return Value{Key: key, Value: float64(n)}
}

// sum adds up a property of the facts.
func sum(key string, fs []Fact, of func(Fact) int64) Value {
	var n int64
	for _, f := range fs {
		n += of(f)
	}
	return Value{Key: key, Value: float64(n)}
}

// breakdown counts facts by a property; parts are sorted by key so the
// same facts always give the same table.
func breakdown(key string, fs []Fact, by func(Fact) string) Value {
	counts := map[string]int{}
	for _, f := range fs {
		counts[by(f)]++
	}
	v := Value{Key: key, Value: float64(len(fs)), Parts: []Part{}}
	for k, n := range counts {
		v.Parts = append(v.Parts, Part{Key: k, Value: float64(n)})
	}
	sort.Slice(v.Parts, func(i, j int) bool { return v.Parts[i].Key < v.Parts[j].Key })
	return v
}

// FullDayCare is the care type whose slots are places (childcare.FullDay).
const FullDayCare = "full_day"

// shareOf is the sum of part over the sum of whole; absent when the
// whole is 0 (no places: no share of them).
func shareOf(key string, fs []Fact, whole, part func(Fact) int64) (Value, bool) {
	var w, p int64
	for _, f := range fs {
		w, p = w+whole(f), p+part(f)
	}
	if w == 0 {
		return Value{}, false
	}
	return Value{Key: key, Value: float64(p) / float64(w), Basis: int(w)}, true
}

// sumBy adds up a property of the facts by another; the value is the
// total, parts sorted by key.
func sumBy(key string, fs []Fact, by func(Fact) string, of func(Fact) int64) Value {
	sums := map[string]int64{}
	var total int64
	for _, f := range fs {
		sums[by(f)] += of(f)
		total += of(f)
	}
	v := Value{Key: key, Value: float64(total), Parts: []Part{}}
	for k, n := range sums {
		v.Parts = append(v.Parts, Part{Key: k, Value: float64(n)})
	}
	sort.Slice(v.Parts, func(i, j int) bool { return v.Parts[i].Key < v.Parts[j].Key })
	return v
}

// breakdownMany counts facts by a property with several values (a
// provider of two kinds is in both parts); the value is the number of
// facts, parts sorted by key.
func breakdownMany(key string, fs []Fact, by func(Fact) []string) Value {
	counts := map[string]int{}
	for _, f := range fs {
		for _, k := range by(f) {
			counts[k]++
		}
	}
	v := Value{Key: key, Value: float64(len(fs)), Parts: []Part{}}
	for k, n := range counts {
		v.Parts = append(v.Parts, Part{Key: k, Value: float64(n)})
	}
	sort.Slice(v.Parts, func(i, j int) bool { return v.Parts[i].Key < v.Parts[j].Key })
	return v
}

// ratio is the share of the facts in basis that hit; absent when the
// basis is empty (0 of 0 is no rate, not a rate of 0).
func ratio(key string, fs []Fact, basis, hit func(Fact) bool) (Value, bool) {
	n, k := 0, 0
	for _, f := range fs {
		if basis(f) {
			n++
			if hit(f) {
				k++
			}
		}
	}
	if n == 0 {
		return Value{}, false
	}
	return Value{Key: key, Value: float64(k) / float64(n), Basis: n}, true
}

// median is exact: the facts are the samples (one per aggregate of the
// region-month, each small), so nothing is approximated or merged. Of an
// even number of samples it is the mean of the middle two.
func median(key string, fs []Fact, sample func(Fact) (int64, bool)) (Value, bool) {
	var xs []int64
	for _, f := range fs {
		if x, ok := sample(f); ok {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return Value{}, false
	}
	slices.Sort(xs)
	m := len(xs) / 2
	v := float64(xs[m])
	if len(xs)%2 == 0 {
		v = float64(xs[m-1]+xs[m]) / 2
	}
	return Value{Key: key, Value: v, Basis: len(xs)}, true
}
