package meal_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

var (
	canteenAt = geo.Point{Lat: 31.1883, Lng: 121.4365}
	doorAt    = geo.Point{Lat: 31.1883, Lng: 121.4428} // about 600 m east
)

func deliveryOrder(id string, start time.Time) *meal.Order {
	return &meal.Order{ID: id, FamilyID: "fam", ElderID: "e-" + id, ProviderID: "prov", Window: meal.Lunch,
		Mode: meal.HomeDelivery, Start: start, End: start.Add(90 * time.Minute), CutoffAt: start.Add(-90 * time.Minute),
		TimeZone: "Asia/Shanghai", Status: meal.Placed, Items: []meal.OrderedItem{{ID: "A", Name: "清蒸鱼套餐"}},
		Address: &geo.Address{District: "徐汇区", Street: "康健路", Location: doorAt}}
}

// A delivery is checked in like a visit: at the door, or away with a
// reason and flagged; the phone's time bounded; once; never for a meal
// eaten in.
func TestADeliveryIsCheckedInLikeAVisit(t *testing.T) {
	start := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC) // 11:00 in Shanghai
	now := start.Add(20 * time.Minute)
	o := deliveryOrder("o1", start)
	far := geo.Point{Lat: 31.2183, Lng: 121.4428}
	if err := o.Deliver("driver", meal.DeliveryReport{Point: far}, doorAt, 200, now); !fault.Is(err, meal.ErrDeliveryReasonRequired) {
		t.Fatalf("3 km from the door without a reason: %v", err)
	}
	if err := o.Deliver("driver", meal.DeliveryReport{Point: doorAt}, doorAt, 200, o.CutoffAt.Add(-time.Second)); !fault.Is(err, meal.ErrNotYetServed) {
		t.Fatalf("before the cutoff: %v", err)
	}
	// The phone says it was a day ago: counted at the cutoff, adjusted.
	err := o.Deliver("driver", meal.DeliveryReport{Point: doorAt, DeviceTime: now.Add(-24 * time.Hour)}, doorAt, 200, now)
	if err != nil || o.Status != meal.Served || o.Delivered == nil || !o.Delivered.InsideGeofence ||
		!o.Delivered.ClockAdjusted || !o.ServedAt.Equal(o.CutoffAt) {
		t.Fatalf("at the door: %v %+v", err, o.Delivered)
	}
	if len(o.Pending()) != 1 || o.Pending()[0].Type != meal.EventDelivered {
		t.Fatalf("events: %+v", o.Pending())
	}
	if err := o.Deliver("driver", meal.DeliveryReport{Point: doorAt}, doorAt, 200, now); !fault.Is(err, meal.ErrAlreadyServed) {
		t.Fatalf("twice: %v", err)
	}
	// A meal handed over stays served: the canteen cannot cancel it after
	// (its subsidy is committed, the regulator counts it served).
	if err := o.Cancel("canteen-admin", false, "录错了", now); !fault.Is(err, meal.ErrAlreadyServed) || o.Status != meal.Served {
		t.Fatalf("the canteen cancelling a delivered meal: %v, status %s", err, o.Status)
	}
	dine := deliveryOrder("o2", start)
	dine.Mode = meal.DineIn
	if err := dine.Deliver("driver", meal.DeliveryReport{Point: doorAt}, doorAt, 200, now); !fault.Is(err, meal.ErrNotForDelivery) {
		t.Fatalf("a meal eaten in: %v", err)
	}
	away := deliveryOrder("o3", start)
	if err := away.Deliver("driver", meal.DeliveryReport{Point: far, Reason: "老人在女儿家"}, doorAt, 200, now); err != nil ||
		away.Delivered.InsideGeofence || away.Pending()[0].Data["flagged"] != "true" {
		t.Fatalf("away with a reason: %v %+v", err, away.Delivered)
	}
}

