package reservation_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/reservation"
)

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	// The Friday before, when parents book.
	t0 = time.Date(2026, 11, 20, 21, 30, 0, 0, shanghai)
	// The slot: Monday morning care, 08:00–12:00 in Shanghai.
	morning    = time.Date(2026, 11, 23, 8, 0, 0, 0, shanghai)
	morningEnd = time.Date(2026, 11, 23, 12, 0, 0, 0, shanghai)
)

const slotID = "sunshine-half-day-202611230800"

// draft is a morning at a nursery with three places, one of them 普惠.
func draft() reservation.Draft {
	return reservation.Draft{
		ID:         slotID,
		Resource:   reservation.Resource{Kind: "childcare_offering", ID: "half-day"},
		ProviderID: "sunshine",
		Window:     reservation.Window{Start: morning, End: morningEnd, TimeZone: "Asia/Shanghai"},
		Capacity:   reservation.Capacity{Total: 3, InclusiveQuota: 1},
	}
}

func newSlot(t *testing.T, c reservation.Capacity) *reservation.Slot {
	t.Helper()
	d := draft()
	d.Capacity = c
	s, err := reservation.New(d, t0)
	must(t, err)
	return s
}

// seat is what confirming hold h of a parent of the Wang family asks for.
func seat(h string, tier reservation.Tier) reservation.Seat {
	return reservation.Seat{HoldID: reservation.HoldID(slotID, h), Tier: tier, BookedBy: "mum-" + h,
		FamilyID: "wang", RecipientID: "lele", PriceFen: 18000}
}

var ids int

// eid is a fresh event id, as the app would pass.
func eid() string {
	ids++
	return fmt.Sprintf("e%d", ids)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func param(err error, key string) any {
	if fe, ok := fault.As(err); ok {
		return fe.Params[key]
	}
	return nil
}

func TestACapacityMustBeBetweenOneAndFiveHundredWithAQuotaThatFits(t *testing.T) {
	for _, c := range []struct {
		name  string
		c     reservation.Capacity
		field string // "" when valid
	}{
		{"a single place", reservation.Capacity{Total: 1}, ""},
		{"every place 普惠", reservation.Capacity{Total: 3, InclusiveQuota: 3}, ""},
		{"a canteen's lunch sitting", reservation.Capacity{Total: reservation.MaxCapacity, InclusiveQuota: 100}, ""},
		{"no places", reservation.Capacity{Total: 0}, "/capacity"},
		{"negative places", reservation.Capacity{Total: -1}, "/capacity"},
		{"more than a document holds", reservation.Capacity{Total: reservation.MaxCapacity + 1}, "/capacity"},
		{"a quota above the total", reservation.Capacity{Total: 3, InclusiveQuota: 4}, "/inclusiveQuota"},
		{"a negative quota", reservation.Capacity{Total: 3, InclusiveQuota: -1}, "/inclusiveQuota"},
	} {
		err := c.c.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !fault.Is(err, reservation.ErrCapacityInvalid) {
			t.Errorf("%s: err = %v, want capacity_invalid", c.name, err)
			continue
		}
		if got := faulttest.Fields(err)[c.field]; got != "range" {
			t.Errorf("%s: %s = %q (all: %v)", c.name, c.field, got, faulttest.Fields(err))
		}
	}
	// Both wrongs are named at once.
	if f := faulttest.Fields(reservation.Capacity{Total: 0, InclusiveQuota: 2}.Validate()); f["/capacity"] != "range" || f["/inclusiveQuota"] != "range" {
		t.Fatalf("fields %v", f)
	}
}

func TestTheQuotaIsCarvedOutOfTheTotal(t *testing.T) {
	for _, c := range []struct {
		c                 reservation.Capacity
		market, inclusive int
	}{
		{reservation.Capacity{Total: 3, InclusiveQuota: 1}, 2, 1},
		{reservation.Capacity{Total: 3}, 3, 0},
		{reservation.Capacity{Total: 3, InclusiveQuota: 3}, 0, 3},
		{reservation.Capacity{Total: 500, InclusiveQuota: 120}, 380, 120},
	} {
		if m, i := c.c.Pool(reservation.Market), c.c.Pool(reservation.Inclusive); m != c.market || i != c.inclusive {
			t.Errorf("%+v: market %d inclusive %d, want %d and %d", c.c, m, i, c.market, c.inclusive)
		}
	}
}

func TestANewSlotTakesTheDefaultRulesAndKeepsTimesInUTC(t *testing.T) {
	s, err := reservation.New(draft(), t0)
	must(t, err)
	r := s.Rules()
	if r.HoldTTL != 10*time.Minute || r.MaxHoldsPerUser != 2 {
		t.Fatalf("rules %+v, want a 10-minute hold and 2 holds a user", r)
	}
	if !r.HoldsCloseAt.Equal(morning) || r.HoldsCloseAt.Location() != time.UTC {
		t.Fatalf("holds close at %v, want when the morning starts, in UTC", r.HoldsCloseAt)
	}
	w := s.Window()
	if w.Start.Format(time.RFC3339) != "2026-11-23T00:00:00Z" || w.End.Format(time.RFC3339) != "2026-11-23T04:00:00Z" ||
		w.TimeZone != "Asia/Shanghai" {
		t.Fatalf("window %+v", w)
	}
	if !s.CreatedAt().Equal(t0) || s.CreatedAt().Location() != time.UTC {
		t.Fatalf("created at %v", s.CreatedAt())
	}
	if s.ID() != slotID || s.ProviderID() != "sunshine" || s.Resource() != (reservation.Resource{Kind: "childcare_offering", ID: "half-day"}) {
		t.Fatalf("slot %s of %s: %+v", s.ID(), s.ProviderID(), s.Resource())
	}
	if len(s.Seats()) != 0 || len(s.Waitlist()) != 0 || len(s.Promotions(t0)) != 0 || len(s.Pending()) != 0 {
		t.Fatal("a new slot is not empty")
	}

	// Rules the resource sets are kept.
	d := draft()
	monthEnd := time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)
	d.Rules = reservation.Rules{HoldTTL: 30 * time.Minute, MaxHoldsPerUser: 3, HoldsCloseAt: monthEnd}
	s, err = reservation.New(d, t0)
	must(t, err)
	if r := s.Rules(); r.HoldTTL != 30*time.Minute || r.MaxHoldsPerUser != 3 || !r.HoldsCloseAt.Equal(monthEnd) ||
		r.HoldsCloseAt.Location() != time.UTC {
		t.Fatalf("rules %+v", r)
	}
}

