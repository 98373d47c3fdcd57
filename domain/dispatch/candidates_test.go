package dispatch_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/dispatch"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

func TestOnlyQualifiedWorkingFreeNearbyCaregiversNearestFirst(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	home := geo.Point{Lat: 31.2304, Lng: 121.4737}
	near := func(metresNorth float64) geo.Point {
		return geo.Point{Lat: home.Lat + metresNorth/111_195, Lng: home.Lng}
	}
	valid, _ := calendar.ParseDate("2027-06-30")
	lapsed, _ := calendar.ParseDate("2026-11-01")
	weekdays := []provider.Hours{{Weekday: 1, Open: "08:00", Close: "17:00"}}
	bather := func(at geo.Point, certExpires calendar.Date, skills ...service.Type) *provider.Caregiver {
		return &provider.Caregiver{Active: true, Skills: skills, HomeBase: at, WeeklyHours: weekdays,
			Certificates: []provider.Certificate{{Kind: provider.ElderlyCareWorker, Number: "N", ExpiresOn: certExpires}}}
	}
	inactive := bather(near(100), valid, service.Bathing)
	inactive.Active = false
	evening := bather(near(100), valid, service.Bathing)
	evening.WeeklyHours = []provider.Hours{{Weekday: 1, Open: "17:00", Close: "22:00"}}
	p := &provider.Provider{Profile: provider.Profile{TimeZone: "Asia/Shanghai"}, Staff: []provider.Staff{
		{UserID: "far", Role: provider.StaffCaregiver, Caregiver: bather(near(4000), valid, service.Bathing)},
		{UserID: "near", Role: provider.StaffCaregiver, Caregiver: bather(near(300), valid, service.Bathing)},
		{UserID: "too-far", Role: provider.StaffCaregiver, Caregiver: bather(near(6000), valid, service.Bathing)},
		{UserID: "lapsed", Role: provider.StaffCaregiver, Caregiver: bather(near(200), lapsed, service.Bathing)},
		{UserID: "cleaner", Role: provider.StaffCaregiver, Caregiver: bather(near(200), valid, service.Cleaning)},
		{UserID: "inactive", Role: provider.StaffCaregiver, Caregiver: inactive},
		{UserID: "evening", Role: provider.StaffCaregiver, Caregiver: evening},
		{UserID: "busy", Role: provider.StaffCaregiver, Caregiver: bather(near(50), valid, service.Bathing)},
		{UserID: "no-profile", Role: provider.StaffCaregiver},
		{UserID: "office", Role: provider.StaffOffice},
	}}
	start := time.Date(2026, 11, 30, 10, 0, 0, 0, sh) // a Monday
	got := dispatch.Candidates(p, dispatch.Need{Service: service.Bathing, Start: start, End: start.Add(time.Hour),
		Place: home}, func(id string) bool { return id == "busy" })
	var ids []string
	for _, c := range got {
		ids = append(ids, c.UserID)
	}
	if !slices.Equal(ids, []string{"near", "far"}) {
		t.Fatalf("candidates %v, want [near far]", ids)
	}
	if got[0].DistanceMetres < 290 || got[0].DistanceMetres > 310 {
		t.Errorf("near is %.0f m away, want about 300", got[0].DistanceMetres)
	}
}
