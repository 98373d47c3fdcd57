package visit_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/visit"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func marked(t *testing.T, id string, at time.Time) *visit.Care {
	t.Helper()
	c := &visit.Care{ElderID: id, FamilyID: "f", ElderName: "王秀英", RegionCode: "310104", TimeZone: "Asia/Shanghai"}
	if err := c.Mark([]visit.Category{visit.LivingAlone}, "office", visit.ByStation, "s1", "摸排", "e1", at); err != nil {
		t.Fatal(err)
	}
	if err := c.Assign("v1", visit.ByVolunteer, "office", "e2", at); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAVisitAtTheDoorIsVerifiedOnlyAsAnOrderVisitWouldBe(t *testing.T) {
	home := geo.Point{Lat: 31.1883, Lng: 121.4365}
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	c := marked(t, "e", now.Add(-time.Hour))
	for _, tc := range []struct {
		name     string
		in       visit.Report
		verified bool
	}{
		{"at the door", visit.Report{Point: home, DeviceTime: now.Add(-30 * time.Minute)}, true},
		{"across the street with a reason", visit.Report{Point: geo.Point{Lat: home.Lat + 0.005, Lng: home.Lng},
			Reason: "门禁"}, false},
		{"a phone clock 13 h off", visit.Report{Point: home, DeviceTime: now.Add(-13 * time.Hour)}, false},
	} {
		v := visit.Start("v", c, visit.InPerson, now)
		if err := v.CheckInAt(home, tc.in, c.Location(), now); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := v.CheckOutAt(visit.Report{Point: home, DeviceTime: now}, now); err != nil {
			t.Fatal(err)
		}
		if err := v.Complete(visit.Assessment{Living: visit.LivingGood, Mood: visit.MoodGood}, nil, "e", now); err != nil {
			t.Fatal(err)
		}
		if v.Verified() != tc.verified {
			t.Errorf("%s: verified %v", tc.name, v.Verified())
		}
		if _, err := v.Credit(); (err == nil) != tc.verified {
			t.Errorf("%s: credit %v", tc.name, err)
		}
	}
	v := visit.Start("v", c, visit.InPerson, now)
	if err := v.CheckInAt(home, visit.Report{Point: geo.Point{Lat: home.Lat + 0.01, Lng: home.Lng}}, c.Location(), now); err == nil {
		t.Error("a check-in 1 km away without a reason was accepted")
	}
}

func TestTheMonthCountsEachDueElderOnce(t *testing.T) {
	marking := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	a, b, late := marked(t, "a", marking), marked(t, "b", marking), marked(t, "c", time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC))
	phone := func(id string, c *visit.Care, at time.Time) *visit.Visit {
		v := visit.Start(id, c, visit.ByPhone, at)
		if err := v.Phone(10, c.Location(), at); err != nil {
			t.Fatal(err)
		}
		if err := v.Complete(visit.Assessment{Living: visit.LivingGood, Mood: visit.MoodGood}, nil, "e", at); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// b's call ends at 15:10 UTC on 30 Nov, 23:10 in Shanghai: November's.
	// The late elder's call is on 31 Dec 23:05 UTC… in Shanghai 1 Jan: January's,
	// and the late elder was not due in December anyway.
	vs := []*visit.Visit{phone("1", a, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)),
		phone("2", a, time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)), phone("3", b, time.Date(2026, 11, 30, 15, 10, 0, 0, time.UTC)), phone("4", late, time.Date(2026, 12, 31, 23, 5, 0, 0, time.UTC))}
	r, err := visit.MonthReport("2026-12", []*visit.Care{a, b, late}, vs, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Due) != 2 || r.Visited != 1 || r.Rate != 0.5 || !r.Ended || len(r.Overdue) != 1 || r.Overdue[0].ElderID != "b" {
		t.Fatalf("December: %+v", r)
	}
}

func TestTwoQuietMonthsAlertOncePerSpell(t *testing.T) {
	at := time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)
	c := marked(t, "a", at)
	if c.Quiet(at.AddDate(0, 2, 0).Add(-time.Second)) {
		t.Fatal("quiet a second before two months")
	}
	now := at.AddDate(0, 2, 0)
	if ok, err := c.AlertQuiet("q1", now); !ok || err != nil {
		t.Fatalf("first alert: %v %v", ok, err)
	}
	if ok, _ := c.AlertQuiet("q2", now.Add(time.Hour)); ok {
		t.Fatal("the same spell alerted twice")
	}
	c.Visited(now.Add(24 * time.Hour))
	if ok, _ := c.AlertQuiet("q3", now.Add(24*time.Hour).AddDate(0, 2, 0)); !ok {
		t.Fatal("a new spell after a visit was not alerted")
	}
}
