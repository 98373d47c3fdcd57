package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/room"
	"github.com/kincare/kincare/test/testenv"
)

// The childcare day's documents on the embedded FerretDB (or
// MONGODB_URI). calendar-safe: the dates are only stored and read back;
// no clock meets them.
func TestChildDayDocuments(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	date := calendar.Date{Year: 2026, Month: time.November, Day: 25}
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, loc)
	setup := room.NewSetup("p1")
	r, err := setup.AddRoom("r1", room.Spec{Name: "托小班", Band: room.Band{MinMonths: 12, MaxMonths: 23}}, false, "u", now)
	if err != nil {
		t.Fatal(err)
	}
	start, end := attendance.Bounds(date, loc)

	t.Run("a room's day started by many at once takes its capacity, no more", func(t *testing.T) {
		days := store.Days()
		id := attendance.DayID(r.ID(), date)
		fresh := func() *attendance.Day { return attendance.NewDay("p1", r, date, "Asia/Shanghai") }
		var placed, full atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				_, err := days.Update(ctx, id, fresh, func(d *attendance.Day) error {
					_, err := d.Place(fmt.Sprintf("c%02d", i), "f", []attendance.Place{{BookingID: fmt.Sprintf("b%02d", i),
						Start: start, End: end}}, now)
					return err
				})
				switch {
				case err == nil:
					placed.Add(1)
				case fault.Is(err, attendance.ErrRoomFull):
					full.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		d, err := days.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if placed.Load() != 15 || full.Load() != 5 || len(d.Children()) != 15 {
			t.Fatalf("%d placed, %d refused, %d in the room; want 15, 5, 15", placed.Load(), full.Load(), len(d.Children()))
		}
		if _, err := days.Update(ctx, attendance.DayID("nowhere", date), nil, func(*attendance.Day) error { return nil }); !fault.Is(err, attendance.ErrDayNotFound) {
			t.Fatalf("updating a day nobody started: %v", err)
		}
	})

	t.Run("a day keeps what happened in it, and the month finds it", func(t *testing.T) {
		days := store.Days()
		id := attendance.DayID(r.ID(), date)
		everyone := func(string) bool { return true }
		n := 0
		newID := func() string { n++; return fmt.Sprintf("ev-%d", n) }
		before, err := days.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		kid := before.Children()[0].ChildID // one of those the race placed
		_, err = days.Update(ctx, id, nil, func(d *attendance.Day) error {
			if err := d.AssignStaff([]string{"t1"}, "office", now); err != nil {
				return err
			}
			if err := d.StaffIn("t1", "t1", now, everyone, newID); err != nil {
				return err
			}
			if err := d.CheckIn(kid, attendance.Arrival{By: "t1", Health: attendance.HealthCheck{TemperatureDeciC: 378,
				Result: attendance.Watch, Notes: "低烧"}, ParentNote: "昨晚咳嗽"}, now, everyone, newID); err != nil {
				return err
			}
			_, err := d.CheckOut(kid, attendance.Departure{By: "t1", Person: attendance.Pickup{PickupPersonID: "pp",
				Name: "奶奶", IDLast4: "123X"}, Verification: attendance.ByIDCard, Closing: now.Add(9 * time.Hour)},
				now.Add(10*time.Hour), everyone, newID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := days.OfProvider(ctx, "p1", date.AddDays(-1), date)
		if err != nil || len(got) != 1 {
			t.Fatalf("the provider's days: %v, %v", got, err)
		}
		a, _ := got[0].Attendee(kid)
		if a.CheckIn == nil || a.CheckIn.Health.Notes != "低烧" || a.CheckOut == nil || a.CheckOut.LateMinutes != 60 ||
			len(got[0].Duties()) != 1 || !got[0].Duties()[0].OnDuty() || len(got[0].Pending()) == 0 {
			t.Fatalf("read back %+v, duties %+v", a, got[0].Duties())
		}
		if later, _ := days.OfProvider(ctx, "p1", date.AddDays(1), date.AddDays(30)); len(later) != 0 {
			t.Fatalf("days after: %d", len(later))
		}
		// Erasing the family's children takes their health and notes out
		// of the day, and keeps that they came.
		if err := store.ChildData().DeleteByFamily(ctx, "f"); err != nil {
			t.Fatal(err)
		}
		d, _ := days.Get(ctx, id)
		a, _ = d.Attendee(kid)
		if a.CheckIn == nil || a.CheckIn.Health != (attendance.HealthCheck{}) || a.CheckIn.ParentNote != "" ||
			a.CheckOut.Person.IDLast4 != "" || a.CheckOut.Person.Name != "奶奶" {
			t.Fatalf("after erasure %+v %+v", a.CheckIn, a.CheckOut)
		}
	})

	t.Run("a child's month of reports", func(t *testing.T) {
		reports := store.Reports()
		c := child.Child{ID: "kid", FamilyID: "fam"}
		for i, day := range []calendar.Date{date, date.AddDays(-1), date.AddDays(-30)} {
			fresh := func() *dailyreport.Report {
				return dailyreport.New(c.ID, c.FamilyID, "p1", day, "Asia/Shanghai", "t1", now)
			}
			dayStart, _ := attendance.Bounds(day, loc)
			rep, err := reports.Update(ctx, c.ID, day, "p1", fresh, func(r *dailyreport.Report) error {
				if err := r.Fill(dailyreport.Content{Mood: "happy", Activities: []string{"搭积木"}}, "t1", "", dayStart.Add(15*time.Hour), "fill"); err != nil {
					return err
				}
				if i == 2 {
					return nil // a draft
				}
				return r.Publish("t1", "乐乐", dayStart.Add(16*time.Hour), fmt.Sprintf("pub-%d", i))
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.ID() != dailyreport.ID(c.ID, day, "p1") {
				t.Fatalf("report id %s", rep.ID())
			}
		}
		got, err := reports.Range(ctx, c.ID, date.AddDays(-40), date)
		if err != nil || len(got) != 3 || got[0].Date() != date || got[1].Date() != date.AddDays(-1) || got[2].Published() {
			t.Fatalf("range: %v %v", got, err)
		}
		one, err := reports.Get(ctx, c.ID, date, "p1")
		if err != nil || !one.Published() || one.Content().Activities[0] != "搭积木" {
			t.Fatalf("get: %v %v", one, err)
		}
		if _, err := reports.Get(ctx, c.ID, date, "p2"); !fault.Is(err, dailyreport.ErrNotFound) {
			t.Fatalf("another provider's report: %v", err)
		}
		if _, err := reports.Update(ctx, c.ID, date.AddDays(1), "p1", nil, func(*dailyreport.Report) error { return nil }); !fault.Is(err, dailyreport.ErrNotFound) {
			t.Fatalf("publishing a report never written: %v", err)
		}
		if err := reports.DeleteByFamily(ctx, "fam"); err != nil {
			t.Fatal(err)
		}
		if got, _ := reports.Range(ctx, c.ID, date.AddDays(-40), date); len(got) != 0 {
			t.Fatalf("after erasure %d reports", len(got))
		}
	})

	t.Run("setups, rosters and rates start empty and keep what is written", func(t *testing.T) {
		s, err := store.Setups().Get(ctx, "p9")
		if err != nil || len(s.Rooms()) != 0 || s.Policy() != room.DefaultPolicy {
			t.Fatalf("an unset setup: %v %v", s, err)
		}
		if _, err := store.Setups().Update(ctx, "p9", func(s *room.Setup) error {
			_, err := s.AddRoom("r9", room.Spec{Name: "乳儿班", Band: room.Band{MaxMonths: 11}}, false, "u", now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if s, _ := store.Setups().Get(ctx, "p9"); len(s.Rooms()) != 1 || s.Rooms()[0].ChildrenPerStaff() != 3 {
			t.Fatalf("setup read back %v", s.Rooms())
		}
		ro, found, err := store.Rosters().Get(ctx, "p9", date)
		if err != nil || found || len(ro.Entries()) != 0 {
			t.Fatalf("an unset roster: %v %v %v", ro, found, err)
		}
		if _, err := store.Rosters().Update(ctx, "p9", date, func(r *attendance.Roster) error {
			r.Put("kid", "r9", []string{"b1"})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if ro, found, _ := store.Rosters().Get(ctx, "p9", date); !found || ro.Rooms()[0] != "r9" {
			t.Fatalf("roster read back %v", ro.Entries())
		}
		nov := attendance.Month{Year: 2026, Month: time.November}
		if _, err := store.Rates().Update(ctx, "310100", func(b *attendance.RateBook) error {
			return b.Set(attendance.Rate{DailyFen: 2000, From: nov, Document: "沪卫〔2026〕1号"}, nov)
		}); err != nil {
			t.Fatal(err)
		}
		b, err := store.Rates().Get(ctx, "310100")
		if rate, ok := b.For(nov.Next()); err != nil || !ok || rate.DailyFen != 2000 || rate.RegionCode != "310100" {
			t.Fatalf("rates read back %v %v", b.Rates(), err)
		}
	})
}
