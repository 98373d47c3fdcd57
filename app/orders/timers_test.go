package orders_test

import (
	"context"
	"testing"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

// An offer round nobody answered goes to the next nearest caregiver;
// when nobody is left, the order goes back to the provider's staff.
func TestLapsedOffersGoToTheNextCaregiverThenBackToTheOffice(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now()
	clock := now
	svc := orders.NewService(orders.Deps{Orders: store.Orders(), Families: store.Families(),
		Providers: store.Providers(), Now: func() time.Time { return clock }, NewID: newID,
		OfferTTL: 5 * time.Minute, OffersPerRound: 1})

	home := geo.Point{Lat: 31.1883, Lng: 121.4365}
	var hours []provider.Hours
	for d := 1; d <= 7; d++ {
		hours = append(hours, provider.Hours{Weekday: d, Open: "00:00", Close: "23:59"})
	}
	valid := calendar.Today(now.AddDate(2, 0, 0), time.UTC)
	bather := func(metresNorth float64) *provider.Caregiver {
		return &provider.Caregiver{Active: true, Skills: []service.Type{service.Bathing}, WeeklyHours: hours,
			HomeBase:     geo.Point{Lat: home.Lat + metresNorth/111_195, Lng: home.Lng},
			Certificates: []provider.Certificate{{Kind: provider.ElderlyCareWorker, Number: "N", ExpiresOn: valid}}}
	}
	p := &provider.Provider{ID: "prov", Admins: []string{"boss"}, Status: provider.Verified, Credit: provider.CreditNormal,
		Profile: provider.Profile{LegalName: "幸福里", TimeZone: "Asia/Shanghai", Hours: hours,
			Area: provider.Area{RadiusKM: 5}, Address: geo.Address{Location: home}},
		Staff: []provider.Staff{
			{UserID: "near", Role: provider.StaffCaregiver, Caregiver: bather(300)},
			{UserID: "far", Role: provider.StaffCaregiver, Caregiver: bather(2000)},
		}}
	if err := store.Providers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Tomorrow 10:00 in Shanghai: inside the caregivers' 00:00–23:59 hours
	// whatever the hour the test runs (now+3h crossed Shanghai's midnight
	// when run between 12:00 and 13:00 UTC, and nobody was available).
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := now.In(shanghai).AddDate(0, 0, 1).Date()
	start := time.Date(y, m, d, 10, 0, 0, 0, shanghai)
	o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: "fam",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, DueFen: 15000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104", Location: home},
	}, newID(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Orders().Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Dispatch(ctx, actor.Actor{UserID: "boss"}, o.ID(), orders.DispatchCommand{}); err != nil {
		t.Fatal(err)
	}
	offeredTo := func() []string {
		got, _, _ := store.Orders().Get(ctx, o.ID())
		var ids []string
		for _, f := range got.Offers() {
			ids = append(ids, f.CaregiverID)
		}
		return ids
	}
	if ids := offeredTo(); len(ids) != 1 || ids[0] != "near" {
		t.Fatalf("first round offered to %v, want [near]", ids)
	}
	clock = now.Add(6 * time.Minute) // the nearest did not answer
	if res, err := svc.Sweep(ctx); err != nil || res.Redispatched != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	if ids := offeredTo(); len(ids) != 2 || ids[1] != "far" {
		t.Fatalf("second round offered to %v, want [near far]", ids)
	}
	clock = now.Add(12 * time.Minute) // nor did the next
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, _ := store.Orders().Get(ctx, o.ID())
	if got.Status() != order.StatusDispatching {
		t.Fatalf("with nobody left the order is %s, want dispatching (back to the office)", got.Status())
	}
}