// Only a subscribed order watches its collection, with a reminder due at
// the window's end.
func TestASubscribedOrderWatchesItsCollection(t *testing.T) {
	start := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
	o := deliveryOrder("o1", start)
	if err := o.WatchCollection(start.Add(-time.Hour)); err != nil || len(o.Pending()) != 0 {
		t.Fatalf("a one-off order: %v %v", err, o.Pending())
	}
	o.SubscriptionID = "ms1"
	if err := o.WatchCollection(start.Add(-time.Hour)); err != nil || len(o.Pending()) != 1 ||
		!o.Pending()[0].Due().Equal(o.End) || o.Pending()[0].Type != meal.EventMissed {
		t.Fatalf("a subscribed order: %v %+v", err, o.Pending())
	}
}

// The kitchen counts what is to cook; the delivery list groups what
// leaves by pick-up point and by street, nearest first.
func TestTheCanteenDayLists(t *testing.T) {
	start := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
	a, b, c, d := deliveryOrder("a", start), deliveryOrder("b", start), deliveryOrder("c", start), deliveryOrder("d", start)
	a.DietTags, a.Note = []elder.DietTag{"low_salt"}, "少放辣"
	b.Mode, b.Address, b.PickupPointID = meal.Pickup, nil, "p1"
	c.Status = meal.Cancelled
	d.Address = &geo.Address{District: "徐汇区", Street: "龙吴路", Location: geo.Point{Lat: 31.1883, Lng: 121.4390}}
	menu := meal.Menu{Items: []meal.Item{{ID: "A", Name: "清蒸鱼套餐", Allergens: []string{"鱼"}}, {ID: "B", Name: "红烧肉"}}}
	p := meal.ProductionOf([]*meal.Order{a, b, c, d}, menu)
	if p.Meals != 3 || len(p.Lines) != 1 || p.Lines[0].Count != 3 || p.ByMode[meal.HomeDelivery] != 2 ||
		p.ByPickupPoint["p1"] != 1 || p.DietNeeds["low_salt"] != 1 || p.Allergens["鱼"] != 3 || len(p.Notes) != 1 {
		t.Fatalf("production: %+v", p)
	}
	cant := meal.Canteen{Location: canteenAt, PickupPoints: []meal.PickupPoint{{ID: "p1", Name: "第三配送餐点"}, {ID: "p2", Name: "空"}}}
	stops := meal.DeliveriesOf([]*meal.Order{a, b, c, d}, cant, map[string]string{"e-a": "张桂芳"})
	if len(stops) != 3 || stops[0].ID != "p1" || len(stops[0].Drops) != 1 || stops[1].ID != "徐汇区龙吴路" ||
		stops[2].ID != "徐汇区康健路" || stops[2].Drops[0].ElderName != "张桂芳" {
		t.Fatalf("stops: %+v", stops)
	}
}

// A card's code names the elder and serial under kincare's signature;
// its PIN is kept as a keyed digest; a new card raises the serial.
func TestAMealCardIsSignedAndItsPINDigested(t *testing.T) {
	key := []byte("k")
	now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	if _, err := meal.NewCard(key, "e1", "fam", nil, "12a4", "u", now); !fault.Is(err, meal.ErrCardInvalid) {
		t.Fatalf("a PIN with a letter: %v", err)
	}
	c1, err := meal.NewCard(key, "e1", "fam", nil, "1357", "u", now)
	if err != nil || c1.Serial != 1 || c1.PINDigest == "" || c1.PINDigest == "1357" {
		t.Fatalf("the first card: %v %+v", err, c1)
	}
	c2, _ := meal.NewCard(key, "e1", "fam", &c1, "8642", "u", now)
	elder, serial, err := meal.ReadCardCode(key, c2.Code(key))
	if err != nil || elder != "e1" || serial != 2 || !c2.PINMatches(key, "8642") || c2.PINMatches(key, "1357") {
		t.Fatalf("the second card: %v %s %d", err, elder, serial)
	}
	if _, _, err := meal.ReadCardCode([]byte("other"), c2.Code(key)); !fault.Is(err, meal.ErrCardInvalid) {
		t.Fatalf("another key's card: %v", err)
	}
}
