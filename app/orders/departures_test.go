package orders_test

import (
	"context"
	"testing"
	"time"

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

// staffed is a provider, "prov", run by "boss" with caregivers cg1 and
// cg2 and office worker "desk", and a way to make its orders.
type staffed struct {
	t      *testing.T
	ctx    context.Context
	orders orders.Store
	provs  interface {
		Create(context.Context, *provider.Provider) error
		Update(context.Context, string, func(*provider.Provider) error) (*provider.Provider, error)
	}
	now  time.Time
	home geo.Point
}

func newStaffed(t *testing.T) (*staffed, *orders.Service) {
	t.Helper()
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now()
	svc := orders.NewService(orders.Deps{Orders: store.Orders(), Families: store.Families(),
		Providers: store.Providers(), Now: func() time.Time { return now }, NewID: newID})
	p := &provider.Provider{ID: "prov", Admins: []string{"boss"}, Status: provider.Verified, Credit: provider.CreditNormal,
		Profile: provider.Profile{LegalName: "幸福里", TimeZone: "Asia/Shanghai"},
		Staff: []provider.Staff{{UserID: "cg1", Role: provider.StaffCaregiver}, {UserID: "cg2", Role: provider.StaffCaregiver},
			{UserID: "desk", Role: provider.StaffOffice}}}
	if err := store.Providers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	return &staffed{t: t, ctx: ctx, orders: store.Orders(), provs: store.Providers(), now: now,
		home: geo.Point{Lat: 31.1883, Lng: 121.4365}}, svc
}

// order stores an order starting in 3 hours, moved by steps.
func (s *staffed) order(steps ...func(o *order.Order) error) *order.Order {
	s.t.Helper()
	start := s.now.Add(3 * time.Hour).Truncate(time.Minute)
	o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: "fam",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, DueFen: 15000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104", Location: s.home},
	}, newID(), s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := o.Dispatch(order.ByProvider("boss"), newID(), s.now); err != nil {
		s.t.Fatal(err)
	}
	for _, step := range steps {
		if err := step(o); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := s.orders.Create(s.ctx, o); err != nil {
		s.t.Fatal(err)
	}
	return o
}

func (s *staffed) offer(cg string) func(*order.Order) error {
	return func(o *order.Order) error {
		return o.Offer(order.ByProvider("boss"), cg, s.now.Add(10*time.Minute), newID(), s.now)
	}
}

func (s *staffed) accept(cg string) func(*order.Order) error {
	return func(o *order.Order) error { return o.Accept(order.ByCaregiver(cg), newID(), s.now) }
}

func (s *staffed) serve(cg string) func(*order.Order) error {
	return func(o *order.Order) error {
		by := order.ByCaregiver(cg)
		if err := o.CheckIn(by, order.Report{Point: s.home, Reason: "提前到达"}, order.DefaultCheckInRules, newID(), s.now); err != nil {
			return err
		}
		return o.BeginService(by, newID(), s.now)
	}
}

func (s *staffed) get(id string) *order.Order {
	s.t.Helper()
	o, _, err := s.orders.Get(s.ctx, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return o
}

func caregiver(id string) actor.Actor {
	return actor.Actor{UserID: id, Roles: identity.NewRoles(identity.RoleCaregiver)}
}

// Invariant 11: a caregiver removed from the provider loses its orders
// at once, whatever the orders still say; and when the removal's
// follow-up never ran (a crash right after the staff write), the next
// sweep hands back what they held: an order accepted goes back to
// dispatch, an open offer is withdrawn, a visit under way is flagged.
// Their colleague's orders are untouched, and a second sweep finds
// nothing more to do.
func TestARemovedCaregiverLosesOrdersAtOnceAndTheSweepHandsThemBack(t *testing.T) {
	s, svc := newStaffed(t)
	accepted := s.order(s.offer("cg1"), s.accept("cg1"))
	offered := s.order(s.offer("cg1"), s.offer("cg2"))
	serving := s.order(s.offer("cg1"), s.accept("cg1"), s.serve("cg1"))
	colleagues := s.order(s.offer("cg2"), s.accept("cg2"))

	// Before: the caregiver sees her orders.
	if _, err := svc.Get(s.ctx, caregiver("cg1"), accepted.ID()); err != nil {
		t.Fatalf("before removal: %v", err)
	}

	// The staff write, and nothing after it.
	if _, err := s.provs.Update(s.ctx, "prov", func(p *provider.Provider) error {
		return p.RemoveStaff("boss", "cg1")
	}); err != nil {
		t.Fatal(err)
	}
	cg1 := caregiver("cg1")
	for name, id := range map[string]string{"accepted": accepted.ID(), "offered": offered.ID(), "serving": serving.ID()} {
		if _, err := svc.Get(s.ctx, cg1, id); !fault.Is(err, order.ErrNotFound) {
			t.Errorf("removed, reading the %s order: %v, want order_not_found", name, err)
		}
	}
	if _, err := svc.Accept(s.ctx, cg1, offered.ID()); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, accepting an offer still open: %v, want order_not_found", err)
	}
	if _, err := svc.Decline(s.ctx, cg1, offered.ID(), ""); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, declining: %v, want order_not_found", err)
	}
	if _, err := svc.Start(s.ctx, cg1, accepted.ID()); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, setting off: %v, want order_not_found", err)
	}
	if _, err := svc.ReportPosition(s.ctx, cg1, accepted.ID(), s.home); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, reporting a position: %v, want order_not_found", err)
	}
	if _, err := svc.WriteRecord(s.ctx, cg1, serving.ID(), order.ServiceRecord{}); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, writing the record: %v, want order_not_found", err)
	}
	if _, err := svc.CheckOut(s.ctx, cg1, serving.ID(), order.Report{Point: s.home}); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, checking out: %v, want order_not_found", err)
	}
	if p, err := svc.ForCaregiver(s.ctx, cg1, orders.ListQuery{}); err != nil || len(p.Views) != 0 {
		t.Errorf("removed, her list shows %d orders (%v), want none", len(p.Views), err)
	}
	if list, _, err := svc.Offers(s.ctx, cg1, "", 0); err != nil || len(list) != 0 {
		t.Errorf("removed, her offers show %d orders (%v), want none", len(list), err)
	}
	// Her colleague and the office are unaffected.
	if p, err := svc.ForCaregiver(s.ctx, caregiver("cg2"), orders.ListQuery{}); err != nil || len(p.Views) != 1 {
		t.Errorf("cg2's list shows %d orders (%v), want her one", len(p.Views), err)
	}
	if v, err := svc.Get(s.ctx, actor.Actor{UserID: "desk"}, serving.ID()); err != nil || v.As != order.PartyProvider {
		t.Errorf("the office reading the visit under way: %+v, %v", v.As, err)
	}

	res, err := svc.Sweep(s.ctx)
	if err != nil || res.HandedBack != 3 {
		t.Fatalf("sweep: %+v, %v; want 3 orders handed back", res, err)
	}
	if o := s.get(accepted.ID()); o.Status() != order.StatusDispatching || o.CaregiverID() != "" {
		t.Errorf("the accepted order is %s with %q, want dispatching with nobody", o.Status(), o.CaregiverID())
	} else if e := o.Pending()[len(o.Pending())-1]; e.Type != order.EventHandedBack || e.Data["windowNear"] != "true" {
		t.Errorf("the accepted order announced %s %v, want order.handed_back, the visit near", e.Type, e.Data)
	}
	if o := s.get(offered.ID()); o.Status() != order.StatusOffered {
		t.Errorf("the order also offered to cg2 is %s, want still offered", o.Status())
	} else {
		for _, f := range o.Offers() {
			if open := f.Open(s.now); open != (f.CaregiverID == "cg2") {
				t.Errorf("offer to %s open: %v", f.CaregiverID, open)
			}
		}
	}
	if o := s.get(serving.ID()); o.Status() != order.StatusInService {
		t.Errorf("the visit under way is %s, want still in service", o.Status())
	} else if d, ok := o.Departure(); !ok || d.CaregiverID != "cg1" {
		t.Errorf("the visit under way is not flagged: %+v", d)
	}
	if o := s.get(colleagues.ID()); o.Status() != order.StatusAccepted || o.CaregiverID() != "cg2" {
		t.Errorf("cg2's order is %s with %q, want accepted by cg2", o.Status(), o.CaregiverID())
	}
	if res, err := svc.Sweep(s.ctx); err != nil || res.HandedBack != 0 {
		t.Fatalf("second sweep: %+v, %v; want nothing more", res, err)
	}
}

