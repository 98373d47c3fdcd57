package indicators_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/region"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/domain/visit"
	"github.com/kincare/kincare/test/testenv"
)

var ids atomic.Int64

func newID() string { return fmt.Sprintf("%016x-%06d", time.Now().UnixNano(), ids.Add(1)) }

// queue is the job queue as the relay sees it: it takes every event.
type queue struct{ n atomic.Int64 }

func (q *queue) EnqueueEvent(context.Context, event.Event) (bool, error) {
	q.n.Add(1)
	return true, nil
}
func (q *queue) EnqueuePush(context.Context, string, time.Time) (bool, error) {
	return true, nil
}

// world is a store with the read model fed by a real relay.
type world struct {
	t     *testing.T
	ctx   context.Context
	store *mongo.Store
	relay *notify.Relay
	proj  *indicators.Projector
	svc   *indicators.Service
	clock *testenv.Clock
}

func newWorld(t *testing.T, now time.Time) *world {
	store := testenv.Mongo(t)
	w := &world{t: t, ctx: context.Background(), store: store, clock: testenv.NewClock(now)}
	w.proj = indicators.NewProjector(store.IndicatorSources(), store.IndicatorFacts())
	w.svc = indicators.NewService(indicators.Deps{Facts: store.IndicatorFacts(), Projector: w.proj,
		Residents: store.Residents(), Now: w.clock.Now})
	w.relay = notify.NewRelay(store.Outbox(), store.Journal(), &queue{})
	w.relay.Observe(w.proj)
	return w
}

