package visits_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/visit"
	"github.com/kincare/kincare/test/testenv"
)

// TestAVisitIsCreditedOnceWhateverAsks: a volunteer's verified visit,
// its credit asked by 50 goroutines at once, each retrying, while the
// watch's repair pass runs too, on the embedded store: one ledger entry,
// the visit's minutes, and the visit marked credited. An unverified
// visit is refused.
func TestAVisitIsCreditedOnceWhateverAsks(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	clock := testenv.NewClock(time.Now().UTC())
	led := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(),
		Now: clock.Now})
	svc := visits.NewService(visits.Deps{Cares: store.Cares(), Visits: store.Visits(), Volunteers: store.Volunteers(),
		Ledger: led, Now: clock.Now, NewID: func() string { return uuid.NewString() }})

	volunteer := "vol-" + uuid.NewString()
	v, err := visit.NewVolunteer(volunteer, "赵志愿", "station-1", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify("office", uuid.NewString(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.Volunteers().Create(ctx, v); err != nil {
		t.Fatal(err)
	}
	home := geo.Point{Lat: 31.1883, Lng: 121.4365}
	care := &visit.Care{ElderID: "elder-" + uuid.NewString(), FamilyID: "f", TimeZone: "Asia/Shanghai",
		RegionCode: "310104", StationID: "station-1", Visitor: &visit.Assignment{UserID: volunteer, Kind: visit.ByVolunteer}}
	made := func(point geo.Point, reason string) *visit.Visit {
		t.Helper()
		now := clock.Now()
		vs := visit.Start(uuid.NewString(), care, visit.InPerson, now)
		if err := vs.CheckInAt(home, visit.Report{Point: point, DeviceTime: now.Add(-42 * time.Minute), Reason: reason},
			care.Location(), now); err != nil {
			t.Fatal(err)
		}
		if err := vs.CheckOutAt(visit.Report{Point: home, DeviceTime: now}, now); err != nil {
			t.Fatal(err)
		}
		if err := vs.Complete(visit.Assessment{Living: visit.LivingGood, Mood: visit.MoodGood}, nil, uuid.NewString(), now); err != nil {
			t.Fatal(err)
		}
		if err := store.Visits().Create(ctx, vs); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	verified := made(home, "")
	me := actor.Actor{UserID: volunteer}

	var wg sync.WaitGroup
	seqs := make(chan int64, 200)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 { // a phone retrying after a lost answer
				e, err := svc.CreditVisit(ctx, me, verified.ID)
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- e.Seq
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := svc.Watch(ctx); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	close(seqs)
	for s := range seqs {
		if s != 1 {
			t.Fatalf("a credit answered entry %d, want the one entry 1", s)
		}
	}
	st, err := svc.TimeBank(ctx, me, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if st.Account.Available() != 42 || len(st.Entries) != 1 || st.Entries[0].Ref != visit.CreditRef(verified.ID) {
		t.Fatalf("the time bank: %d minutes, entries %+v; want one entry of 42", st.Account.Available(), st.Entries)
	}
	if got, err := store.Visits().Get(ctx, verified.ID); err != nil || got.Credited != 42 {
		t.Fatalf("the visit's credit: %v %v", got, err)
	}
	if r, err := svc.Watch(ctx); err != nil || r.Credited != 0 {
		t.Fatalf("a repair pass after: %+v %v", r, err)
	}

	away := made(geo.Point{Lat: home.Lat + 0.005, Lng: home.Lng}, "门禁进不去")
	if _, err := svc.CreditVisit(ctx, me, away.ID); !fault.Is(err, visit.ErrNotVerified) {
		t.Fatalf("crediting a visit away from the door: %v, want visit_not_verified", err)
	}
}
