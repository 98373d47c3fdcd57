package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/testenv"
)

// slotAt makes a slot of resource res, an hour from start, with total
// places of which quota 普惠.
func slotAt(t *testing.T, id, res string, start time.Time, total, quota int) *reservation.Slot {
	t.Helper()
	s, err := reservation.New(reservation.Draft{ID: id,
		Resource:   reservation.Resource{Kind: "childcare_offering", ID: res},
		ProviderID: "p-1",
		Window:     reservation.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity:   reservation.Capacity{Total: total, InclusiveQuota: quota},
	}, start.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func slotIDs(ss []*reservation.Slot) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID()
	}
	return out
}

func TestSlots(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	slots := store.Slots()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 123_000_000, time.FixedZone("CST", 8*3600))
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC) // calendar-safe: as above

	t.Run("every field round-trips", func(t *testing.T) {
		s, err := reservation.New(reservation.Draft{ID: "s-full",
			Resource:   reservation.Resource{Kind: "childcare_offering", ID: "o-1"},
			ProviderID: "p-1",
			Window: reservation.Window{Start: day.Add(time.Hour).In(now.Location()), End: day.Add(4 * time.Hour),
				TimeZone: "Asia/Shanghai"},
			Capacity: reservation.Capacity{Total: 5, InclusiveQuota: 2},
			Rules: reservation.Rules{HoldTTL: 7*time.Minute + 1500*time.Millisecond, MaxHoldsPerUser: 3,
				HoldsCloseAt: day.Add(30 * time.Minute)},
		}, now)
		if err != nil {
			t.Fatal(err)
		}
		for i, tier := range []reservation.Tier{reservation.Market, reservation.Inclusive} {
			if _, _, err := s.Confirm(reservation.Seat{HoldID: reservation.HoldID("s-full", fmt.Sprint(i)), Tier: tier,
				BookedBy: "u-1", FamilyID: "f-1", RecipientID: "c-1", PriceFen: 120_000}, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []string{"u-2", "u-3", "u-4"} {
			if _, _, err := s.Join(reservation.Waiter{UserID: u, FamilyID: "f-" + u, Tier: reservation.Inclusive},
				now.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		s.Promote(reservation.Promotion{HoldID: reservation.HoldID("s-full", "p"), UserID: "u-2", FamilyID: "f-u-2",
			Tier: reservation.Inclusive, ExpiresAt: now.Add(13 * time.Minute)}, now.Add(3*time.Minute), "ev-promote")
		if n, err := slots.CreateMany(ctx, []*reservation.Slot{s}); err != nil || n != 1 {
			t.Fatalf("created %d, %v", n, err)
		}
		got, version, err := slots.Get(ctx, "s-full")
		if err != nil || version != 1 {
			t.Fatalf("get: version %d, %v", version, err)
		}
		want := s.Snapshot()
		if len(want.Seats) != 2 || len(want.Waitlist) != 2 || len(want.Promotions) != 1 || len(want.Pending) != 1 {
			t.Fatalf("the slot stored is not full: %+v", want)
		}
		if g := got.Snapshot(); !reflect.DeepEqual(g, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", g, want)
		}
		if loc := got.Window().Start.Location(); loc != time.UTC {
			t.Fatalf("window read back in %v", loc)
		}
	})

	t.Run("unknown slots are not found", func(t *testing.T) {
		if _, _, err := slots.Get(ctx, "nowhere"); !fault.Is(err, reservation.ErrSlotNotFound) {
			t.Fatalf("get: %v", err)
		}
		_, _, err := slots.Update(ctx, "nowhere", func(*reservation.Slot) error { return nil })
		if !fault.Is(err, reservation.ErrSlotNotFound) {
			t.Fatalf("update: %v", err)
		}
	})

	t.Run("opening a range twice stores only the new slots", func(t *testing.T) {
		batch := func(ids ...string) []*reservation.Slot {
			var out []*reservation.Slot
			for i, id := range ids {
				out = append(out, slotAt(t, id, "o-twice", day.Add(time.Duration(i)*time.Hour), 3, 1))
			}
			return out
		}
		if n, err := slots.CreateMany(ctx, batch("tw-a", "tw-b", "tw-c")); err != nil || n != 3 {
			t.Fatalf("first: %d, %v", n, err)
		}
		again := batch("tw-b", "tw-d", "tw-c", "tw-e")
		if err := again[0].SetCapacity(reservation.Capacity{Total: 9}); err != nil {
			t.Fatal(err)
		}
		if n, err := slots.CreateMany(ctx, again); err != nil || n != 2 {
			t.Fatalf("second: %d, %v", n, err)
		}
		if n, err := slots.CreateMany(ctx, batch("tw-a")); err != nil || n != 0 {
			t.Fatalf("one duplicate alone: %d, %v", n, err)
		}
		if n, err := slots.CreateMany(ctx, nil); err != nil || n != 0 {
			t.Fatalf("none: %d, %v", n, err)
		}
		if got, _, _ := slots.Get(ctx, "tw-b"); got.Capacity().Total != 3 {
			t.Fatalf("a second opening overwrote a slot: %+v", got.Capacity())
		}
		list, _, err := slots.ListByResource(ctx, "o-twice", time.Time{}, time.Time{}, page.Request{Limit: 10})
		if err != nil || len(list) != 5 {
			t.Fatalf("stored %v, %v", slotIDs(list), err)
		}
	})

	t.Run("never more seats than places", func(t *testing.T) {
		if _, err := slots.CreateMany(ctx, []*reservation.Slot{slotAt(t, "s-race", "o-race", day, 10, 0)}); err != nil {
			t.Fatal(err)
		}
		const tries = 50
		var (
			mu       sync.Mutex
			full     int
			versions []int64
			wg       sync.WaitGroup
		)
		for i := range tries {
			wg.Go(func() {
				_, v, err := slots.Update(ctx, "s-race", func(s *reservation.Slot) error {
					_, _, err := s.Confirm(reservation.Seat{HoldID: reservation.HoldID("s-race", fmt.Sprint(i)),
						Tier: reservation.Market, BookedBy: fmt.Sprintf("u-%d", i)}, now)
					return err
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case fault.Is(err, reservation.ErrSlotFull):
					full++
				case err != nil:
					t.Error(err)
				default:
					versions = append(versions, v)
				}
			})
		}
		wg.Wait()
		slices.Sort(versions)
		if full != tries-10 || !slices.Equal(versions, []int64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
			t.Fatalf("%d refused as full; versions written %v", full, versions)
		}
		got, version, err := slots.Get(ctx, "s-race")
		if err != nil || len(got.Seats()) != 10 || version != 11 {
			t.Fatalf("%d seats at version %d, %v", len(got.Seats()), version, err)
		}
	})

	t.Run("a promotion's event waits in the slot's outbox", func(t *testing.T) {
		if _, err := slots.CreateMany(ctx, []*reservation.Slot{slotAt(t, "s-promo", "o-promo", day, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		_, v, err := slots.Update(ctx, "s-promo", func(s *reservation.Slot) error {
			_, _, err := s.Join(reservation.Waiter{UserID: "u-w", FamilyID: "f-w", Tier: reservation.Market}, now)
			return err
		})
		if err != nil || v != 2 {
			t.Fatalf("join: version %d, %v", v, err)
		}
		_, v, err = slots.Update(ctx, "s-promo", func(s *reservation.Slot) error {
			s.Promote(reservation.Promotion{HoldID: reservation.HoldID("s-promo", "w"), UserID: "u-w", FamilyID: "f-w",
				Tier: reservation.Market, ExpiresAt: now.Add(10 * time.Minute)}, now, "ev-slot-promoted")
			return nil
		})
		if err != nil || v != 3 {
			t.Fatalf("promote: version %d, %v", v, err)
		}
		outbox := store.Outbox()
		var batch []string
		for range 2 { // the first read sweeps, the second follows the bell
			batches, err := outbox.Pending(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range batches {
				if b.Source == "slots" && b.DocID == "s-promo" {
					batch = ids(b.Events)
					if err := outbox.Clear(ctx, b); err != nil {
						t.Fatal(err)
					}
				}
			}
			if batch != nil {
				break
			}
		}
		if !slices.Equal(batch, []string{"ev-slot-promoted"}) {
			t.Fatalf("the relay found %v", batch)
		}
		got, version, err := slots.Get(ctx, "s-promo")
		if err != nil || len(got.Pending()) != 0 || version <= 3 || len(got.Promotions(now)) != 1 {
			t.Fatalf("after the relay: version %d, pending %v, %v", version, got.Pending(), err)
		}
	})

	t.Run("slots with waiters are found, and leave the list when nobody waits", func(t *testing.T) {
		var ss []*reservation.Slot
		for _, id := range []string{"w-1", "w-2", "w-3", "w-4"} {
			ss = append(ss, slotAt(t, id, "o-wait", day, 2, 0))
		}
		if _, err := slots.CreateMany(ctx, ss); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"w-1", "w-3", "w-4"} {
			if _, _, err := slots.Update(ctx, id, func(s *reservation.Slot) error {
				_, _, err := s.Join(reservation.Waiter{UserID: "u-" + id, Tier: reservation.Market}, now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := slots.Update(ctx, "w-4", func(s *reservation.Slot) error {
			s.Leave("u-w-4")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		first, err := slots.WithWaiters(ctx, now, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		rest, err := slots.WithWaiters(ctx, now, first[0].ID(), 10)
		if err != nil {
			t.Fatal(err)
		}
		// s-full and s-promo, from the tests before, have waiters too.
		if got := slotIDs(append(first, rest...)); !slices.Equal(got, []string{"s-full", "s-promo", "w-1", "w-3"}) {
			t.Fatalf("with waiters: %v", got)
		}
		// Once closed for holds, nobody on them can be served.
		closed, err := slots.WithWaiters(ctx, day.Add(time.Hour), "", 10)
		if err != nil || len(closed) != 0 {
			t.Fatalf("closed slots with waiters: %v %v", slotIDs(closed), err)
		}
	})

	t.Run("open slots are those not yet ended", func(t *testing.T) {
		// calendar-safe: the repository is handed every instant and the store reads no clock
		at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		var ss []*reservation.Slot
		for i, id := range []string{"z-open-3", "z-open-1", "z-open-2"} {
			ss = append(ss, slotAt(t, id, "o-open", at.Add(time.Duration(i)*time.Hour), 1, 0))
		}
		if _, err := slots.CreateMany(ctx, ss); err != nil {
			t.Fatal(err)
		}
		// z-open-3 ends at 01:00, so at 01:00 it is over.
		open, err := slots.Open(ctx, at.Add(time.Hour), "", 1)
		if err != nil || !slices.Equal(slotIDs(open), []string{"z-open-1"}) {
			t.Fatalf("first page %v, %v", slotIDs(open), err)
		}
		open, err = slots.Open(ctx, at.Add(time.Hour), "z-open-1", 10)
		if err != nil || !slices.Equal(slotIDs(open), []string{"z-open-2"}) {
			t.Fatalf("second page %v, %v", slotIDs(open), err)
		}
	})

	t.Run("a resource's slots page by start, whatever their ids", func(t *testing.T) {
		// Ids that sort against their starts: "T8:30" after "T14:00".
		starts := map[string]time.Time{
			"r-2026-03-02T14:00": day.Add(14 * time.Hour),
			"r-2026-03-02T8:30":  day.Add(8*time.Hour + 30*time.Minute),
			"r-2026-03-02T09:00": day.Add(9 * time.Hour),
			"r-2026-03-03T08:00": day.Add(32 * time.Hour),
			"r-2026-03-03T12:00": day.Add(36 * time.Hour),
			"r-2026-03-04T08:00": day.Add(56 * time.Hour),
		}
		var ss []*reservation.Slot
		for id, start := range starts {
			ss = append(ss, slotAt(t, id, "o-pages", start, 1, 0))
		}
		ss = append(ss, slotAt(t, "other-1", "o-other", day.Add(10*time.Hour), 1, 0))
		if _, err := slots.CreateMany(ctx, ss); err != nil {
			t.Fatal(err)
		}
		var got []string
		p := page.Request{Limit: 2}
		for pages := 0; ; pages++ {
			list, more, err := slots.ListByResource(ctx, "o-pages", day.Add(9*time.Hour), day.Add(56*time.Hour), p)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, slotIDs(list)...)
			if !more || pages > 5 {
				break
			}
			p.After = list[len(list)-1].ID()
		}
		want := []string{"r-2026-03-02T09:00", "r-2026-03-02T14:00", "r-2026-03-03T08:00", "r-2026-03-03T12:00"}
		if !slices.Equal(got, want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
		all, _, err := slots.ListByResource(ctx, "o-pages", time.Time{}, time.Time{}, page.Request{Limit: 10})
		if err != nil || len(all) != 6 || all[0].ID() != "r-2026-03-02T8:30" {
			t.Fatalf("unbounded: %v, %v", slotIDs(all), err)
		}
		for _, cursor := range []string{"nowhere", "other-1"} {
			_, _, err := slots.ListByResource(ctx, "o-pages", time.Time{}, time.Time{}, page.Request{After: cursor, Limit: 2})
			if !fault.Is(err, page.ErrCursorInvalid) {
				t.Fatalf("cursor %s: %v", cursor, err)
			}
		}
	})
}