func TestNewRefusesASlotThatCannotExist(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*reservation.Draft)
		want *fault.Error
	}{
		{"no id", func(d *reservation.Draft) { d.ID = "" }, reservation.ErrWindowInvalid},
		{"no resource id", func(d *reservation.Draft) { d.Resource.ID = "" }, reservation.ErrWindowInvalid},
		{"no resource kind", func(d *reservation.Draft) { d.Resource.Kind = "" }, reservation.ErrWindowInvalid},
		{"no provider", func(d *reservation.Draft) { d.ProviderID = "" }, reservation.ErrWindowInvalid},
		{"ends when it starts", func(d *reservation.Draft) { d.Window.End = d.Window.Start }, reservation.ErrWindowInvalid},
		{"ends before it starts", func(d *reservation.Draft) { d.Window.End = d.Window.Start.Add(-time.Hour) }, reservation.ErrWindowInvalid},
		{"no zone", func(d *reservation.Draft) { d.Window.TimeZone = "" }, reservation.ErrWindowInvalid},
		{"no places", func(d *reservation.Draft) { d.Capacity = reservation.Capacity{} }, reservation.ErrCapacityInvalid},
		{"quota above total", func(d *reservation.Draft) { d.Capacity = reservation.Capacity{Total: 2, InclusiveQuota: 3} }, reservation.ErrCapacityInvalid},
		{"too many places", func(d *reservation.Draft) { d.Capacity = reservation.Capacity{Total: 501} }, reservation.ErrCapacityInvalid},
	} {
		d := draft()
		c.edit(&d)
		s, err := reservation.New(d, t0)
		if !fault.Is(err, c.want) || s != nil {
			t.Errorf("%s: slot %v, err %v, want %s", c.name, s, err, c.want.Code)
		}
	}
}

