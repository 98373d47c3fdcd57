package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

// A page of orders read as the shipped server reads it on the embedded
// store (SQL rows decoded one by one, no FerretDB answer to compare
// with, unlike testenv.Mongo) holds the newest orders, each the same
// order a read by id gives.
// calendar-safe: the windows are data stored and read back, never
// compared with a clock.
func TestAPageOfOrdersAsTheServerReadsIt(t *testing.T) {
	ctx := context.Background()
	store := testenv.EmbeddedMongo(t, "pages")
	start := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 3 {
		o, err := order.New(order.Draft{ID: uuid.Must(uuid.NewV7()).String(), OrderedBy: "daughter",
			ElderID: "father", FamilyID: "fam", ProviderID: "prov", ItemID: "bath", PriceVersion: 1,
			ServiceType: service.Bathing, Notes: "门口有台阶\t\"慢一点\"",
			Pricing: order.Pricing{MarketFen: 15000, InclusiveFen: 12000, DueFen: 12000},
			Window: order.Window{Start: start.Add(time.Duration(i) * 24 * time.Hour),
				End: start.Add(time.Duration(i)*24*time.Hour + time.Hour), TimeZone: "Asia/Shanghai"},
			Address: geo.Address{Province: "上海市", City: "上海市", District: "徐汇区", Street: "漕溪北路1号",
				RegionCode: "310104", Location: geo.Point{Lat: 31.1883, Lng: 121.4365}},
		}, "req-"+uuid.Must(uuid.NewV7()).String(), start.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Orders().Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID())
	}
	got, more, err := store.Orders().List(ctx, orders.Filter{FamilyID: "fam"}, page.Request{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !more || got[0].ID() != ids[2] || got[1].ID() != ids[1] {
		t.Fatalf("page: %d orders (more %v), want the newest two of %v", len(got), more, ids)
	}
	for _, o := range got {
		byID, _, err := store.Orders().Get(ctx, o.ID())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(o.Snapshot(), byID.Snapshot()) {
			t.Errorf("listed %+v\nby id  %+v", o.Snapshot(), byID.Snapshot())
		}
	}
}
