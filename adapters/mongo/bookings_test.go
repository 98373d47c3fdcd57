package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/testenv"
)

// bookingOf is the booking of a seat on s for recipient of family,
// seated at at.
func bookingOf(s *reservation.Slot, suffix, family, recipient string, at time.Time) *reservation.Booking {
	return reservation.NewBooking(s, reservation.Seat{HoldID: reservation.HoldID(s.ID(), suffix),
		Tier: reservation.Inclusive, BookedBy: "u-" + family, FamilyID: family, RecipientID: recipient,
		PriceFen: 88_000, At: at}, "ev-confirmed-"+s.ID()+"-"+suffix)
}

func bookingIDs(bs []*reservation.Booking) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ID()
	}
	return out
}

func TestBookings(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	bookings := store.Bookings()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 3, 20, 9, 0, 0, 250_000_000, time.UTC)         // calendar-safe: as above
	morning := slotAt(t, "b-morning", "o-1", day.Add(1*time.Hour), 10, 5) // 01:00-02:00
	noon := slotAt(t, "b-noon", "o-1", day.Add(4*time.Hour), 10, 5)       // 04:00-05:00
	other := slotAt(t, "b-other", "o-2", day.Add(1*time.Hour), 10, 5)     // another provider's, say

	t.Run("a booking round-trips and is created once", func(t *testing.T) {
		b := bookingOf(morning, "h1", "f-1", "c-1", now)
		created, err := bookings.Create(ctx, b)
		if err != nil || !created {
			t.Fatalf("create: %v, %v", created, err)
		}
		again := bookingOf(morning, "h1", "f-2", "c-2", now.Add(time.Hour))
		if created, err := bookings.Create(ctx, again); err != nil || created {
			t.Fatalf("create again: %v, %v", created, err)
		}
		got, err := bookings.Get(ctx, b.ID())
		if err != nil {
			t.Fatal(err)
		}
		if g, w := got.Snapshot(), b.Snapshot(); !reflect.DeepEqual(g, w) || len(w.Pending) != 1 {
			t.Fatalf("read back\n%+v\nwant\n%+v", g, w)
		}
		if _, err := bookings.Get(ctx, "nowhere"); !fault.Is(err, reservation.ErrBookingNotFound) {
			t.Fatalf("unknown: %v", err)
		}
	})

	t.Run("a cancellation round-trips and is announced", func(t *testing.T) {
		id := reservation.HoldID("b-morning", "h1")
		got, err := bookings.Update(ctx, id, func(b *reservation.Booking) error {
			return b.Cancel(reservation.ByProvider, "u-staff", "园区停水", now.Add(time.Hour), "ev-cancel-1")
		})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := bookings.Get(ctx, id)
		if err != nil || !reflect.DeepEqual(stored.Snapshot(), got.Snapshot()) {
			t.Fatalf("read back %+v, %v", stored.Snapshot(), err)
		}
		c := stored.Cancellation()
		if stored.Status() != reservation.Cancelled || c == nil || c.By != reservation.ByProvider ||
			c.Reason != "园区停水" || !c.At.Equal(now.Add(time.Hour)) || c.At.Location() != time.UTC {
			t.Fatalf("cancellation %+v", c)
		}
		_, err = bookings.Update(ctx, id, func(b *reservation.Booking) error {
			return b.Cancel(reservation.ByFamily, "u-f-1", "", now, "ev-cancel-2")
		})
		if !fault.Is(err, reservation.ErrAlreadyCancelled) {
			t.Fatalf("cancelling twice: %v", err)
		}
		batches, err := store.Outbox().Pending(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var pending []string
		for _, b := range batches {
			if b.Source == "bookings" && b.DocID == id {
				pending = ids(b.Events)
			}
		}
		if !slices.Equal(pending, []string{"ev-confirmed-b-morning-h1", "ev-cancel-1"}) {
			t.Fatalf("the relay found %v", pending)
		}
	})

	// The list's bookings: seated at various times, some at the same
	// millisecond, so the page boundary falls inside a tie.
	seated := []*reservation.Booking{
		bookingOf(morning, "l1", "f-1", "c-1", now.Add(1*time.Minute)),
		bookingOf(morning, "l2", "f-1", "c-2", now.Add(2*time.Minute)),
		bookingOf(noon, "l3", "f-1", "c-1", now.Add(2*time.Minute)),
		bookingOf(noon, "l4", "f-2", "c-3", now.Add(2*time.Minute)),
		bookingOf(morning, "l5", "f-2", "c-3", now.Add(3*time.Minute)),
		bookingOf(other, "l6", "f-1", "c-1", now.Add(4*time.Minute)),
	}
	t.Run("lists page newest first", func(t *testing.T) {
		for _, b := range seated {
			if _, err := bookings.Create(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f reservations.BookingFilter, limit int) []string {
			t.Helper()
			var got []string
			p := page.Request{Limit: limit}
			for range 10 {
				bs, more, err := bookings.List(ctx, f, p)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, bookingIDs(bs)...)
				if !more {
					return got
				}
				p.After = bs[len(bs)-1].ID()
			}
			t.Fatal("pages never end")
			return nil
		}
		all := []string{"b-other_l6", "b-morning_l5", "b-noon_l4", "b-noon_l3", "b-morning_l2", "b-morning_l1",
			"b-morning_h1"}
		for _, limit := range []int{1, 2, 3, 100} {
			if got := list(reservations.BookingFilter{}, limit); !slices.Equal(got, all) {
				t.Fatalf("pages of %d: %v, want %v", limit, got, all)
			}
		}
		for _, c := range []struct {
			f    reservations.BookingFilter
			want []string
		}{
			{reservations.BookingFilter{FamilyID: "f-1"}, []string{"b-other_l6", "b-noon_l3", "b-morning_l2", "b-morning_l1", "b-morning_h1"}},
			{reservations.BookingFilter{FamilyID: "f-1", Status: reservation.Confirmed}, []string{"b-other_l6", "b-noon_l3", "b-morning_l2", "b-morning_l1"}},
			{reservations.BookingFilter{Status: reservation.Cancelled}, []string{"b-morning_h1"}},
			{reservations.BookingFilter{RecipientID: "c-3"}, []string{"b-morning_l5", "b-noon_l4"}},
			{reservations.BookingFilter{SlotID: "b-noon"}, []string{"b-noon_l4", "b-noon_l3"}},
			{reservations.BookingFilter{ProviderID: "p-1", SlotID: "b-other"}, []string{"b-other_l6"}},
			{reservations.BookingFilter{ProviderID: "p-2"}, nil},
		} {
			if got := list(c.f, 2); !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		_, _, err := bookings.List(ctx, reservations.BookingFilter{}, page.Request{After: "nowhere", Limit: 2})
		if !fault.Is(err, page.ErrCursorInvalid) {
			t.Fatalf("unknown cursor: %v", err)
		}
	})

	t.Run("a slot's bookings, any status", func(t *testing.T) {
		got, err := bookings.OfSlot(ctx, "b-morning")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"b-morning_h1", "b-morning_l1", "b-morning_l2", "b-morning_l5"}; !slices.Equal(bookingIDs(got), want) {
			t.Fatalf("of slot %v, want %v", bookingIDs(got), want)
		}
	})

	t.Run("overlapping are the recipient's confirmed bookings crossing the range", func(t *testing.T) {
		for _, c := range []struct {
			recipient  string
			start, end time.Time
			want       []string
		}{
			// c-1: morning l1 (h1 is cancelled), other l6, both 01:00-02:00; noon l3 04:00-05:00.
			{"c-1", day, day.Add(24 * time.Hour), []string{"b-morning_l1", "b-other_l6", "b-noon_l3"}},
			{"c-1", day.Add(90 * time.Minute), day.Add(4 * time.Hour), []string{"b-morning_l1", "b-other_l6"}},
			{"c-1", day.Add(2 * time.Hour), day.Add(4 * time.Hour), nil}, // touching ends do not overlap
			{"c-1", day.Add(4*time.Hour + 59*time.Minute), day.Add(6 * time.Hour), []string{"b-noon_l3"}},
			{"c-3", day, day.Add(24 * time.Hour), []string{"b-morning_l5", "b-noon_l4"}},
			{"c-9", day, day.Add(24 * time.Hour), nil},
		} {
			got, err := bookings.Overlapping(ctx, c.recipient, c.start, c.end)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(bookingIDs(got), c.want) {
				t.Errorf("%s over %s-%s: %v, want %v", c.recipient, c.start.Format("15:04"), c.end.Format("15:04"),
					bookingIDs(got), c.want)
			}
		}
	})

	t.Run("concurrent cancellations: one wins", func(t *testing.T) {
		id := reservation.HoldID("b-noon", "l3")
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				_, err := bookings.Update(ctx, id, func(b *reservation.Booking) error {
					return b.Cancel(reservation.ByFamily, "u-f-1", "", now, fmt.Sprintf("ev-race-%d", i))
				})
				errs <- err
			}()
		}
		won := 0
		for range 8 {
			switch err := <-errs; {
			case err == nil:
				won++
			case !fault.Is(err, reservation.ErrAlreadyCancelled):
				t.Error(err)
			}
		}
		if won != 1 {
			t.Fatalf("%d cancellations won", won)
		}
		got, _ := bookings.Get(ctx, id)
		if n := len(got.Pending()); n != 2 { // confirmed and one cancellation
			t.Fatalf("%d events pending", n)
		}
	})
}
