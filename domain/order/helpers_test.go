package order_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/service"
)

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	// The day before the visit, when the daughter orders it.
	t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai)
	// The visit: Thursday 10:00–12:00 in Shanghai.
	windowStart = time.Date(2026, 11, 26, 10, 0, 0, 0, shanghai)
	windowEnd   = windowStart.Add(2 * time.Hour)
	// People's Square, Shanghai.
	home = geo.Point{Lat: 31.2304, Lng: 121.4737}

	daughter   = order.ByFamily("daughter")
	dispatcher = order.ByProvider("dispatcher")
	cg1        = order.ByCaregiver("cg1")
	cg2        = order.ByCaregiver("cg2")
	cg3        = order.ByCaregiver("cg3")
	grandma    = order.ByElder("grandma")

	testCodeKey = order.VisitCodeKey("test visit code key, 32 bytes!!")
)

// north is a point metres due north of p: a degree of latitude is the
// same length everywhere on kincare's sphere.
func north(p geo.Point, metres float64) geo.Point {
	return geo.Point{Lat: p.Lat + metres/(geo.EarthRadiusMetres*math.Pi/180), Lng: p.Lng}
}

func draft() order.Draft {
	return order.Draft{
		ID: "o1", OrderedBy: "daughter", ElderID: "mother", FamilyID: "wang", ProviderID: "xinfu",
		ItemID: "bath-60", PriceVersion: 3, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 20000, InclusiveFen: 15000, AllowanceFen: 5000, Allowances: []order.AllowanceDraw{{AllowanceID: "a1", Fen: 5000}},
			DueFen: 10000, CancellationFeeFen: 3000},
		Window:  order.Window{Start: windowStart, End: windowEnd, TimeZone: "Asia/Shanghai"},
		Address: geo.Address{Province: "上海市", City: "上海市", District: "黄浦区", Street: "人民大道200号", Detail: "3号楼2单元401", RegionCode: "310101", Location: home},
		Notes:   "老人听力不好，请大声敲门",
	}
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

func lastEvent(t *testing.T, o *order.Order) event.Event {
	t.Helper()
	p := o.Pending()
	if len(p) == 0 {
		t.Fatal("no events")
	}
	return p[len(p)-1]
}

// Times at which the fixtures below move.
var (
	offerAt    = t0.Add(2 * time.Minute)
	acceptAt   = t0.Add(3 * time.Minute)
	startAt    = windowStart.Add(-90 * time.Minute)
	checkInAt  = windowStart.Add(-60 * time.Minute)
	beginAt    = windowStart.Add(-59 * time.Minute)
	checkOutAt = windowStart.Add(-30 * time.Minute)
)

// in builds an order in status s by the ordinary road: cg1 and cg2 are
// offered it, cg1 wins, and the visit runs 09:00–09:30 before a window
// that opens at 10:00 (check-in up to 2 h early is on time).
func in(t *testing.T, s order.Status) *order.Order {
	t.Helper()
	o, err := order.New(draft(), eid(), t0)
	must(t, err)
	steps := map[order.Status]func(){
		order.StatusDispatching: func() { must(t, o.Dispatch(order.BySystem, eid(), t0.Add(time.Minute))) },
		order.StatusOffered: func() {
			must(t, o.Offer(order.BySystem, "cg1", windowStart, eid(), offerAt))
			must(t, o.Offer(order.BySystem, "cg2", windowStart, eid(), offerAt))
		},
		order.StatusAccepted: func() { must(t, o.Accept(cg1, eid(), acceptAt)) },
		order.StatusEnRoute:  func() { must(t, o.Start(cg1, eid(), startAt)) },
		order.StatusArrived: func() {
			must(t, o.CheckIn(cg1, order.Report{DeviceTime: checkInAt, Point: home}, order.DefaultCheckInRules, eid(), checkInAt))
		},
		order.StatusInService: func() { must(t, o.BeginService(cg1, eid(), beginAt)) },
		order.StatusCompleted: func() {
			must(t, o.CheckOut(cg1, order.Report{DeviceTime: checkOutAt, Point: home}, eid(), checkOutAt))
		},
		order.StatusConfirmed: func() { must(t, o.Confirm(daughter, eid(), checkOutAt.Add(5*time.Minute))) },
	}
	road := []order.Status{order.StatusDispatching, order.StatusOffered, order.StatusAccepted, order.StatusEnRoute,
		order.StatusArrived, order.StatusInService, order.StatusCompleted, order.StatusConfirmed}
	walk := func(to order.Status) {
		for _, r := range road {
			if o.Status() == to {
				return
			}
			steps[r]()
		}
	}
	switch s {
	case order.StatusCancelledByFamily:
		walk(order.StatusAccepted)
		must(t, o.Cancel(daughter, "", eid(), acceptAt.Add(time.Minute)))
	case order.StatusCancelledByProvider:
		walk(order.StatusAccepted)
		must(t, o.Withdraw(dispatcher, "护理员不足", eid(), acceptAt.Add(time.Minute)))
	case order.StatusNoShowCaregiver:
		walk(order.StatusAccepted)
		must(t, o.NoShowCaregiver(order.BySystem, "", eid(), windowStart.Add(31*time.Minute)))
	case order.StatusNoShowRecipient:
		walk(order.StatusArrived)
		must(t, o.NoShowRecipient(cg1, "敲门无人应答", eid(), checkInAt.Add(16*time.Minute)))
	case order.StatusExpired:
		walk(order.StatusOffered)
		must(t, o.Expire(order.BySystem, eid(), windowStart.Add(time.Minute)))
	default:
		walk(s)
	}
	if o.Status() != s {
		t.Fatalf("fixture reached %s, want %s", o.Status(), s)
	}
	return o
}
