package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/visit"
)

// visitEvents marks an elder, assigns a volunteer, verifies them, makes
// a visit at her door and alerts two quiet months, as the domain
// announces them; the credit as app/visits announces it.
func visitEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	c := &visit.Care{ElderID: "e", FamilyID: "fam", ElderName: "王秀英", RegionCode: "310104", TimeZone: "Asia/Shanghai"}
	home := geo.Point{Lat: 31.1883, Lng: 121.4365}
	vol, err := visit.NewVolunteer("vol", "赵志愿", "station", now)
	if err != nil {
		t.Fatal(err)
	}
	v := visit.Start("v1", c, visit.InPerson, now)
	steps := []error{
		c.Mark([]visit.Category{visit.LivingAlone}, "office", visit.ByStation, "station", "摸排", newID(), now),
		vol.Verify("office", newID(), now),
		c.Assign("vol", visit.ByVolunteer, "office", newID(), now),
		v.CheckInAt(home, visit.Report{Point: home, DeviceTime: now.Add(-time.Hour)}, c.Location(), now),
		v.CheckOutAt(visit.Report{Point: home, DeviceTime: now}, now),
		v.Complete(visit.Assessment{Living: visit.LivingGood, Mood: visit.MoodGood}, nil, newID(), now),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := c.AlertQuiet(newID(), now.AddDate(0, 2, 1)); !ok || err != nil {
		t.Fatalf("quiet alert: %v %v", ok, err)
	}
	credited, err := event.New(newID(), eventTimeBankCredited, event.Subject{Kind: "visit", ID: "v1"}, now,
		map[string]string{"volunteerId": "vol", "visitId": "v1", "minutes": "60", "month": v.Month,
			"regionCode": "310104", "stationId": "station", "elder": "王秀英"})
	if err != nil {
		t.Fatal(err)
	}
	return append(append(append(c.Pending(), vol.Pending()...), v.Pending()...), credited)
}
