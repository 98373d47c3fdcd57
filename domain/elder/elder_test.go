package elder_test

import (
	"testing"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/service"
)

var today = date("2026-11-25")

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func valid() elder.Profile {
	return elder.Profile{
		Name: "王秀兰", Gender: elder.Female, BirthDate: date("1944-05-12"), Living: elder.LivesAlone,
		Address: geo.Address{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104",
			Location: geo.Point{Lat: 31.18, Lng: 121.43}},
		Diet: elder.Diet{Tags: []elder.DietTag{"low_salt", "low_salt", "soft_food"}},
	}
}

func TestValidProfileIsCleaned(t *testing.T) {
	p, err := valid().Validate(today)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Diet.Tags) != 2 {
		t.Fatalf("duplicate diet tag kept: %v", p.Diet.Tags)
	}
	if p.AgeOn(today) != 82 {
		t.Fatalf("age %d", p.AgeOn(today))
	}
}

func TestBadProfilesNameEveryBadField(t *testing.T) {
	p := valid()
	p.BirthDate = date("2027-01-01")
	p.Address.Location = geo.Point{Lat: 91, Lng: -181}
	p.Address.RegionCode = "31010"
	p.Diet.Tags = []elder.DietTag{"low_salt", "keto"}
	p.MobilityAids = []elder.MobilityAid{"jetpack"}
	p.Living = "on_a_boat"
	_, err := p.Validate(today)
	if !fault.Is(err, elder.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	want := map[string]string{
		"/birthDate": "in_future", "/address/location/lat": "range", "/address/location/lng": "range",
		"/address/regionCode": "pattern", "/diet/tags/1": "enum", "/mobilityAids/0": "enum", "/living": "enum",
	}
	got := faulttest.Fields(err)
	for f, code := range want {
		if got[f] != code {
			t.Errorf("field %s: got %q, want %q (all: %v)", f, got[f], code, got)
		}
	}
	young := valid()
	young.BirthDate = date("1990-01-01")
	if faulttest.Fields(func() error { _, err := young.Validate(today); return err }())["/birthDate"] != "age_out_of_range" {
		t.Error("a 36-year-old care recipient was accepted")
	}
}

func TestLatestAssessmentByDateIsCurrent(t *testing.T) {
	var h elder.Health
	a1, err := elder.Assessment{Level: elder.AbilityMild, AssessedOn: date("2026-10-01"), AssessedBy: "评估中心"}.Validate(today)
	if err != nil {
		t.Fatal(err)
	}
	h.Record(a1)
	h.Record(elder.Assessment{Level: elder.AbilityIntact, AssessedOn: date("2025-01-01"), AssessedBy: "评估中心"})
	if h.Assessment.Level != elder.AbilityMild || len(h.AssessmentHistory) != 2 {
		t.Fatalf("current %v, history %d", h.Assessment, len(h.AssessmentHistory))
	}
	_, err = elder.Assessment{Level: "fine", AssessedOn: date("2027-01-01")}.Validate(today)
	got := faulttest.Fields(err)
	if got["/level"] != "enum" || got["/assessedOn"] != "in_future" || got["/assessedBy"] != "required" {
		t.Fatalf("fields %v", got)
	}
}

func TestAllowances(t *testing.T) {
	a := elder.Allowance{Issuer: "徐汇区民政局", Kind: elder.ServiceSubsidy, MonthlyFen: 30000,
		ServiceTypes: []service.Type{service.Bathing}, ValidFrom: date("2026-01-01"), ValidTo: date("2026-12-31")}
	if _, err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if !a.CoversOn(service.Bathing, date("2026-12-31")) || a.CoversOn(service.Bathing, date("2027-01-01")) ||
		a.CoversOn(service.Cleaning, date("2026-06-01")) {
		t.Fatal("CoversOn")
	}
	bad := a
	bad.ValidTo = date("2025-12-31")
	bad.ServiceTypes = []service.Type{"massage"}
	bad.MonthlyFen = 0
	err := func() error { _, err := bad.Validate(); return err }()
	if !fault.Is(err, elder.ErrAllowanceInvalid) {
		t.Fatalf("bad allowance: %v", err)
	}
	got := faulttest.Fields(err)
	if got["/validTo"] != "before_valid_from" || got["/serviceTypes/0"] != "enum" || got["/monthlyFen"] != "required_positive" {
		t.Fatalf("fields %v", got)
	}
	hours := elder.Allowance{Issuer: "民政局", Kind: elder.FreeHours, MonthlyHours: 10,
		ServiceTypes: []service.Type{service.Cleaning}, ValidFrom: date("2026-01-01")}
	if _, err := hours.Validate(); err != nil {
		t.Fatalf("free hours: %v", err)
	}
}

// What a family types is kept, and decides eligibility only until it has
// counted for something; an assessing body's record decides after.
func TestOnlyOfficialRecordsDecideEligibility(t *testing.T) {
	official := func(level elder.AbilityLevel, on string) elder.Assessment {
		return elder.Assessment{Level: level, AssessedOn: date(on), AssessedBy: "徐汇区老年人能力评估中心", Source: elder.Official}
	}
	mine := elder.Assessment{Level: elder.AbilityTotal, AssessedOn: date("2026-11-20"), AssessedBy: "myself"}
	mine, err := mine.Validate(today)
	if err != nil || mine.Source != elder.SelfReported {
		t.Fatalf("an assessment without a source: %+v, %v; want self-reported", mine, err)
	}

	// Before anything counted, the family's birth date decides.
	e := elder.Elder{Profile: valid()}
	moved := valid()
	moved.BirthDate = date("1950-03-01")
	e.SetProfile(moved, false)
	if e.EligibilityBirthDate() != date("1950-03-01") || e.BirthDateSource() != elder.SelfReported {
		t.Fatalf("before any order: %s (%s)", e.EligibilityBirthDate(), e.BirthDateSource())
	}
	// After the first order, a new date is kept but does not count.
	moved.BirthDate = date("1930-01-01")
	e.SetProfile(moved, true)
	if e.Profile.BirthDate != date("1930-01-01") || e.EligibilityBirthDate() != date("1950-03-01") {
		t.Fatalf("after an order: profile %s, counts %s", e.Profile.BirthDate, e.EligibilityBirthDate())
	}

	// A self-reported level is kept, shown as current, and decides nothing;
	// it cannot confirm a birth date either.
	faulttest.Is(t, e.RecordAssessment(mine, date("1930-01-01"), today), elder.ErrInvalid)
	if err := e.RecordAssessment(mine, calendar.Date{}, today); err != nil {
		t.Fatal(err)
	}
	if e.Health.Assessment.Level != elder.AbilityTotal || e.Health.Official() != nil {
		t.Fatalf("current %+v, official %+v", e.Health.Assessment, e.Health.Official())
	}

	// An official record decides the level and may confirm the date.
	if err := e.RecordAssessment(official(elder.AbilityModerate, "2026-11-01"), date("1931-06-01"), today); err != nil {
		t.Fatal(err)
	}
	if o := e.Health.Official(); o == nil || o.Level != elder.AbilityModerate {
		t.Fatalf("official %+v", o)
	}
	if e.EligibilityBirthDate() != date("1931-06-01") || e.BirthDateSource() != elder.Official ||
		e.Profile.BirthDate != date("1931-06-01") {
		t.Fatalf("confirmed: counts %s (%s), profile %s", e.EligibilityBirthDate(), e.BirthDateSource(), e.Profile.BirthDate)
	}
	// A date no elder can have is refused even from an assessing body.
	faulttest.Is(t, e.RecordAssessment(official(elder.AbilityModerate, "2026-11-02"), date("2000-01-01"), today),
		elder.ErrInvalid)

	// An official assessment settles the date it was made against.
	fresh := elder.Elder{Profile: valid()}
	if err := fresh.RecordAssessment(official(elder.AbilityMild, "2026-10-01"), calendar.Date{}, today); err != nil {
		t.Fatal(err)
	}
	moved.BirthDate = date("1930-01-01")
	fresh.SetProfile(moved, false)
	if fresh.EligibilityBirthDate() != valid().BirthDate || fresh.BirthDateSource() != elder.SelfReported {
		t.Fatalf("after an official assessment: counts %s (%s)", fresh.EligibilityBirthDate(), fresh.BirthDateSource())
	}
}