func TestAFullInclusivePoolRefusesTheNextInclusiveSeat(t *testing.T) {
	// Three places, one 普惠: two market seats and one inclusive seat fit,
	// whatever order they come in, and nothing more.
	type step struct {
		hold string
		tier reservation.Tier
		full bool
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"market first", []step{
			{"a", reservation.Market, false}, {"b", reservation.Market, false},
			{"c", reservation.Market, true}, // market demand cannot take the 普惠 place
			{"d", reservation.Inclusive, false},
			{"e", reservation.Inclusive, true}, {"f", reservation.Market, true},
		}},
		{"inclusive first", []step{
			{"a", reservation.Inclusive, false},
			{"b", reservation.Inclusive, true}, // nor 普惠 demand a market place
			{"c", reservation.Market, false}, {"d", reservation.Market, false},
			{"e", reservation.Market, true},
		}},
	} {
		s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
		for _, st := range c.steps {
			got, fresh, err := s.Confirm(seat(st.hold, st.tier), morning.Add(-time.Hour))
			if !st.full {
				if err != nil || !fresh || got.HoldID != reservation.HoldID(slotID, st.hold) || got.Tier != st.tier {
					t.Fatalf("%s: %s seat %s: %+v %v %v", c.name, st.tier, st.hold, got, fresh, err)
				}
				continue
			}
			if !fault.Is(err, reservation.ErrSlotFull) || fresh || got != (reservation.Seat{}) {
				t.Fatalf("%s: %s seat %s: %+v %v %v, want slot_full", c.name, st.tier, st.hold, got, fresh, err)
			}
			if param(err, "tier") != string(st.tier) {
				t.Errorf("%s: slot_full names tier %v, want %s", c.name, param(err, "tier"), st.tier)
			}
		}
		if s.Confirmed(reservation.Market) != 2 || s.Confirmed(reservation.Inclusive) != 1 || len(s.Seats()) != 3 {
			t.Fatalf("%s: %d market, %d inclusive, %d seats", c.name, s.Confirmed(reservation.Market),
				s.Confirmed(reservation.Inclusive), len(s.Seats()))
		}
	}
}

func TestConfirmingTheSameHoldAgainFindsItsSeat(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 1})
	at := morning.Add(-2 * time.Hour)
	first, fresh, err := s.Confirm(seat("a", reservation.Market), at)
	if err != nil || !fresh {
		t.Fatalf("first confirmation: %v %v", fresh, err)
	}
	if !first.At.Equal(at) || first.At.Location() != time.UTC {
		t.Fatalf("seat at %v, want %v in UTC", first.At, at)
	}
	// A retry after the slot filled, a minute later, with the request
	// changed: the seat already made answers, untouched.
	retry := seat("a", reservation.Market)
	retry.BookedBy, retry.PriceFen = "dad", 1
	again, fresh, err := s.Confirm(retry, at.Add(time.Minute))
	if err != nil || fresh || again != first {
		t.Fatalf("retry: %+v %v %v, want %+v false nil", again, fresh, err, first)
	}
	if len(s.Seats()) != 1 {
		t.Fatalf("%d seats after a retry", len(s.Seats()))
	}
	if got, ok := s.Seat(reservation.HoldID(slotID, "a")); !ok || got != first {
		t.Fatalf("Seat = %+v %v", got, ok)
	}
	if _, ok := s.Seat(reservation.HoldID(slotID, "b")); ok {
		t.Fatal("a hold never confirmed has a seat")
	}
}

func TestConfirmNeedsAHoldAndWhoBooks(t *testing.T) {
	for name, st := range map[string]reservation.Seat{
		"no hold":   {Tier: reservation.Market, BookedBy: "mum"},
		"no booker": {HoldID: reservation.HoldID(slotID, "a"), Tier: reservation.Market},
	} {
		s := newSlot(t, reservation.Capacity{Total: 3})
		if _, _, err := s.Confirm(st, t0); !fault.Is(err, reservation.ErrHoldNotFound) || len(s.Seats()) != 0 {
			t.Errorf("%s: %v, %d seats", name, err, len(s.Seats()))
		}
	}
}

func TestReleasingASeatGivesItsPlaceBack(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3, InclusiveQuota: 1})
	for _, h := range []string{"a", "b"} {
		_, _, err := s.Confirm(seat(h, reservation.Market), t0)
		must(t, err)
	}
	_, _, err := s.Confirm(seat("c", reservation.Market), t0)
	faulttest.Is(t, err, reservation.ErrSlotFull)

	got, ok := s.Release(reservation.HoldID(slotID, "a"))
	if !ok || got.HoldID != reservation.HoldID(slotID, "a") || got.BookedBy != "mum-a" {
		t.Fatalf("release: %+v %v", got, ok)
	}
	if _, ok := s.Release(reservation.HoldID(slotID, "a")); ok {
		t.Fatal("a seat released twice")
	}
	if _, ok := s.Release(reservation.HoldID(slotID, "never")); ok {
		t.Fatal("released a seat nobody had")
	}
	if s.Confirmed(reservation.Market) != 1 {
		t.Fatalf("%d market seats after a release", s.Confirmed(reservation.Market))
	}
	if _, fresh, err := s.Confirm(seat("c", reservation.Market), t0); err != nil || !fresh {
		t.Fatalf("the freed place: %v %v", fresh, err)
	}
}

