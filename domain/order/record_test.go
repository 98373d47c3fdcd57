package order_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/service"
)

func TestVitalsMustBeHumanlyPossible(t *testing.T) {
	cases := []struct {
		v     order.Vitals
		field string // "" when fine
	}{
		{order.Vitals{}, ""}, // nothing measured
		{order.Vitals{SystolicMmHg: 60, DiastolicMmHg: 30, HeartRateBpm: 25, TemperatureDeciC: 340}, ""},
		{order.Vitals{SystolicMmHg: 260, DiastolicMmHg: 160, HeartRateBpm: 250, TemperatureDeciC: 430}, ""},
		{order.Vitals{SystolicMmHg: 59}, "systolicMmHg"},
		{order.Vitals{SystolicMmHg: 261}, "systolicMmHg"},
		{order.Vitals{DiastolicMmHg: 29}, "diastolicMmHg"},
		{order.Vitals{DiastolicMmHg: 161}, "diastolicMmHg"},
		{order.Vitals{HeartRateBpm: 24}, "heartRateBpm"},
		{order.Vitals{HeartRateBpm: 251}, "heartRateBpm"},
		{order.Vitals{TemperatureDeciC: 339}, "temperatureDeciC"},
		{order.Vitals{TemperatureDeciC: 431}, "temperatureDeciC"},
		{order.Vitals{TemperatureDeciC: 3650}, "temperatureDeciC"}, // typed 365.0, not 36.5
		{order.Vitals{SystolicMmHg: 80, DiastolicMmHg: 90}, "diastolicMmHg"},
	}
	for _, c := range cases {
		o := in(t, order.StatusInService)
		err := o.WriteRecord(cg1, order.ServiceRecord{Vitals: &c.v}, beginAt)
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.v, err)
			}
			continue
		}
		faulttest.Is(t, err, order.ErrVitalsOutOfRange)
		fe, _ := fault.As(err)
		if fe.Kind != fault.Unprocessable || fe.Params["field"] != c.field || faulttest.Fields(err)["/vitals/"+c.field] == "" {
			t.Errorf("%+v: %v %v %v", c.v, err, fe.Params, faulttest.Fields(err))
		}
		if o.Visit().Record != nil {
			t.Errorf("%+v: a refused record was kept", c.v)
		}
	}
}

func TestARecordTicksOnlyItsServicesChecklist(t *testing.T) {
	o := in(t, order.StatusInService) // bathing
	err := o.WriteRecord(cg1, order.ServiceRecord{Checklist: []string{"skin_checked", "meal_delivered"}}, beginAt)
	faulttest.Is(t, err, order.ErrChecklistItem)
	if faulttest.Fields(err)["/checklist/1"] != "not_on_checklist" {
		t.Fatalf("fields %v", faulttest.Fields(err))
	}
	must(t, o.WriteRecord(cg1, order.ServiceRecord{
		Checklist: []string{"water_temperature_checked", "skin_checked", "dressed", "skin_checked"},
		Notes:     "  水温40度，皮肤完好  ", PhotoKeys: []string{"orders/o1/before.jpg"}}, beginAt))
	r := o.Visit().Record
	if len(r.Checklist) != 3 || r.Notes != "水温40度，皮肤完好" || !r.UpdatedAt.Equal(beginAt) {
		t.Fatalf("record %+v", r)
	}
}

func TestOnlyTheAssignedCaregiverWritesTheRecordUntilConfirmed(t *testing.T) {
	rec := order.ServiceRecord{Checklist: []string{"dressed"}}
	o := in(t, order.StatusInService)
	faulttest.Is(t, o.WriteRecord(daughter, rec, beginAt), order.ErrForbidden)
	faulttest.Is(t, o.WriteRecord(cg2, rec, beginAt), order.ErrNotOffered)
	faulttest.Is(t, in(t, order.StatusArrived).WriteRecord(cg1, rec, beginAt), order.ErrTransition)
	must(t, in(t, order.StatusCompleted).WriteRecord(cg1, rec, checkOutAt)) // written up after leaving
	faulttest.Is(t, in(t, order.StatusConfirmed).WriteRecord(cg1, rec, checkOutAt), order.ErrTransition)
}

func TestARecordIsBounded(t *testing.T) {
	o := in(t, order.StatusInService)
	if o.PhotoPrefix() != "orders/o1/" {
		t.Fatalf("photo prefix %q", o.PhotoPrefix())
	}
	err := o.WriteRecord(cg1, order.ServiceRecord{Notes: strings.Repeat("好", order.MaxRecordNotes+1),
		PhotoKeys: []string{"orders/o1/a.jpg", "orders/o1/a.jpg", "orders/o1/../o2/x.jpg", "/orders/o1/abs.jpg",
			"orders/o1/has space.jpg", "", "orders/o2/a.jpg", "https://evil.example/a.jpg", "a.jpg"}}, beginAt)
	faulttest.Is(t, err, order.ErrRecordInvalid)
	want := map[string]string{"/notes": "maxLength", "/photoKeys/1": "duplicate"}
	for i := 2; i <= 8; i++ {
		want["/photoKeys/"+strconv.Itoa(i)] = "not_under_prefix"
	}
	got := faulttest.Fields(err)
	for f, c := range want {
		if got[f] != c {
			t.Errorf("%s = %q, want %q", f, got[f], c)
		}
	}
	if got["/photoKeys/0"] != "" {
		t.Error("the first of two equal keys is refused")
	}
	keys := make([]string, order.MaxPhotos+1)
	for i := range keys {
		keys[i] = "orders/o1/p" + strings.Repeat("x", i) + ".jpg"
	}
	if faulttest.Fields(o.WriteRecord(cg1, order.ServiceRecord{PhotoKeys: keys}, beginAt))["/photoKeys"] != "maxItems" {
		t.Fatal("too many photos")
	}
}

func TestEveryServiceHasAChecklistInBothLanguages(t *testing.T) {
	types := []service.Type{service.MealAid, service.Bathing, service.Cleaning, service.MobilityHelp,
		service.MedicalEscort, service.Errands, service.HomeVisit, service.RespiteStay, service.DayCare}
	for _, st := range types {
		items := order.Checklist(st)
		if len(items) == 0 {
			t.Errorf("%s has no checklist", st)
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it.Code == "" || it.Label.ZhCN == "" || it.Label.En == "" || seen[it.Code] {
				t.Errorf("%s: item %+v", st, it)
			}
			seen[it.Code] = true
		}
	}
	has := func(st service.Type, code string) bool {
		for _, it := range order.Checklist(st) {
			if it.Code == code {
				return true
			}
		}
		return false
	}
	for st, code := range map[service.Type]string{service.Bathing: "water_temperature_checked",
		service.HomeVisit: "vitals_taken", service.MealAid: "dietary_restrictions_respected",
		service.RespiteStay: "service_delivered"} {
		if !has(st, code) {
			t.Errorf("%s lacks %s", st, code)
		}
	}
	// Callers get a copy: editing it changes no checklist.
	order.Checklist(service.Bathing)[0].Code = "x"
	if !has(service.Bathing, "water_temperature_checked") {
		t.Fatal("a caller edited the bathing checklist")
	}
}
