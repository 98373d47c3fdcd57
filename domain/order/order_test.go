package order_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
)

func TestANewOrderKeepsTheQuoteAndWaitsForDispatch(t *testing.T) {
	o, err := order.New(draft(), "e-created", t0)
	must(t, err)
	if o.Status() != order.StatusCreated || o.CaregiverID() != "" {
		t.Fatalf("new order: %s, caregiver %q", o.Status(), o.CaregiverID())
	}
	if p := o.Pricing(); p.PriceFen() != 15000 || p.DueFen != 10000 {
		t.Fatalf("pricing %+v", p)
	}
	if at, _ := o.EnteredAt(order.StatusCreated); !at.Equal(t0) || at.Location() != time.UTC {
		t.Fatalf("created at %v", at)
	}
	if e := lastEvent(t, o); e.ID != "e-created" || e.Type != order.EventCreated {
		t.Fatalf("event %+v", e)
	}
	d := draft()
	d.Window.TimeZone = ""
	o, err = order.New(d, eid(), t0)
	must(t, err)
	if o.Window().TimeZone != order.DefaultTimeZone {
		t.Fatalf("zone %q", o.Window().TimeZone)
	}
}

func TestNewRefusesABadDraftNamingEveryField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*order.Draft)
		field string
		code  string
	}{
		{"no id", func(d *order.Draft) { d.ID = "" }, "/id", "required"},
		{"no orderer", func(d *order.Draft) { d.OrderedBy = "" }, "/orderedBy", "required"},
		{"no elder", func(d *order.Draft) { d.ElderID = "" }, "/elderId", "required"},
		{"no family", func(d *order.Draft) { d.FamilyID = "" }, "/familyId", "required"},
		{"no provider", func(d *order.Draft) { d.ProviderID = "" }, "/providerId", "required"},
		{"no item", func(d *order.Draft) { d.ItemID = "" }, "/itemId", "required"},
		{"no price version", func(d *order.Draft) { d.PriceVersion = 0 }, "/priceVersion", "range"},
		{"unknown service", func(d *order.Draft) { d.ServiceType = "massage" }, "/serviceType", "enum"},
		{"free market price", func(d *order.Draft) { d.Pricing.MarketFen = 0 }, "/pricing/marketFen", "range"},
		{"普惠 above market", func(d *order.Draft) { d.Pricing.InclusiveFen = 20001 }, "/pricing/inclusiveFen", "range"},
		{"allowance above price", func(d *order.Draft) { d.Pricing.AllowanceFen = 15001 }, "/pricing/allowanceFen", "range"},
		{"allowance without its source", func(d *order.Draft) { d.Pricing.Allowances = nil }, "/pricing/allowances", "does_not_add_up"},
		{"due does not add up", func(d *order.Draft) { d.Pricing.DueFen = 9999 }, "/pricing/dueFen", "does_not_add_up"},
		{"fee above price", func(d *order.Draft) { d.Pricing.CancellationFeeFen = 15001 }, "/pricing/cancellationFeeFen", "range"},
		{"zone unknown", func(d *order.Draft) { d.Window.TimeZone = "Mars/Olympus" }, "/window/timeZone", "time_zone_invalid"},
		{"start in the past", func(d *order.Draft) { d.Window.Start = t0 }, "/window/start", "in_past"},
		{"start too far ahead", func(d *order.Draft) {
			d.Window.Start = t0.Add(order.MaxAdvance + time.Hour)
			d.Window.End = d.Window.Start.Add(time.Hour)
		}, "/window/start", "too_far_ahead"},
		{"end before start", func(d *order.Draft) { d.Window.End = d.Window.Start }, "/window/end", "not_after_start"},
		{"window too long", func(d *order.Draft) { d.Window.End = d.Window.Start.Add(order.MaxWindow + time.Minute) }, "/window/end", "too_long"},
		{"address without city", func(d *order.Draft) { d.Address.City = "" }, "/address/city", "required"},
		{"address off the globe", func(d *order.Draft) { d.Address.Location.Lat = 91 }, "/address/location/lat", "range"},
		{"notes too long", func(d *order.Draft) { d.Notes = strings.Repeat("敲", order.MaxNotes+1) }, "/notes", "maxLength"},
	}
	for _, c := range cases {
		d := draft()
		c.edit(&d)
		_, err := order.New(d, eid(), t0)
		faulttest.Is(t, err, order.ErrInvalid)
		if got := faulttest.Fields(err)[c.field]; got != c.code {
			t.Errorf("%s: %s = %q, want %q (all: %v)", c.name, c.field, got, c.code, faulttest.Fields(err))
		}
	}
	// Notes of exactly the limit, in Chinese, are fine: characters count, not bytes.
	d := draft()
	d.Notes = strings.Repeat("敲", order.MaxNotes)
	if _, err := order.New(d, eid(), t0); err != nil {
		t.Fatal(err)
	}
	// Without 普惠, the market price applies.
	d = draft()
	d.Pricing = order.Pricing{MarketFen: 20000, DueFen: 20000}
	if _, err := order.New(d, eid(), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := order.New(draft(), "", t0); err == nil {
		t.Fatal("an order without its creation event")
	}
}

func TestASnapshotRebuildsTheSameOrder(t *testing.T) {
	o := in(t, order.StatusCompleted)
	must(t, o.WriteRecord(cg1, order.ServiceRecord{Checklist: []string{"skin_checked"},
		Vitals: &order.Vitals{SystolicMmHg: 130, DiastolicMmHg: 80}, PhotoKeys: []string{"orders/o1/a.jpg"}}, checkOutAt))
	s := o.Snapshot()
	back := order.Unmarshal(s)
	if !reflect.DeepEqual(back.Snapshot(), s) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back.Snapshot(), s)
	}
	// The snapshot is a copy: editing it does not edit the order.
	s.Offers[0].CaregiverID = "mallory"
	s.Record.Checklist[0] = "dressed"
	s.Record.Vitals.SystolicMmHg = 200
	v := back.Visit()
	if back.Offers()[0].CaregiverID == "mallory" || v.Record.Checklist[0] != "skin_checked" ||
		v.Record.Vitals.SystolicMmHg != 130 {
		t.Fatal("the order shares memory with its snapshot")
	}
	if len(back.Pending()) != len(o.Pending()) {
		t.Fatal("pending events lost")
	}
}

func TestTheAddressIsASnapshot(t *testing.T) {
	d := draft()
	o, err := order.New(d, eid(), t0)
	must(t, err)
	d.Address.Location = geo.Point{Lat: 39.9, Lng: 116.4}
	if o.Address().Location != home {
		t.Fatal("editing the draft moved the visit")
	}
}