// The removal's own follow-up hands back at once; for someone taken on
// again since, it does nothing.
func TestStaffLeftHandsBackAtOnceUnlessTakenOnAgain(t *testing.T) {
	s, svc := newStaffed(t)
	accepted := s.order(s.offer("cg2"), s.accept("cg2"))
	if n, err := svc.StaffLeft(s.ctx, "prov", "cg2"); err != nil || n != 0 {
		t.Fatalf("still on the staff: handed back %d (%v), want none", n, err)
	}
	if _, err := s.provs.Update(s.ctx, "prov", func(p *provider.Provider) error {
		return p.RemoveStaff("boss", "cg2")
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.StaffLeft(s.ctx, "prov", "cg2"); err != nil || n != 1 {
		t.Fatalf("removed: handed back %d (%v), want 1", n, err)
	}
	if o := s.get(accepted.ID()); o.Status() != order.StatusDispatching {
		t.Fatalf("the order is %s, want dispatching", o.Status())
	}
	if n, err := svc.StaffLeft(s.ctx, "prov", "cg2"); err != nil || n != 0 {
		t.Fatalf("again: handed back %d (%v), want none", n, err)
	}
}

// An office worker removed from the staff loses the provider's orders at
// once, read and list alike.
func TestARemovedOfficeWorkerLosesTheProvidersOrdersAtOnce(t *testing.T) {
	s, svc := newStaffed(t)
	o := s.order()
	desk := actor.Actor{UserID: "desk", Roles: identity.NewRoles(identity.RoleProviderStaff)}
	if _, err := svc.Get(s.ctx, desk, o.ID()); err != nil {
		t.Fatalf("on the staff: %v", err)
	}
	if _, err := s.provs.Update(s.ctx, "prov", func(p *provider.Provider) error {
		return p.RemoveStaff("boss", "desk")
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(s.ctx, desk, o.ID()); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, reading: %v, want order_not_found", err)
	}
	if _, err := svc.Dispatch(s.ctx, desk, o.ID(), orders.DispatchCommand{}); !fault.Is(err, order.ErrNotFound) {
		t.Errorf("removed, dispatching: %v, want order_not_found", err)
	}
	if _, err := svc.ForProvider(s.ctx, desk, "prov", orders.ListQuery{}); !fault.Is(err, provider.ErrNotFound) {
		t.Errorf("removed, listing: %v, want provider_not_found", err)
	}
}
