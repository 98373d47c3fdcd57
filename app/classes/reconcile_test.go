package classes_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/classes"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// TestTheReconcilerSettlesPaidSeatsACrashLeftHeld: five paid seats of
// one session, each with its price reserved, each left by a different
// crash:
//   - orphan: reserved, and the process died before the seat was taken;
//   - seated: the seat taken, its booking's write lost (the engine's
//     reconciler writes it; the amount stays held);
//   - cancelled: the booking cancelled, its release lost;
//   - attended: attendance recorded, its commit lost;
//   - booked: confirmed, nothing to settle yet.
//
// Before OrphanAfter the reconciler settles what is certain and leaves
// the orphan (it may be a confirmation on its way); after it, the orphan
// is released. A second run changes nothing.
func TestTheReconcilerSettlesPaidSeatsACrashLeftHeld(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	c := testenv.NewClock(time.Now().Truncate(time.Second))
	led := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(), Now: c.Now})
	svc := classes.NewService(classes.Deps{Courses: store.Courses(), Sessions: store.ClassSessions(), Slots: store.Slots(),
		Bookings: store.Bookings(), Ledger: led, Now: c.Now, NewID: newID})

	const price = 6600
	crs, err := course.New(course.Course{ID: newID(), ProviderID: "org", Title: course.Text{ZhCN: "辅食添加"},
		Description: course.Text{ZhCN: "说明"}, Topics: []course.Topic{"feeding"},
		Audience: course.Audience{Kind: course.Parents, MaxMonths: 12}, Format: course.Offline,
		Venue:   &geo.Address{City: "上海市", Street: "南京西路 1 号", RegionCode: "310106", Location: geo.Point{Lat: 31.23, Lng: 121.47}},
		Speaker: course.Speaker{Name: "李医生"}, Seats: 10, PriceFen: price}, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Courses().Create(ctx, crs); err != nil {
		t.Fatal(err)
	}
	start := c.Now().Add(48 * time.Hour)
	id := newID()
	sess, err := course.NewSession(crs, id, start, start.Add(time.Hour), "Asia/Shanghai", "", "123456", c.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ClassSessions().Create(ctx, sess); err != nil {
		t.Fatal(err)
	}
	sl, err := reservation.New(reservation.Draft{ID: id, Resource: reservation.Resource{Kind: reservation.ClassSession, ID: id},
		ProviderID: "org", Window: reservation.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 10}, Rules: reservation.Rules{OneSeatPerUser: true, MaxHoldsPerUser: 1,
			HoldTTL: 10 * time.Minute, HoldsCloseAt: start.Add(-time.Hour)}}, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Slots().CreateMany(ctx, []*reservation.Slot{sl}); err != nil {
		t.Fatal(err)
	}

	seat := map[string]string{}
	for _, who := range []string{"orphan", "seated", "cancelled", "attended", "booked"} {
		hold := reservation.HoldID(id, who)
		seat[who] = hold
		open := ledger.Opening{ID: "class:" + hold, Holder: who, Source: "org", Unit: ledger.Fen,
			Period: ledger.Month(start, time.UTC), Amount: price}
		if _, err := led.Reserve(ctx, open, ledger.Posting{Ref: "class-booking:" + hold, Amount: price, By: who}); err != nil {
			t.Fatal(err)
		}
		if who == "orphan" {
			continue
		}
		st := reservation.Seat{HoldID: hold, Tier: reservation.Market, BookedBy: who, RecipientID: who, PriceFen: price}
		got, _, err := store.Slots().Update(ctx, id, func(sl *reservation.Slot) error {
			_, _, err := sl.Confirm(st, c.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if who == "seated" {
			continue
		}
		taken, _ := got.Seat(hold)
		b := reservation.NewBooking(got, taken, newID())
		if _, err := store.Bookings().Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		switch who {
		case "cancelled":
			if _, err := store.Bookings().Update(ctx, hold, func(b *reservation.Booking) error {
				return b.Cancel(reservation.ByFamily, who, "", c.Now(), newID())
			}); err != nil {
				t.Fatal(err)
			}
		case "attended":
			if _, err := store.ClassSessions().Update(ctx, id, func(s *course.Session) error {
				return s.Mark(hold, who, true, "staff", start, start)
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	status := func(who string) string {
		t.Helper()
		a, err := led.Balance(ctx, ledger.Opening{ID: "class:" + seat[who]})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case a.Held() == price && a.Committed() == 0:
			return "held"
		case a.Held() == 0 && a.Committed() == price:
			return "committed"
		case a.Held() == 0 && a.Committed() == 0 && a.Seq() == 2:
			return "released"
		}
		t.Fatalf("%s: held %d committed %d after %d entries", who, a.Held(), a.Committed(), a.Seq())
		return ""
	}
	want := func(states map[string]string) {
		t.Helper()
		for who, st := range states {
			if got := status(who); got != st {
				t.Errorf("%s is %s, want %s", who, got, st)
			}
		}
	}

	// The ledger's own Holding waits its grace before it lists a hold.
	c.Add(2 * time.Minute)
	r, err := svc.ReconcileLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Settled != 2 || r.Orphans != 0 {
		t.Errorf("first run: %+v, want 2 settled and the young orphan left", r)
	}
	want(map[string]string{"orphan": "held", "seated": "held", "cancelled": "released", "attended": "committed", "booked": "held"})

	c.Add(classes.OrphanAfter)
	if r, err = svc.ReconcileLedger(ctx); err != nil {
		t.Fatal(err)
	}
	if r.Orphans != 1 || r.Settled != 0 {
		t.Errorf("second run: %+v, want the orphan released", r)
	}
	want(map[string]string{"orphan": "released", "seated": "held", "cancelled": "released", "attended": "committed", "booked": "held"})

	if r, err = svc.ReconcileLedger(ctx); err != nil || r.Orphans+r.Settled != 0 {
		t.Errorf("third run: %+v %v, want nothing to do", r, err)
	}
}