// relayAll hands on every pending event, as the running relay does.
func (w *world) relayAll() {
	w.t.Helper()
	for range 100 {
		n, err := w.relay.RunOnce(w.ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	w.t.Fatal("the relay never ran dry")
}

// provider registers a provider of kinds in regionCode at at, as the
// app does (its registration is an event), and runs steps on it, each
// stored as the app would.
func (w *world) provider(id, regionCode string, at time.Time, kinds []provider.Kind, steps ...func(*provider.Provider) error) {
	w.t.Helper()
	profile := provider.Profile{LegalName: "幸福里" + id, TimeZone: "Asia/Shanghai", ContactPhone: "+8613900000000",
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: regionCode, Location: home},
		Area:    provider.Area{RadiusKM: 3}}
	for i, k := range kinds {
		profile.Licences = append(profile.Licences, provider.Licence{Kind: k, Number: fmt.Sprintf("L-%s-%d", id, i)})
	}
	p, err := provider.New(id, "boss-"+id, profile, newID(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.Providers().Create(w.ctx, p); err != nil {
		w.t.Fatal(err)
	}
	for _, step := range steps {
		if _, err := w.store.Providers().Update(w.ctx, id, step); err != nil {
			w.t.Fatal(err)
		}
	}
}

// offering stores a childcare offering of care type at the provider.
func (w *world) offering(id, providerID string, care childcare.CareType) {
	w.t.Helper()
	err := w.store.Offerings().Create(w.ctx, childcare.Offering{ID: id, ProviderID: providerID,
		Names: catalog.Names{ZhCN: "托位" + id}, CareType: care, Ages: childcare.AgeRange{MinMonths: 12, MaxMonths: 36},
		Capacity: reservation.Capacity{Total: 10, InclusiveQuota: 6}, Active: true, CreatedAt: w.clock.Now()})
	if err != nil {
		w.t.Fatal(err)
	}
}

// places opens a slot of the offering starting at start with capacity,
// announced as the app opens it, and books seats on it (inclusive of
// them at the 普惠 price), each write announced as the app's are.
func (w *world) places(offeringID, providerID string, start time.Time, capacity reservation.Capacity, seats, inclusive int) {
	w.t.Helper()
	sl, err := reservation.New(reservation.Draft{ID: newID(), Resource: reservation.Resource{Kind: reservation.ChildcarePlace,
		ID: offeringID}, ProviderID: providerID, Window: reservation.Window{Start: start, End: start.Add(time.Hour),
		TimeZone: "Asia/Shanghai"}, Capacity: capacity}, start.AddDate(0, 0, -20))
	if err != nil {
		w.t.Fatal(err)
	}
	sl.AnnouncePlaces(newID(), start.AddDate(0, 0, -20))
	if _, err := w.store.Slots().CreateMany(w.ctx, []*reservation.Slot{sl}); err != nil {
		w.t.Fatal(err)
	}
	for i := range seats {
		tier := reservation.Market
		if i < inclusive {
			tier = reservation.Inclusive
		}
		_, _, err := w.store.Slots().Update(w.ctx, sl.ID(), func(sl *reservation.Slot) error {
			if _, _, err := sl.Confirm(reservation.Seat{HoldID: newID(), Tier: tier, BookedBy: newID(), FamilyID: "fam"},
				start.AddDate(0, 0, -10)); err != nil {
				return err
			}
			sl.AnnouncePlaces(newID(), start.AddDate(0, 0, -10))
			return nil
		})
		if err != nil {
			w.t.Fatal(err)
		}
	}
}

func verified(at time.Time) func(*provider.Provider) error {
	return func(p *provider.Provider) error { return p.Verify(newID(), at) }
}

func credit(c provider.Credit, at time.Time) func(*provider.Provider) error {
	return func(p *provider.Provider) error {
		return p.SetCredit(c, "抽查结果", provider.CreditSource{}, newID(), at)
	}
}

// caregiver puts a caregiver on the staff holding the certificates, as
// an admin entering them does.
func caregiver(userID string, at time.Time, certs ...provider.Certificate) func(*provider.Provider) error {
	return func(p *provider.Provider) error {
		p.Staff = append(p.Staff, provider.Staff{UserID: userID, Role: provider.StaffCaregiver, JoinedAt: at})
		if err := p.SetCaregiver(p.Admins[0], userID, provider.Caregiver{Certificates: certs,
			Skills: []service.Type{service.Bathing}, Gender: "female", HomeBase: home, Active: true}); err != nil {
			return err
		}
		p.AnnounceUpdated(newID(), at)
		return nil
	}
}

func certificate(kind provider.CertificateKind, until calendar.Date) provider.Certificate {
	return provider.Certificate{Kind: kind, Number: newID(), Issuer: "上海市人社局", ExpiresOn: until}
}

// order places an order at at and runs steps on it, each at its own
// time, storing every step as the app would.
func (w *world) order(providerID string, st service.Type, at time.Time, steps ...func(*order.Order) error) string {
	w.t.Helper()
	start := at.Add(48 * time.Hour)
	o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: "fam",
		ProviderID: providerID, ItemID: "item", PriceVersion: 1, ServiceType: st,
		Pricing: order.Pricing{MarketFen: 15000, InclusiveFen: 12000, DueFen: 12000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104",
			Location: home},
	}, newID(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.Orders().Create(w.ctx, o); err != nil {
		w.t.Fatal(err)
	}
	for _, step := range steps {
		if _, err := w.store.Orders().Update(w.ctx, o.ID(), step); err != nil {
			w.t.Fatal(err)
		}
	}
	return o.ID()
}

var (
	home   = geo.Point{Lat: 31.1883, Lng: 121.4365}
	office = order.ByProvider("dispatcher")
	carer  = order.ByCaregiver("cg")
)

func accepted(at time.Time) func(*order.Order) error {
	return func(o *order.Order) error {
		if err := o.Dispatch(office, newID(), at); err != nil {
			return err
		}
		if err := o.Offer(office, "cg", at.Add(time.Hour), newID(), at); err != nil {
			return err
		}
		return o.Accept(carer, newID(), at)
	}
}

func checkedIn(at time.Time) func(*order.Order) error {
	return func(o *order.Order) error {
		if err := o.Start(carer, newID(), at.Add(-10*time.Minute)); err != nil {
			return err
		}
		return o.CheckIn(carer, order.Report{Point: home}, order.DefaultCheckInRules, newID(), at)
	}
}

func completed(at time.Time) func(*order.Order) error {
	return func(o *order.Order) error {
		if err := o.BeginService(carer, newID(), at); err != nil {
			return err
		}
		if err := o.WriteRecord(carer, order.ServiceRecord{Checklist: []string{"dressed"}}, at); err != nil {
			return err
		}
		return o.CheckOut(carer, order.Report{Point: home}, newID(), at.Add(time.Hour))
	}
}

func cancelled(at time.Time) func(*order.Order) error {
	return func(o *order.Order) error { return o.Cancel(order.ByFamily("daughter"), "改期", newID(), at) }
}

// complaint files one at at against the provider and runs steps.
func (w *world) complaint(providerID, regionCode string, at time.Time, steps ...func(*complaint.Complaint) error) string {
	w.t.Helper()
	c, err := complaint.New(complaint.Draft{ID: newID(), FamilyID: "fam", FiledBy: "daughter",
		Subject: complaint.Subject{Kind: complaint.AboutOrder, ID: newID()}, ProviderID: providerID,
		ProviderName: "幸福里", RegionCode: regionCode, TimeZone: "Asia/Shanghai",
		Category: complaint.CategoryLateOrNoShow, Text: "护理员迟到一小时，洗澡过程很匆忙。",
		Desired: complaint.WantApology, RespondWithin: 48 * time.Hour}, newID(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.Complaints().Create(w.ctx, c); err != nil {
		w.t.Fatal(err)
	}
	for _, step := range steps {
		if _, err := w.store.Complaints().Update(w.ctx, c.ID(), step); err != nil {
			w.t.Fatal(err)
		}
	}
	return c.ID()
}

func answered(at time.Time) func(*complaint.Complaint) error {
	return func(c *complaint.Complaint) error {
		return c.Respond(complaint.ByProvider("dispatcher"), "非常抱歉，已处理。", newID(), at)
	}
}

func escalated(at time.Time) func(*complaint.Complaint) error {
	return func(c *complaint.Complaint) error {
		return c.Escalate(complaint.ByFamily("daughter"), "答复不满意", newID(), at)
	}
}

// alarm raises an alarm for an elder at at, acknowledged ackAfter
// later (0: nobody has).
func (w *world) alarm(elderID string, kind incident.Kind, at time.Time, ackAfter time.Duration) {
	w.t.Helper()
	i, err := incident.New(incident.Raise{ID: newID(), ElderID: elderID, FamilyID: "fam", ElderName: "王秀英",
		Kind: kind, Source: incident.Source{Kind: incident.FromFamily, UserID: "daughter"},
		Family: []string{"daughter"}}, newID(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.Incidents().Create(w.ctx, i); err != nil {
		w.t.Fatal(err)
	}
	if ackAfter == 0 {
		return
	}
	_, err = w.store.Incidents().Update(w.ctx, i.ID(), func(i *incident.Incident) error {
		return i.Acknowledge(incident.Responder{UserID: "daughter", Rung: incident.RungFamily, Role: incident.RoleFamily},
			newID(), at.Add(ackAfter))
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) elder(id, regionCode string) {
	w.t.Helper()
	e := elder.Elder{ID: id, FamilyID: "fam", Profile: elder.Profile{Name: "王秀英",
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: regionCode, Location: home}},
		CreatedBy: "daughter", CreatedAt: w.clock.Now()}
	if err := w.store.Elders().Create(w.ctx, e); err != nil {
		w.t.Fatal(err)
	}
}

// meal orders a lunch at the canteen of providerID on the day of at
// (cutoff at at, window an hour later), with subsidyFen drawn, and runs
// steps on it at the window's end, stored as the app would.
func (w *world) meal(providerID string, mode meal.Mode, at time.Time, subsidyFen int64, steps ...func(*meal.Order, time.Time) error) {
	w.t.Helper()
	o := &meal.Order{ID: newID(), ProviderID: providerID, FamilyID: "fam", ElderID: "mother", OrderedBy: "daughter",
		SlotID: newID(), Date: calendar.Today(at, indicator.Zone), Window: meal.WindowKind("lunch"),
		Start: at.Add(time.Hour), End: at.Add(2 * time.Hour), CutoffAt: at, TimeZone: "Asia/Shanghai", Mode: mode,
		MarketFen: 2000, PriceFen: 1500, Status: meal.Placed, CreatedAt: at.Add(-24 * time.Hour)}
	if subsidyFen > 0 {
		o.Subsidy = &meal.SubsidyDraw{Category: meal.Category("age80"), Account: "allowance", CapAccount: "cap", Fen: subsidyFen}
	}
	o.Settle()
	if _, err := w.store.MealOrders().Create(w.ctx, o); err != nil {
		w.t.Fatal(err)
	}
	for _, step := range steps {
		if _, err := w.store.MealOrders().Update(w.ctx, o.ID, func(o *meal.Order) error { return step(o, o.End) }); err != nil {
			w.t.Fatal(err)
		}
	}
}

func served(o *meal.Order, at time.Time) error { return o.Serve("cook", at) }

func delivered(o *meal.Order, at time.Time) error {
	return o.Deliver("rider", meal.DeliveryReport{Point: home, DeviceTime: at}, home, 100, at)
}

func mealCancelled(o *meal.Order, at time.Time) error { return o.Cancel("cook", false, "停电", at) }

func missed(o *meal.Order, at time.Time) error { return o.MissedBy("cook", at) }

// care marks an elder of regionCode vulnerable at at (no categories:
// the spell ends) and returns the care record.
func (w *world) care(elderID, regionCode string, at time.Time, cats ...visit.Category) *visit.Care {
	w.t.Helper()
	fresh := func() *visit.Care {
		return &visit.Care{ElderID: elderID, FamilyID: "fam", ElderName: "王秀英", RegionCode: regionCode, TimeZone: "Asia/Shanghai"}
	}
	c, err := w.store.Cares().Upsert(w.ctx, elderID, fresh, func(c *visit.Care) error {
		return c.Mark(cats, "reg", visit.ByRegulator, "station", "民政摸底", newID(), at)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// phoneVisit calls the elder of c for 30 minutes ending at at, completed
// unless done is false.
func (w *world) phoneVisit(c *visit.Care, at time.Time, done bool) {
	w.t.Helper()
	v := visit.Start(newID(), c, visit.ByPhone, at)
	if err := v.Phone(30, c.Location(), at); err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.Visits().Create(w.ctx, v); err != nil {
		w.t.Fatal(err)
	}
	if !done {
		return
	}
	_, err := w.store.Visits().Update(w.ctx, v.ID, func(v *visit.Visit) error {
		return v.Complete(visit.Assessment{Living: visit.LivingGood, Mood: visit.MoodGood}, nil, newID(), at)
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

var platform = actor.Actor{UserID: "admin", Roles: identity.NewRoles(identity.RolePlatformAdmin)}

func (w *world) table(code string, m indicator.Month) indicator.Table {
	w.t.Helper()
	r, err := w.svc.Table(w.ctx, platform, indicators.Query{Region: code, Month: m.String()})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.Table
}

// scriptMonth plays a month of a district (Xuhui, 310104) and its
// neighbour (Changning, 310105) and returns the month.
func scriptMonth(w *world) indicator.Month {
	m := indicator.MonthOf(w.clock.Now()).Add(-1)
	day := func(d, hour int) time.Time { return m.Start().AddDate(0, 0, d-1).Add(time.Duration(hour) * time.Hour) }
	// Providers: Xuhui's home-care provider and canteen, verified,
	// red-listed, with three caregivers — one certified past the month,
	// one whose certificate lapses mid-month, one with a childcare
	// certificate only — and one certified caregiver who also works for
	// the Changning provider (counted once in the city); Changning's is
	// verified, a day-care centre there pending (its caregiver does not
	// count until it is verified). A Xuhui provider registered next month is not this month's.
	last := calendar.Today(m.End().Add(-time.Second), indicator.Zone)
	w.provider("xh", "310104", m.Start().AddDate(0, -2, 0), []provider.Kind{provider.HomeCare, provider.Canteen},
		verified(m.Start().AddDate(0, -1, 0)), credit(provider.RedListed, day(2, 10)),
		caregiver("cg-li", day(2, 9), certificate(provider.ElderlyCareWorker, last.AddDays(200))),
		caregiver("cg-wu", day(2, 9), certificate(provider.Nurse, last.AddDays(-10))),
		caregiver("cg-ma", day(2, 9), certificate(provider.ChildcareWorker, last.AddDays(300))),
		caregiver("cg-he", day(2, 9), certificate(provider.ElderlyCareWorker, last.AddDays(30))))
	w.provider("cn", "310105", day(3, 9), []provider.Kind{provider.HomeCare}, verified(day(3, 12)),
		caregiver("cg-he", day(4, 9), certificate(provider.ElderlyCareWorker, last.AddDays(30))),
		caregiver("cg-zh", day(4, 9), certificate(provider.ElderlyCareWorker, last.AddDays(30))))
	w.provider("cn2", "310105", day(20, 9), []provider.Kind{provider.DayCareCentre},
		caregiver("cg-qi", day(20, 10), certificate(provider.ElderlyCareWorker, last.AddDays(30))))
	w.provider("xh2", "310104", m.End().Add(time.Hour), []provider.Kind{provider.ChildcareInstitution},
		verified(m.End().Add(2*time.Hour)))

	// Xuhui: a bath accepted in 30 min, checked in on time and given; a
	// cleaning accepted in 10 min and cancelled; a bath nobody took yet.
	w.order("xh", service.Bathing, day(3, 9), accepted(day(3, 9).Add(30*time.Minute)), checkedIn(day(5, 9)),
		completed(day(5, 9).Add(5*time.Minute)))
	w.order("xh", service.Cleaning, day(10, 14), accepted(day(10, 14).Add(10*time.Minute)), cancelled(day(11, 8)))
	w.order("xh", service.Bathing, day(28, 20))
	// Changning: one bath, never accepted. Next month: one Xuhui order.
	w.order("cn", service.Bathing, day(12, 9))
	w.order("xh", service.Cleaning, m.End().Add(time.Hour))

	// Childcare at the Xuhui provider: a full-day month of 10 places (6
	// 普惠), 8 booked (5 at the 普惠 price); a second full-day offering's
	// month of 10 (4 普惠), 2 booked; two half-day sessions of 5, 3 and 0
	// booked (bookable, not places); next month's full-day month. In
	// Changning a full-day month of 5 places (5 普惠), all booked.
	w.offering("xh-full", "xh", childcare.FullDay)
	w.offering("xh-full2", "xh", childcare.FullDay)
	w.offering("xh-half", "xh", childcare.HalfDay)
	w.offering("cn-full", "cn", childcare.FullDay)
	w.places("xh-full", "xh", m.Start(), reservation.Capacity{Total: 10, InclusiveQuota: 6}, 8, 5)
	w.places("xh-full2", "xh", m.Start(), reservation.Capacity{Total: 10, InclusiveQuota: 4}, 2, 0)
	w.places("xh-half", "xh", day(4, 8), reservation.Capacity{Total: 5}, 3, 0)
	w.places("xh-half", "xh", day(5, 8), reservation.Capacity{Total: 5}, 0, 0)
	w.places("xh-full", "xh", m.End(), reservation.Capacity{Total: 10, InclusiveQuota: 6}, 1, 1)
	w.places("cn-full", "cn", m.Start(), reservation.Capacity{Total: 5, InclusiveQuota: 5}, 5, 5)

	// Complaints in Xuhui: answered in 2 h; answered in 4 h and escalated;
	// never answered (overdue at the end of its 48 h).
	w.complaint("xh", "310104", day(6, 10), answered(day(6, 12)))
	w.complaint("xh", "310104", day(7, 10), answered(day(7, 14)), escalated(day(8, 9)))
	w.complaint("xh", "310104", day(20, 10))
	w.complaint("cn", "310105", day(20, 10), answered(day(20, 11)))

	// Alarms of a Xuhui elder: an SOS answered in 90 s, a fall in 5 min,
	// an SOS nobody has answered; a Changning elder's smoke alarm.
	w.elder("mother", "310104")
	w.elder("aunt", "310105")
	w.alarm("mother", incident.SOS, day(4, 22), 90*time.Second)
	w.alarm("mother", incident.Fall, day(15, 7), 5*time.Minute)
	w.alarm("mother", incident.SOS, day(25, 3), 0)
	w.alarm("aunt", incident.Smoke, day(9, 12), time.Minute)

	// Meals at the Xuhui canteen: one eaten in with 500 fen of subsidy,
	// one delivered with 300, one cancelled by the canteen (its 500
	// released), one nobody collected (400, not drawn as served), one
	// never handed over yet; at the Changning canteen one served without
	// a subsidy. Meals count where the canteen is, in their day's month:
	// the meal of the month's last day, ordered in it and served next
	// month, is this month's; one of next month's first day is not.
	w.meal("xh", meal.DineIn, day(5, 10), 500, served)
	w.meal("xh", meal.HomeDelivery, day(6, 10), 300, delivered)
	w.meal("xh", meal.DineIn, day(7, 10), 500, mealCancelled)
	w.meal("xh", meal.Pickup, day(8, 10), 400, missed)
	w.meal("xh", meal.DineIn, day(9, 10), 0)
	w.meal("cn", meal.DineIn, day(9, 10), 0, served)
	w.meal("xh", meal.DineIn, m.End().Add(-2*time.Hour), 200, served) // 22:00 on the last day, served at midnight
	w.meal("xh", meal.DineIn, m.End().Add(10*time.Hour), 700, served)

	// Monthly visits in Xuhui: granny1, vulnerable from day 2, called
	// twice (one elder visited); granny2, vulnerable since 40 days before
	// the month, whose one visit was never completed (overdue); granny3,
	// vulnerable only from next month; granny4 marked and unmarked (due
	// nowhere). In Changning: uncle, called once.
	g1 := w.care("granny1", "310104", day(2, 9), visit.LivingAlone)
	w.phoneVisit(g1, day(10, 10), true)
	w.phoneVisit(g1, day(20, 10), true)
	g2 := w.care("granny2", "310104", m.Start().AddDate(0, 0, -40), visit.Aged80Plus)
	w.phoneVisit(g2, day(15, 10), false)
	w.care("granny3", "310104", m.End().Add(time.Hour), visit.EmptyNest)
	w.care("granny4", "310104", day(3, 9), visit.Disabled)
	w.care("granny4", "310104", day(4, 9))
	uncle := w.care("uncle", "310105", day(1, 12), visit.Destitute)
	w.phoneVisit(uncle, day(5, 10), true)

	// Home devices (智慧养老): granny1's SOS button from day 5; granny2's
	// door sensor from next month; uncle's fall detector, installed on
	// day 3 and taken away on day 8; a device of an elder no care record
	// names (mother) counts for nobody due.
	for _, e := range []struct{ id, region string }{{"granny1", "310104"}, {"granny2", "310104"}, {"uncle", "310105"}} {
		w.elder(e.id, e.region)
	}
	w.device("granny1", homedevice.SOSButton, day(5, 9), time.Time{})
	w.device("granny2", homedevice.DoorSensor, m.End().Add(time.Hour), time.Time{})
	w.device("uncle", homedevice.FallDetector, day(3, 9), day(8, 9))
	w.device("mother", homedevice.SmokeDetector, day(4, 9), time.Time{})
	w.relayAll()
	return m
}

// device registers a home device of kind for the elder at at, as the app
// does (the write announces it), and removes it at removed unless zero.
func (w *world) device(elderID string, kind homedevice.Kind, at, removed time.Time) {
	w.t.Helper()
	d, err := homedevice.New(elderID, "fam", kind, "acme", "S"+newID(), "daughter", at)
	if err != nil {
		w.t.Fatal(err)
	}
	e, err := d.Announce(homedevice.EventRegistered, newID(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.HomeDevices().Create(w.ctx, d, e); err != nil {
		w.t.Fatal(err)
	}
	if removed.IsZero() {
		return
	}
	if e, err = d.Announce(homedevice.EventRemoved, newID(), removed); err != nil {
		w.t.Fatal(err)
	}
	if err := w.store.HomeDevices().Delete(w.ctx, d.ID, e); err != nil {
		w.t.Fatal(err)
	}
}

func value(t *testing.T, tb indicator.Table, key string) (float64, int, bool) {
	t.Helper()
	v, ok := tb.Get(key)
	return v.Value, v.Basis, ok
}

// TestAScriptedMonthGivesItsIndicatorTable is issue 19's read-model
// test: a month of orders and complaints, fed through the relay, gives
// the table worked out by hand, per district and for their city; the
// events handed on again change nothing; a rebuild from the collections
// gives the same tables.
func TestAScriptedMonthGivesItsIndicatorTable(t *testing.T) {
	w := newWorld(t, time.Now())
	m := scriptMonth(w)

	xuhui := w.table("310104", m)
	want := map[string]struct {
		value float64
		basis int
	}{
		"orders.count":                       {3, 0},
		"orders.completionRate":              {1.0 / 3, 3},
		"orders.cancellationRate":            {1.0 / 3, 3},
		"orders.onTimeCheckInRate":           {1, 1},
		"orders.medianResponseSeconds":       {(1800 + 600) / 2, 2},
		"orders.clockAdjustedVisits":         {0, 0},
		"orders.elderConfirmedVisits":        {0, 0},
		"orders.elderConfirmedShare":         {0, 1},
		"complaints.count":                   {3, 0},
		"complaints.medianResponseSeconds":   {(7200 + 14400) / 2, 2},
		"complaints.escalated":               {1, 0},
		"complaints.overdue":                 {1, 0},
		"incidents.count":                    {3, 0},
		"incidents.sos":                      {2, 0},
		"incidents.medianAcknowledgeSeconds": {(90 + 300) / 2, 2},
		"incidents.unacknowledged":           {1, 0},
		"meals.served":                       {3, 0},
		"meals.subsidyFen":                   {500 + 300 + 200, 0},
		"visits.monthlyRate":                 {1.0 / 2, 2},
		"visits.overdue":                     {1, 0},
		"smartCare.coverage":                 {1.0 / 2, 2},
		"providers.count":                    {1, 0},
		"childcare.places":                   {20, 0},
		"childcare.inclusiveShare":           {10.0 / 20, 20},
		"childcare.occupancy":                {10.0 / 20, 20},
		"childcare.sessionsByCareType":       {30, 0},
		"caregivers.certified":               {2, 0},
	}
	for key, wv := range want {
		got, basis, ok := value(t, xuhui, key)
		if !ok || got != wv.value || basis != wv.basis {
			t.Errorf("Xuhui %s = %v of %d (present %v), want %v of %d", key, got, basis, ok, wv.value, wv.basis)
		}
	}
	by, _ := xuhui.Get("orders.byServiceType")
	if !reflect.DeepEqual(by.Parts, []indicator.Part{{Key: "bathing", Value: 2}, {Key: "cleaning", Value: 1}}) {
		t.Errorf("Xuhui by service type: %+v", by.Parts)
	}

	for key, want := range map[string][]indicator.Part{
		"providers.byKind":         {{Key: "canteen", Value: 1}, {Key: "home_care", Value: 1}},
		"providers.byVerification": {{Key: "verified", Value: 1}},
		"providers.byCredit":       {{Key: "red_listed", Value: 1}},
	} {
		if v, _ := xuhui.Get(key); !reflect.DeepEqual(v.Parts, want) {
			t.Errorf("Xuhui %s: %+v, want %+v", key, v.Parts, want)
		}
	}
	if v, _ := xuhui.Get("childcare.sessionsByCareType"); !reflect.DeepEqual(v.Parts,
		[]indicator.Part{{Key: "full_day", Value: 20}, {Key: "half_day", Value: 10}}) {
		t.Errorf("Xuhui places by care type: %+v", v.Parts)
	}
	if r, basis, _ := value(t, w.table("310100", m), "childcare.occupancy"); r != 15.0/25 || basis != 25 {
		t.Errorf("Shanghai occupancy: %v of %d", r, basis)
	}
	if n, _, _ := value(t, w.table("310104", m.Add(1)), "childcare.places"); n != 10 {
		t.Errorf("next month's Xuhui places: %v", n)
	}
	if _, _, ok := value(t, w.table("310104", m.Add(-1)), "childcare.occupancy"); ok {
		t.Error("an occupancy of no places")
	}
	if _, _, ok := value(t, xuhui, "caregivers.per10kAged60"); ok {
		t.Error("caregivers per 10,000 residents without a resident figure")
	}

	// Changning's one order was never accepted nor visited: no median,
	// no check-in rate — absent, not 0.
	changning := w.table("310105", m)
	for _, key := range []string{"orders.medianResponseSeconds", "orders.onTimeCheckInRate"} {
		if _, _, ok := value(t, changning, key); ok {
			t.Errorf("Changning has %s without a basis", key)
		}
	}
	if n, _, _ := value(t, changning, "orders.count"); n != 1 {
		t.Errorf("Changning orders: %v", n)
	}
	if n, _, ok := value(t, changning, "meals.served"); n != 1 || !ok {
		t.Errorf("Changning meals: %v", n)
	}
	if n, _, ok := value(t, changning, "meals.subsidyFen"); n != 0 || !ok {
		t.Errorf("Changning meal subsidy: %v (present %v), want 0", n, ok)
	}
	if n, _, _ := value(t, w.table("310100", m), "meals.served"); n != 4 {
		t.Errorf("Shanghai meals: %v", n)
	}
	if n, _, _ := value(t, w.table("310104", m.Add(1)), "meals.subsidyFen"); n != 700 {
		t.Errorf("next month's meal subsidy: %v", n)
	}
	if r, basis, _ := value(t, changning, "visits.monthlyRate"); r != 1 || basis != 1 {
		t.Errorf("Changning visit rate: %v of %d", r, basis)
	}
	if n, _, ok := value(t, changning, "visits.overdue"); n != 0 || !ok {
		t.Errorf("Changning overdue visits: %v (present %v), want 0", n, ok)
	}
	shanghai := w.table("310100", m)
	if r, basis, _ := value(t, shanghai, "visits.monthlyRate"); r != 2.0/3 || basis != 3 {
		t.Errorf("Shanghai visit rate: %v of %d", r, basis)
	}
	// 智慧养老 coverage: uncle's device was taken away (0 of 1, present);
	// the city is granny1 of three; next month granny2's device and
	// granny3 count too; a district with nobody due has no share.
	if r, basis, ok := value(t, changning, "smartCare.coverage"); r != 0 || basis != 1 || !ok {
		t.Errorf("Changning device coverage: %v of %d (present %v), want 0 of 1", r, basis, ok)
	}
	if r, basis, _ := value(t, shanghai, "smartCare.coverage"); r != 1.0/3 || basis != 3 {
		t.Errorf("Shanghai device coverage: %v of %d", r, basis)
	}
	if r, basis, _ := value(t, w.table("310104", m.Add(1)), "smartCare.coverage"); r != 2.0/3 || basis != 3 {
		t.Errorf("next month's Xuhui device coverage: %v of %d", r, basis)
	}
	if _, _, ok := value(t, w.table("310106", m), "smartCare.coverage"); ok {
		t.Error("device coverage of a district with nobody due")
	}
	// This month (the clock's): granny3 is due too, nobody visited yet,
	// and nothing is overdue before the month is over.
	current := w.table("310104", m.Add(1))
	if r, basis, _ := value(t, current, "visits.monthlyRate"); r != 0 || basis != 3 {
		t.Errorf("this month's visit rate: %v of %d", r, basis)
	}
	if _, _, ok := value(t, current, "visits.overdue"); ok {
		t.Error("overdue visits counted before the month is over")
	}
	if v, _ := changning.Get("providers.byVerification"); !reflect.DeepEqual(v.Parts,
		[]indicator.Part{{Key: "pending", Value: 1}, {Key: "verified", Value: 1}}) {
		t.Errorf("Changning providers by verification: %+v", v.Parts)
	}
	if n, _, _ := value(t, changning, "caregivers.certified"); n != 2 {
		t.Errorf("Changning certified caregivers: %v", n)
	}
	// Shanghai city is both districts together: a caregiver of two
	// providers counts once.
	if n, _, _ := value(t, shanghai, "caregivers.certified"); n != 3 {
		t.Errorf("Shanghai certified caregivers: %v", n)
	}
	if n, _, _ := value(t, w.table("310104", m.Add(1)), "providers.count"); n != 2 {
		t.Errorf("next month's Xuhui providers: %v", n)
	}
	if n, _, _ := value(t, w.table("310100", m), "orders.count"); n != 4 {
		t.Errorf("Shanghai orders: %v", n)
	}
	if n, _, _ := value(t, w.table("310000", m), "complaints.count"); n != 4 {
		t.Errorf("Shanghai province complaints: %v", n)
	}
	alarms, _ := xuhui.Get("incidents.byKind")
	if !reflect.DeepEqual(alarms.Parts, []indicator.Part{{Key: "fall", Value: 1}, {Key: "sos", Value: 2}}) {
		t.Errorf("Xuhui alarms by kind: %+v", alarms.Parts)
	}
	// The next month holds the one order placed in it.
	if n, _, _ := value(t, w.table("310104", m.Add(1)), "orders.count"); n != 1 {
		t.Errorf("next month's orders: %v", n)
	}

	tables := func() []indicator.Table {
		var out []indicator.Table
		for _, code := range []string{"310104", "310105", "310100", "310000"} {
			for _, mm := range []indicator.Month{m, m.Add(1)} {
				out = append(out, w.table(code, mm))
			}
		}
		return out
	}
	before := tables()
	// Complaint rates over the last three months, per provider: Xuhui's
	// three complaints of four service orders and four meals served (the
	// cancelled, missed and pending ones are not), Changning's one of an
	// order and a meal; the district reads only its own.
	rates := func() map[string]indicator.ComplaintRate {
		t.Helper()
		r, err := w.svc.ComplaintRates(w.ctx, []string{"3101"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	wantRates := map[string]indicator.ComplaintRate{"xh": {Complaints: 3, Orders: 8}, "cn": {Complaints: 1, Orders: 2}}
	if got := rates(); !reflect.DeepEqual(got, wantRates) {
		t.Errorf("complaint rates: %+v, want %+v", got, wantRates)
	}
	if r, err := w.svc.ComplaintRates(w.ctx, []string{"310104", "3101"}); err != nil || !reflect.DeepEqual(r, wantRates) {
		t.Errorf("overlapping regions count a fact twice: %+v (%v)", r, err)
	}
	if r, _ := w.svc.ComplaintRates(w.ctx, []string{"310104"}); len(r) != 1 || r["xh"].PerHundred() != 37.5 {
		t.Errorf("Xuhui's complaint rates: %+v", r)
	}

	// At least once: every event handed on again, and one batch twice
	// in a row, counts once.
	journal, err := w.store.Journal().Undelivered(w.ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(journal) < 10 {
		t.Fatalf("the journal holds %d events", len(journal))
	}
	for range 2 {
		if err := w.proj.Observe(w.ctx, journal); err != nil {
			t.Fatal(err)
		}
	}
	if again := tables(); !reflect.DeepEqual(again, before) {
		t.Fatalf("events applied again changed the tables:\n%+v\n%+v", again, before)
	}

	// A rebuild from the collections gives the same tables.
	n, err := w.svc.Rebuild(w.ctx, platform)
	if err != nil {
		t.Fatal(err)
	}
	if n != 44 {
		t.Errorf("rebuild wrote %d facts, want 44", n)
	}
	if rebuilt := tables(); !reflect.DeepEqual(rebuilt, before) {
		t.Fatalf("the rebuild differs:\n%+v\n%+v", rebuilt, before)
	}
	if got := rates(); !reflect.DeepEqual(got, wantRates) {
		t.Errorf("complaint rates after the rebuild: %+v, want %+v", got, wantRates)
	}

	// A read model never built (a first start on a store with history)
	// is built at start; a built one is left alone.
	if err := w.store.IndicatorFacts().Reset(w.ctx); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{44, 0} {
		if n, err := w.proj.RebuildIfEmpty(w.ctx); err != nil || n != want {
			t.Fatalf("start %d built %d facts (%v), want %d", i+1, n, err, want)
		}
	}
	if built := tables(); !reflect.DeepEqual(built, before) {
		t.Fatalf("the first build differs:\n%+v\n%+v", built, before)
	}
}

// TestCertifiedCaregiversPerResidentNeedTheRegionsFigure: the rate per
// 10,000 residents aged 60+ appears once a regulator has entered the
// district's figure, holds in later years until another is entered, and
// never for the city, whose own figure nobody entered; bad entries are
// refused.
func TestCertifiedCaregiversPerResidentNeedTheRegionsFigure(t *testing.T) {
	w := newWorld(t, time.Now())
	m := indicator.MonthOf(w.clock.Now())
	last := calendar.Today(m.End().Add(-time.Second), indicator.Zone)
	w.provider("xh", "310104", m.Start().AddDate(-1, 0, 0), []provider.Kind{provider.HomeCare},
		verified(m.Start().AddDate(-1, 0, 1)),
		caregiver("cg-1", m.Start().AddDate(-1, 0, 1), certificate(provider.ElderlyCareWorker, last.AddDays(400))),
		caregiver("cg-2", m.Start().AddDate(-1, 0, 1), certificate(provider.Nurse, last.AddDays(400))))
	w.relayAll()
	if _, _, ok := value(t, w.table("310104", m), "caregivers.per10kAged60"); ok {
		t.Fatal("a rate per resident before any figure")
	}
	scope, _ := region.NewScope([]string{"310100"})
	official := actor.Actor{UserID: "reg", Roles: identity.NewRoles(identity.RoleRegulator), Regions: scope}
	lastYear := strconv.Itoa(m.Year - 1)
	r, err := w.svc.SetResidents(w.ctx, official, indicators.ResidentsCommand{Region: "310104", Year: lastYear, Aged60Plus: 4000})
	if err != nil || len(r.Figures) != 1 || r.Figures[0].EnteredBy != "reg" {
		t.Fatalf("entered %+v, %v", r, err)
	}
	if v, basis, ok := value(t, w.table("310104", m), "caregivers.per10kAged60"); !ok || v != 5 || basis != 4000 {
		t.Errorf("per 10,000 with last year's figure: %v of %d (present %v), want 5 of 4000", v, basis, ok)
	}
	if _, _, ok := value(t, w.table("310100", m), "caregivers.per10kAged60"); ok {
		t.Error("the city's rate from its districts' figures")
	}
	for _, c := range []struct {
		who             actor.Actor
		region, year    string
		aged60, wantErr string
	}{
		{official, "3101", lastYear, "1", "region_code_invalid"},
		{official, "320500", lastYear, "1", "region_not_supervised"},
		{official, "310000", lastYear, "1", "region_not_supervised"},
		{official, "310104", strconv.Itoa(m.Year + 1), "1", "year_in_future"},
		{official, "310104", "20x6", "1", "residents_invalid"},
		{official, "310104", lastYear, "0", "residents_invalid"},
		{actor.Actor{UserID: "fam", Roles: identity.NewRoles(identity.RoleFamily)}, "310104", lastYear, "1", "forbidden"},
		{actor.Actor{UserID: "boss", Roles: identity.NewRoles(identity.RoleProviderAdmin)}, "310104", lastYear, "1", "forbidden"},
	} {
		n, _ := strconv.ParseInt(c.aged60, 10, 64)
		_, err := w.svc.SetResidents(w.ctx, c.who, indicators.ResidentsCommand{Region: c.region, Year: c.year, Aged60Plus: n})
		if code(err) != c.wantErr {
			t.Errorf("%s entering %s %s: %v, want %s", c.who.UserID, c.region, c.year, err, c.wantErr)
		}
	}
	if got, err := w.svc.Residents(w.ctx, official, "310104"); err != nil || len(got.Figures) != 1 {
		t.Errorf("read back %+v, %v", got, err)
	}
}

// A fact written from an older state after a newer one (two relays, out
// of order) does not replace it.
func TestAnOlderFactDoesNotReplaceANewerOne(t *testing.T) {
	w := newWorld(t, time.Now())
	facts := w.store.IndicatorFacts()
	m := indicator.MonthOf(w.clock.Now())
	newer := indicator.Fact{Key: "order:o1", Kind: indicator.KindOrder, RegionCode: "310104", Month: m, Version: 3,
		ServiceType: "bathing", Outcome: indicator.OutcomeCompleted}
	older := newer
	older.Version, older.Outcome = 2, indicator.OutcomeOpen
	for _, f := range []indicator.Fact{newer, older} {
		if err := facts.Put(w.ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := facts.InRegion(w.ctx, "3101", m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Outcome != indicator.OutcomeCompleted || got[0].Version != 3 {
		t.Fatalf("kept %+v", got)
	}
}

// Who may read what, and bad input.
func TestIndicatorsAreForTheRegionsOfficialsOversee(t *testing.T) {
	w := newWorld(t, time.Now())
	scope, _ := region.NewScope([]string{"310100"})
	official := actor.Actor{UserID: "reg", Roles: identity.NewRoles(identity.RoleRegulator), Regions: scope}
	now := indicator.MonthOf(w.clock.Now())
	for _, c := range []struct {
		who    actor.Actor
		region string
		month  string
		code   string
	}{
		{official, "310104", "", ""},
		{official, "310100", now.String(), ""},
		{official, "310000", "", "region_not_supervised"},
		{official, "320500", "", "region_not_supervised"},
		{official, "3101", "", "region_code_invalid"},
		{official, "31010x", "", "region_code_invalid"},
		{official, "310104", now.Add(1).String(), "month_in_future"},
		{official, "310104", "2026-13", "month_invalid"}, // calendar-safe: no such month, ever
		{actor.Actor{UserID: "fam", Roles: identity.NewRoles(identity.RoleFamily)}, "310104", "", "forbidden"},
		{actor.Actor{UserID: "staff", Roles: identity.NewRoles(identity.RoleProviderAdmin)}, "310104", "", "forbidden"},
	} {
		_, err := w.svc.Table(w.ctx, c.who, indicators.Query{Region: c.region, Month: c.month})
		_, terr := w.svc.Trend(w.ctx, c.who, indicators.Query{Region: c.region, Month: c.month})
		if got, tgot := code(err), code(terr); got != c.code || tgot != c.code {
			t.Errorf("%s reading %s %q: %q / trend %q, want %q", c.who.UserID, c.region, c.month, got, tgot, c.code)
		}
	}
	if _, err := w.svc.Rebuild(w.ctx, official); code(err) != "forbidden" {
		t.Errorf("a regulator rebuilding: %v", err)
	}
}

func code(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