func TestCapacityGrowsAnyTimeAndShrinksOnlyToWhatIsSeated(t *testing.T) {
	// Five places, two 普惠; seated: two market and one 普惠.
	start := reservation.Capacity{Total: 5, InclusiveQuota: 2}
	for _, c := range []struct {
		name string
		c    reservation.Capacity
		want *fault.Error
		tier reservation.Tier
	}{
		{"grow", reservation.Capacity{Total: 40, InclusiveQuota: 10}, nil, ""},
		{"grow the market only", reservation.Capacity{Total: 6, InclusiveQuota: 2}, nil, ""},
		{"shrink to exactly what is seated", reservation.Capacity{Total: 3, InclusiveQuota: 1}, nil, ""},
		{"take the market seated to 普惠", reservation.Capacity{Total: 5, InclusiveQuota: 4}, reservation.ErrBelowConfirmed, reservation.Market},
		{"shrink the market under its seats", reservation.Capacity{Total: 2, InclusiveQuota: 1}, reservation.ErrBelowConfirmed, reservation.Market},
		{"drop the quota under its seat", reservation.Capacity{Total: 5, InclusiveQuota: 0}, reservation.ErrBelowConfirmed, reservation.Inclusive},
		{"a capacity that cannot exist", reservation.Capacity{Total: 0}, reservation.ErrCapacityInvalid, ""},
		{"a quota above the total", reservation.Capacity{Total: 3, InclusiveQuota: 4}, reservation.ErrCapacityInvalid, ""},
	} {
		s := newSlot(t, start)
		for _, st := range []reservation.Seat{seat("a", reservation.Market), seat("b", reservation.Market), seat("c", reservation.Inclusive)} {
			_, _, err := s.Confirm(st, t0)
			must(t, err)
		}
		err := s.SetCapacity(c.c)
		if c.want == nil {
			if err != nil || s.Capacity() != c.c {
				t.Errorf("%s: %v, capacity %+v", c.name, err, s.Capacity())
			}
			continue
		}
		if !fault.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.want.Code)
			continue
		}
		if s.Capacity() != start {
			t.Errorf("%s: a refused capacity was kept: %+v", c.name, s.Capacity())
		}
		if c.tier != "" {
			if param(err, "tier") != string(c.tier) || param(err, "confirmed") != s.Confirmed(c.tier) {
				t.Errorf("%s: params tier %v confirmed %v, want %s %d", c.name, param(err, "tier"),
					param(err, "confirmed"), c.tier, s.Confirmed(c.tier))
			}
		}
	}
}

func TestHoldsCloseWhenTheMorningStarts(t *testing.T) {
	s := newSlot(t, reservation.Capacity{Total: 3})
	for _, c := range []struct {
		at   time.Time
		open bool
	}{
		{t0, true},
		{morning.Add(-time.Second), true},
		{morning, false},
		{morning.Add(time.Hour), false},
	} {
		if got := s.OpenForHolds(c.at); got != c.open {
			t.Errorf("open at %v: %v, want %v", c.at, got, c.open)
		}
	}
}

func TestStartLocalIsThePage(t *testing.T) {
	for _, c := range []struct {
		start time.Time
		zone  string
		want  string
	}{
		{morning, "Asia/Shanghai", "2026-11-23 08:00"},
		// 16:30 UTC is already the next day in Shanghai.
		{time.Date(2026, 11, 22, 16, 30, 0, 0, time.UTC), "Asia/Shanghai", "2026-11-23 00:30"},
		{morning, "UTC", "2026-11-23 00:00"},
		// A zone nobody knows reads as UTC rather than failing a page.
		{morning, "Mars/Olympus", "2026-11-23 00:00"},
	} {
		w := reservation.Window{Start: c.start, End: c.start.Add(time.Hour), TimeZone: c.zone}
		if got := w.StartLocal(); got != c.want {
			t.Errorf("%v in %s: %q, want %q", c.start, c.zone, got, c.want)
		}
	}
}

