package orders_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Invariant 3: of 200 caregivers accepting one order at once, exactly one
// wins; the other 199 are told it is taken; the stored order has one
// caregiver, the winner.
//
// On the embedded store it runs on the store as the server runs it:
// testenv.Mongo would also compare every one of the 200 reads of this
// order (200 offers) and its provider (200 staff) with FerretDB's own
// answer, a scan that made the test five times slower (214 s instead of
// 43 s under -race) and checks nothing the other suites do not. With
// MONGODB_URI it runs on MongoDB.
func TestTwoHundredCaregiversAcceptOneOrder(t *testing.T) {
	var store *mongo.Store
	if os.Getenv("MONGODB_URI") != "" {
		store = testenv.Mongo(t)
	} else {
		store = testenv.EmbeddedMongo(t, "kincare_accept")
	}
	ctx := context.Background()
	now := time.Now()
	svc := orders.NewService(orders.Deps{Orders: store.Orders(), Families: store.Families(),
		Providers: store.Providers(), Now: time.Now, NewID: newID})

	start := now.Add(48 * time.Hour).Truncate(time.Minute)
	o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: "fam",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, InclusiveFen: 12000, DueFen: 12000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104",
			Location: geo.Point{Lat: 31.1883, Lng: 121.4365}},
	}, newID(), now)
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			t.Fatalf("%v %+v", err, fe.Fields)
		}
		t.Fatal(err)
	}
	dispatcher := order.ByProvider("dispatcher")
	if err := o.Dispatch(dispatcher, newID(), now); err != nil {
		t.Fatal(err)
	}
	const n = 200
	// They all work for the provider: only its current caregivers may
	// take its orders.
	prov := &provider.Provider{ID: "prov", Admins: []string{"dispatcher"}, Status: provider.Verified,
		Credit: provider.CreditNormal, Profile: provider.Profile{LegalName: "幸福里", TimeZone: "Asia/Shanghai"}}
	for i := range n {
		prov.Staff = append(prov.Staff, provider.Staff{UserID: fmt.Sprintf("cg-%03d", i), Role: provider.StaffCaregiver})
	}
	if err := store.Providers().Create(ctx, prov); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := o.Offer(dispatcher, fmt.Sprintf("cg-%03d", i), now.Add(10*time.Minute), newID(), now); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Orders().Create(ctx, o); err != nil {
		t.Fatal(err)
	}

	var won, taken atomic.Int32
	var winner atomic.Value
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			me := fmt.Sprintf("cg-%03d", i)
			_, err := svc.Accept(ctx, actor.Actor{UserID: me, Roles: identity.NewRoles(identity.RoleCaregiver)}, o.ID())
			switch {
			case err == nil:
				won.Add(1)
				winner.Store(me)
			case fault.Is(err, order.ErrAlreadyAccepted):
				taken.Add(1)
			default:
				t.Errorf("%s: %v", me, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	if won.Load() != 1 || taken.Load() != n-1 {
		t.Fatalf("%d won, %d told it was taken; want 1 and %d", won.Load(), taken.Load(), n-1)
	}
	stored, _, err := store.Orders().Get(ctx, o.ID())
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status() != order.StatusAccepted || stored.CaregiverID() != winner.Load() {
		t.Fatalf("stored order is %s with caregiver %q; the winner was %v", stored.Status(), stored.CaregiverID(), winner.Load())
	}
	accepted := 0
	for _, f := range stored.Offers() {
		if !f.AcceptedAt.IsZero() {
			accepted++
		}
	}
	if accepted != 1 {
		t.Fatalf("%d offers marked accepted", accepted)
	}

	// Someone who does not work there is told it does not exist.
	_, err = svc.Accept(ctx, actor.Actor{UserID: "stranger"}, o.ID())
	if !fault.Is(err, order.ErrNotFound) {
		t.Fatalf("a stranger accepting: %v", err)
	}
}

// An order nobody accepted expires at its window start, once, however
// many sweeps run.
func TestUnacceptedOrdersExpireAtTheirStart(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now()
	clock := now
	svc := orders.NewService(orders.Deps{Orders: store.Orders(), Families: store.Families(),
		Providers: store.Providers(), Now: func() time.Time { return clock }, NewID: newID})
	start := now.Add(time.Hour).Truncate(time.Minute)
	o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: "fam",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, DueFen: 15000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104",
			Location: geo.Point{Lat: 31.1883, Lng: 121.4365}},
	}, newID(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Orders().Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	if res, err := svc.Sweep(ctx); err != nil || res.Expired != 0 {
		t.Fatalf("before the start: %+v, %v", res, err)
	}
	clock = start.Add(time.Minute)
	for i := range 2 {
		res, err := svc.Sweep(ctx)
		if err != nil || res.Expired != 1-i {
			t.Fatalf("sweep %d: %+v, %v", i, res, err)
		}
	}
	got, _, _ := store.Orders().Get(ctx, o.ID())
	if got.Status() != order.StatusExpired {
		t.Fatalf("status %s, want expired", got.Status())
	}
}
