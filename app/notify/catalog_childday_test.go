package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/room"
)

// childDayEvents are the childcare day's events as its domain makes
// them: a room's day with a late pickup, a refusal, a breach and its end,
// absences, a published and corrected report, and a one-time pickup
// person. calendar-safe: their words are only rendered, no clock reads
// them.
func childDayEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	date := calendar.Today(now, loc)
	setup := room.NewSetup("prov")
	r, err := setup.AddRoom("r1", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}}, false, "u", now)
	if err != nil {
		t.Fatal(err)
	}
	day := attendance.NewDay("prov", r, date, "Asia/Shanghai")
	start, end := attendance.Bounds(date, loc)
	everyone := func(string) bool { return true }
	if _, err := day.Place("kid", "fam", []attendance.Place{{BookingID: "b", Tier: reservation.Inclusive, Start: start, End: end}}, now); err != nil {
		t.Fatal(err)
	}
	if err := day.CheckIn("kid", attendance.Arrival{By: "t", Health: attendance.HealthCheck{TemperatureDeciC: 366, Result: attendance.Well},
		ChildName: "乐乐"}, now, everyone, newID); err != nil {
		t.Fatal(err)
	}
	dep := attendance.Departure{By: "t", Person: attendance.Pickup{PickupPersonID: "p", Name: "李秀英", Relation: "外婆"},
		Verification: attendance.ByKnown, Closing: now.Add(-time.Hour), ChildName: "乐乐"}
	if err := day.RefusePickup("kid", attendance.Departure{By: "t", Person: attendance.Pickup{Name: "王某"},
		Verification: attendance.ByKnown, ChildName: "乐乐"}, attendance.NotOnList, now, newID); err != nil {
		t.Fatal(err)
	}
	if _, err := day.CheckOut("kid", dep, now.Add(time.Hour), everyone, newID); err != nil {
		t.Fatal(err)
	}
	day.AnnounceAbsence(newID(), "kid", "乐乐", attendance.Absence{ID: "a", Reason: attendance.Sick}, date.String(), date.AddDays(2).String(), now)
	day.AnnounceStreak("kid", "乐乐", 3, date.String(), now)
	rep := dailyreport.New("kid", "fam", "prov", date, "Asia/Shanghai", "t", now)
	c := dailyreport.Content{Mood: "happy"}
	if err := rep.Fill(c, "t", "", now, newID()); err != nil {
		t.Fatal(err)
	}
	if err := rep.Publish("t", "乐乐", now, newID()); err != nil {
		t.Fatal(err)
	}
	c.Mood = "calm"
	if err := rep.Fill(c, "t", "心情记录有误", now, newID()); err != nil {
		t.Fatal(err)
	}
	kid := child.Child{ID: "kid", FamilyID: "fam", Profile: child.Profile{Name: "乐乐"}}
	if err := kid.AnnounceOneTimePickup(newID(), child.PickupPerson{Name: "张阿姨", Relation: "邻居"}, "owner", date.String()+" 23:59", now); err != nil {
		t.Fatal(err)
	}
	return append(append(day.Pending(), rep.Pending()...), kid.Events...)
}