func TestASnapshotRebuildsTheSameSlot(t *testing.T) {
	d := draft()
	d.Capacity = reservation.Capacity{Total: 1, InclusiveQuota: 1}
	s, err := reservation.New(d, t0)
	must(t, err)
	_, _, err = s.Confirm(seat("a", reservation.Inclusive), t0)
	must(t, err)
	for _, u := range []string{"mum-b", "mum-c"} {
		_, _, err := s.Join(reservation.Waiter{UserID: u, FamilyID: "li", Tier: reservation.Inclusive}, t0)
		must(t, err)
	}
	s.Promote(reservation.Promotion{HoldID: reservation.HoldID(slotID, "wb"), UserID: "mum-b", FamilyID: "li",
		Tier: reservation.Inclusive, ExpiresAt: t0.Add(10 * time.Minute)}, t0, eid())

	snap := s.Snapshot()
	if len(snap.Seats) != 1 || len(snap.Waitlist) != 1 || len(snap.Promotions) != 1 || len(snap.Pending) != 1 {
		t.Fatalf("snapshot %+v", snap)
	}
	back := reservation.UnmarshalSlot(snap)
	if !reflect.DeepEqual(back.Snapshot(), snap) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back.Snapshot(), snap)
	}
	// The snapshot is a copy: editing it does not edit the slot.
	snap.Seats[0].FamilyID = "mallory"
	snap.Waitlist[0].UserID = "mallory"
	snap.Promotions[0].UserID = "mallory"
	if back.Seats()[0].FamilyID != "wang" || back.Waitlist()[0].UserID != "mum-c" ||
		back.Promotions(t0)[0].UserID != "mum-b" {
		t.Fatal("the slot shares memory with its snapshot")
	}
	// A rebuilt slot keeps its rules: the full 普惠 pool stays full.
	if _, _, err := back.Confirm(seat("d", reservation.Inclusive), t0); !fault.Is(err, reservation.ErrSlotFull) {
		t.Fatalf("rebuilt slot: %v", err)
	}
}

func TestAHoldIdNamesItsSlot(t *testing.T) {
	if id := reservation.HoldID("s1", "h1"); id != "s1_h1" {
		t.Fatalf("HoldID = %q", id)
	}
	for _, c := range []struct {
		holdID string
		slot   string
		ok     bool
	}{
		{reservation.HoldID(slotID, "h1"), slotID, true},
		{"s1_h1", "s1", true},
		{"s1", "", false},    // no hold part
		{"_h1", "", false},   // no slot
		{"s1_", "", false},   // no hold part after the separator
		{"a_b_c", "", false}, // a slot id cannot hold the separator
		{"", "", false},
	} {
		slot, ok := reservation.SlotOf(c.holdID)
		if slot != c.slot || ok != c.ok {
			t.Errorf("SlotOf(%q) = %q %v, want %q %v", c.holdID, slot, ok, c.slot, c.ok)
		}
	}
	for id, want := range map[string]bool{slotID: true, "s1": true, "": false, "s_1": false, "_": false} {
		if reservation.ValidSlotID(id) != want {
			t.Errorf("ValidSlotID(%q) = %v", id, !want)
		}
	}
}

func TestParseTierReadsEmptyAsMarket(t *testing.T) {
	for _, c := range []struct {
		in   string
		want reservation.Tier
		ok   bool
	}{
		{"", reservation.Market, true},
		{"market", reservation.Market, true},
		{"inclusive", reservation.Inclusive, true},
		{"Inclusive", "", false},
		{"普惠", "", false},
		{"vip", "", false},
	} {
		got, err := reservation.ParseTier(c.in)
		if c.ok {
			if err != nil || got != c.want {
				t.Errorf("ParseTier(%q) = %q %v", c.in, got, err)
			}
			continue
		}
		if !fault.Is(err, reservation.ErrTierInvalid) || got != "" || faulttest.Fields(err)["/tier"] != "enum" {
			t.Errorf("ParseTier(%q) = %q %v, want tier_invalid on /tier", c.in, got, err)
		}
	}
}

func TestASeatOfNoKnownTierIsRefused(t *testing.T) {
	sl := newSlotForTierTest(t)
	if _, _, err := sl.Confirm(reservation.Seat{HoldID: "s_1", BookedBy: "u"}, time.Now()); !fault.Is(err, reservation.ErrTierInvalid) {
		t.Fatalf("a seat without a tier: %v, want tier_invalid", err)
	}
}

func newSlotForTierTest(t *testing.T) *reservation.Slot {
	t.Helper()
	start := time.Now().Add(time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "s", Resource: reservation.Resource{Kind: "k", ID: "r"}, ProviderID: "p",
		Window:   reservation.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 3, InclusiveQuota: 1}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return sl
}
