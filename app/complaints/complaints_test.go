package complaints_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/region"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// database is a store that can be stopped and started again on the same
// data: the embedded FerretDB on one directory, or the same database of
// the MongoDB at MONGODB_URI.
type database struct {
	t     *testing.T
	dir   string
	name  string
	mongo *embedded.Mongo
	store *mongo.Store
}

func openDatabase(t *testing.T) *database {
	t.Helper()
	db := &database{t: t, dir: t.TempDir(), name: fmt.Sprintf("kincare_complaints_%d", time.Now().UnixNano())}
	db.start()
	t.Cleanup(func() {
		if os.Getenv("MONGODB_URI") != "" {
			_ = db.store.Drop(context.Background())
		}
		db.stop()
	})
	return db
}

func (db *database) start() {
	db.t.Helper()
	uri := os.Getenv("MONGODB_URI")
	if uri == "" {
		m, err := embedded.StartMongo(db.dir, quiet)
		if err != nil {
			db.t.Fatal(err)
		}
		db.mongo, uri = m, m.URI()
	}
	opts := mongo.Options{Database: db.name, MaxPool: 8}
	if db.mongo != nil {
		opts.SerializeWrites, opts.SQLiteDir, opts.VerifyEmbeddedQueries = true, db.mongo.Dir(), true
	}
	store, err := mongo.Connect(context.Background(), uri, opts)
	if err != nil {
		db.t.Fatal(err)
	}
	if err := store.EnsureIndexes(context.Background()); err != nil {
		db.t.Fatal(err)
	}
	db.store = store
}

// stop closes the connection and, when embedded, the database server:
// nothing of the process it served survives.
func (db *database) stop() {
	if db.store == nil {
		return
	}
	_ = db.store.Close(context.Background())
	db.store = nil
	if db.mongo != nil {
		_ = db.mongo.Close(context.Background())
		db.mongo = nil
	}
}

// world is a provider, a family with an order of it, another family and
// another provider, on one database, with a clock the test moves.
type world struct {
	t       *testing.T
	db      *database
	now     time.Time
	orderID string
	credit  complaints.Credit
}

const (
	daughter  = "daughter"
	son       = "son"
	stranger  = "stranger-family"
	boss      = "boss"
	rivalBoss = "rival-boss"
	official  = "official"
)

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, db: openDatabase(t), now: time.Now().UTC().Truncate(time.Millisecond)}
	ctx := context.Background()
	s := w.db.store
	for _, f := range []struct{ id, owner, other string }{{"wang", daughter, son}, {"li", stranger, ""}} {
		fam, err := family.New(f.id, f.id+"家", "", f.owner, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if f.other != "" {
			if err := fam.Join(f.other, family.RoleMember, w.now); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Families().Create(ctx, fam); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct{ id, admin, region string }{{"xinfu", boss, "310104"}, {"rival", rivalBoss, "320102"}} {
		prov := &provider.Provider{ID: p.id, Admins: []string{p.admin}, Status: provider.Verified,
			Credit: provider.RedListed, CreditWhy: "2026 年度优秀", CreditAt: w.now.Add(-30 * 24 * time.Hour),
			Profile: provider.Profile{LegalName: p.id + "助浴中心", TimeZone: "Asia/Shanghai",
				Address: geo.Address{RegionCode: p.region, Location: geo.Point{Lat: 31.19, Lng: 121.44}}}}
		if err := s.Providers().Create(ctx, prov); err != nil {
			t.Fatal(err)
		}
	}
	start := w.now.Add(-3 * time.Hour)
	o := order.Unmarshal(order.Snapshot{ID: newID(), OrderedBy: daughter, ElderID: "mother", FamilyID: "wang",
		ProviderID: "xinfu", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Window: order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Status: order.StatusCompleted, CheckOut: &order.CheckOut{ServerTime: start.Add(time.Hour)}, CreatedAt: start})
	if err := s.Orders().Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	w.orderID = o.ID()
	return w
}

// service is the complaints service as a freshly started process builds
// it: nothing but the database is shared with any earlier one.
func (w *world) service() *complaints.Service {
	w.t.Helper()
	s := w.db.store
	credit := w.credit
	if credit == nil {
		rdb, _ := testenv.Redis(w.t)
		credit = providers.NewService(providers.Deps{Providers: s.Providers(), Index: redis.NewGeoIndex(rdb,
			"{geo:test-"+newID()+"}"), Now: func() time.Time { return w.now }, NewID: newID, Log: quiet})
	}
	return complaints.NewService(complaints.Deps{Complaints: s.Complaints(), Orders: s.Orders(), Bookings: s.Bookings(),
		Families: s.Families(), Providers: s.Providers(), Credit: credit, Now: func() time.Time { return w.now },
		NewID: newID, RespondWithin: 48 * time.Hour, Log: quiet})
}

func person(id string, roles ...identity.Role) actor.Actor {
	return actor.Actor{UserID: id, Roles: identity.NewRoles(append(roles, identity.RoleFamily)...)}
}

// regulator is an official overseeing regions.
func regulator(id string, regions ...string) actor.Actor {
	a := person(id, identity.RoleRegulator)
	a.Regions = region.UnmarshalScope(regions)
	return a
}

func (w *world) file(svc *complaints.Service) *complaint.Complaint {
	w.t.Helper()
	c, err := svc.File(context.Background(), person(daughter), complaints.FileCommand{
		Subject: complaint.Subject{Kind: complaint.AboutOrder, ID: w.orderID}, Category: "late_or_no_show",
		Text: "护理员迟到一小时，洗澡很匆忙。", Desired: "apology"})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func eventTypes(c *complaint.Complaint) []event.Type {
	var out []event.Type
	for _, e := range c.Pending() {
		out = append(out, e.Type)
	}
	return out
}

// Done-when: the response timer escalates at 48 h, measured on a clock
// the test moves, with the process (and with it the embedded database
// server) stopped and started again in between. App-level on the real
// store rather than end to end: the binary runs on the real clock, on
// which 48 hours cannot pass in a test, and the deadline is a field of
// the complaint in MongoDB, which is exactly what a restart must keep —
// no timer lives in memory or in Redis to be lost or rebuilt. (The end
// to end story escalates through the binary with a deadline of seconds.)
func TestAnUnansweredComplaintEscalatesAtFortyEightHoursAcrossARestart(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	filedAt := w.now
	c := w.file(w.service())
	if c.Status() != complaint.StatusOpen || !c.RespondBy().Equal(filedAt.Add(48*time.Hour)) {
		t.Fatalf("filed: %s, respond by %s", c.Status(), c.RespondBy())
	}
	w.now = filedAt.Add(24 * time.Hour)
	if res, err := w.service().Sweep(ctx); err != nil || res.Escalated != 0 {
		t.Fatalf("sweep at 24 h: %+v, %v", res, err)
	}

	// The process stops; a new one starts on the same data.
	w.db.stop()
	w.db.start()
	svc := w.service()

	w.now = filedAt.Add(48*time.Hour - time.Second)
	if res, err := svc.Sweep(ctx); err != nil || res.Escalated != 0 {
		t.Fatalf("sweep a second before the deadline: %+v, %v", res, err)
	}
	w.now = filedAt.Add(48 * time.Hour)
	if res, err := svc.Sweep(ctx); err != nil || res.Escalated != 1 {
		t.Fatalf("sweep at the deadline: %+v, %v", res, err)
	}
	if res, err := svc.Sweep(ctx); err != nil || res.Escalated != 0 {
		t.Fatalf("a second sweep escalated again: %+v, %v", res, err)
	}
	got, err := w.db.store.Complaints().Get(ctx, c.ID())
	if err != nil {
		t.Fatal(err)
	}
	esc, _ := got.Escalation()
	if got.Status() != complaint.StatusEscalated || esc.By != complaint.PartySystem || !esc.At.Equal(w.now) {
		t.Fatalf("after the deadline: %s, escalation %+v", got.Status(), esc)
	}
	if types := eventTypes(got); len(types) != 2 || types[0] != complaint.EventFiled || types[1] != complaint.EventEscalated {
		t.Fatalf("events waiting for the relay: %v", types)
	}

	// The provider answers late: kept for the regulator, still escalated.
	w.now = filedAt.Add(50 * time.Hour)
	v, err := svc.Respond(ctx, person(boss, identity.RoleProviderAdmin), c.ID(), "抱歉，护理员当天车辆故障。")
	if r, _ := v.Complaint.Reply(); err != nil || v.Complaint.Status() != complaint.StatusEscalated || !r.Late {
		t.Fatalf("late answer: %v %s %+v", err, v.Complaint.Status(), r)
	}
	_, err = svc.Accept(ctx, person(daughter), c.ID())
	if !fault.Is(err, complaint.ErrTransition) {
		t.Fatalf("accepting a late answer: %v", err)
	}

	// A regulator decides and lowers the provider's credit.
	w.now = filedAt.Add(72 * time.Hour)
	v, err = svc.Decide(ctx, regulator(official, "310100"), c.ID(), complaint.DecisionInput{
		Outcome: complaint.Upheld, Text: "投诉属实，超时未回复，取消优秀评定。", Credit: provider.CreditNormal})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := v.Complaint.Decision(); v.Complaint.Status() != complaint.StatusDecided || d.CreditPending {
		t.Fatalf("decided: %s %+v", v.Complaint.Status(), d)
	}
	p, _ := w.db.store.Providers().Get(ctx, "xinfu")
	if p.Credit != provider.CreditNormal || !p.CreditAt.Equal(w.now) || !strings.Contains(p.CreditWhy, c.ID()) {
		t.Fatalf("provider credit %s (%s at %s)", p.Credit, p.CreditWhy, p.CreditAt)
	}

	// The provider's credit history reads the decision's change, with
	// the official, the complaint and the reason, above the standing it
	// had before; to the regulators of its region and the platform only.
	provs := providers.NewService(providers.Deps{Providers: w.db.store.Providers(), Now: func() time.Time { return w.now },
		NewID: newID, Log: quiet})
	h, err := provs.CreditHistory(ctx, regulator("xuhui-official", "310104"), "xinfu", "", 1)
	if err != nil || len(h.Changes) != 1 || h.NextCursor == "" {
		t.Fatalf("the first page of the history: %+v %v", h, err)
	}
	if ch := h.Changes[0]; ch.From != provider.RedListed || ch.To != provider.CreditNormal || ch.By != official ||
		ch.ComplaintID != c.ID() || ch.Reason != p.CreditWhy || !ch.At.Equal(w.now) {
		t.Fatalf("the decision's change: %+v", ch)
	}
	h, err = provs.CreditHistory(ctx, regulator("xuhui-official", "310104"), "xinfu", h.NextCursor, 1)
	if err != nil || len(h.Changes) != 1 || h.NextCursor != "" || h.Changes[0].To != provider.RedListed ||
		h.Changes[0].Reason != "2026 年度优秀" {
		t.Fatalf("the second page of the history: %+v %v", h, err)
	}
	if _, err := provs.CreditHistory(ctx, regulator("suzhou-official", "320500"), "xinfu", "", 0); !fault.Is(err, provider.ErrNotFound) {
		t.Fatalf("another region's regulator reading the history: %v", err)
	}
	if _, err := provs.CreditHistory(ctx, person(boss, identity.RoleProviderAdmin), "xinfu", "", 0); !fault.Is(err, fault.ErrForbidden) {
		t.Fatalf("the provider's admin reading the history: %v", err)
	}
}

// Bad input: another family's order, another provider's complaint, a
// regulator before escalation, a non-regulator's decision.
func TestAComplaintIsOnlyItsPartiesBusiness(t *testing.T) {
	w := newWorld(t)
	svc := w.service()
	ctx := context.Background()
	_, err := svc.File(ctx, person(stranger), complaints.FileCommand{
		Subject:  complaint.Subject{Kind: complaint.AboutOrder, ID: w.orderID},
		Category: "hygiene", Text: "我想投诉这个订单", Desired: "refund"})
	if !fault.Is(err, order.ErrNotFound) {
		t.Fatalf("another family's order: %v, want order_not_found", err)
	}
	_, err = svc.File(ctx, person(stranger), complaints.FileCommand{
		Subject: complaint.Subject{Kind: complaint.AboutProvider, ID: "xinfu"}, FamilyID: "wang",
		Category: "hygiene", Text: "我想投诉这个机构", Desired: "refund"})
	if !fault.Is(err, family.ErrNotFound) {
		t.Fatalf("a provider complaint for another family: %v, want family_not_found", err)
	}
	c := w.file(svc)
	if _, err := svc.File(ctx, person(son), complaints.FileCommand{
		Subject:  complaint.Subject{Kind: complaint.AboutOrder, ID: w.orderID},
		Category: "hygiene", Text: "同一个订单再投诉一次", Desired: "refund"}); !fault.Is(err, complaint.ErrExists) {
		t.Fatalf("a second complaint about the order: %v", err)
	}

	for name, a := range map[string]actor.Actor{
		"another family":                 person(stranger),
		"another provider's admin":       person(rivalBoss, identity.RoleProviderAdmin),
		"a regulator, before escalation": regulator(official, "310100"),
	} {
		if _, err := svc.Get(ctx, a, c.ID()); !fault.Is(err, complaint.ErrNotFound) {
			t.Errorf("%s reads it: %v", name, err)
		}
	}
	if _, err := svc.Respond(ctx, person(rivalBoss, identity.RoleProviderAdmin), c.ID(), "与我无关"); !fault.Is(err, complaint.ErrNotFound) {
		t.Errorf("another provider answers it: %v, want complaint_not_found", err)
	}
	if _, err := svc.Respond(ctx, person(son), c.ID(), "我替机构回复"); !fault.Is(err, complaint.ErrForbidden) {
		t.Errorf("the family answers as the provider: %v, want complaint_action_forbidden", err)
	}
	if _, err := svc.Escalate(ctx, person(son), c.ID(), "等不及了"); !fault.Is(err, complaint.ErrAwaitingResponse) {
		t.Errorf("escalating before the provider's time is up: %v", err)
	}
	if _, err := svc.ForProvider(ctx, person(rivalBoss, identity.RoleProviderAdmin), "xinfu", complaints.ListQuery{}); !fault.Is(err, provider.ErrNotFound) {
		t.Errorf("another provider lists its complaints: %v", err)
	}
	if _, err := svc.ForRegulator(ctx, person(boss, identity.RoleProviderAdmin), complaints.ListQuery{}); !fault.Is(err, fault.ErrForbidden) {
		t.Errorf("a provider lists the regulator's complaints: %v", err)
	}

	// The provider answers; the family is not satisfied; now it is the
	// regulator's.
	if _, err := svc.Respond(ctx, person(boss, identity.RoleProviderAdmin), c.ID(), "我们已经道歉"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Escalate(ctx, person(son), c.ID(), "敷衍"); err != nil {
		t.Fatal(err)
	}
	if v, err := svc.Get(ctx, regulator(official, "310100"), c.ID()); err != nil || v.As != complaint.PartyRegulator {
		t.Fatalf("the regulator reads the escalated complaint: %+v, %v", v, err)
	}
	decision := complaint.DecisionInput{Outcome: complaint.NotUpheld, Text: "证据不足"}
	if _, err := svc.Decide(ctx, person(boss, identity.RoleProviderAdmin), c.ID(), decision); !fault.Is(err, fault.ErrForbidden) {
		t.Errorf("the provider decides: %v, want forbidden", err)
	}
	list, err := svc.ForRegulator(ctx, regulator(official, "310100"), complaints.ListQuery{Region: "3101"})
	if err != nil || len(list.Views) != 1 || list.Views[0].Complaint.ID() != c.ID() {
		t.Fatalf("the regulator's list in 3101: %+v, %v", list, err)
	}
	if list, _ := svc.ForRegulator(ctx, regulator(official, "310100"), complaints.ListQuery{Region: "32"}); len(list.Views) != 0 {
		t.Errorf("listed in Jiangsu: %d", len(list.Views))
	}
	if _, err := svc.ForRegulator(ctx, regulator(official, "310100"), complaints.ListQuery{Region: "3"}); !fault.Is(err, complaints.ErrRegionInvalid) {
		t.Errorf("region 3: %v", err)
	}
	// A regulator of Suzhou neither sees nor lists nor decides Shanghai's
	// complaint; one of Shanghai province lists it.
	suzhou := regulator("suzhou-official", "320500")
	if _, err := svc.Get(ctx, suzhou, c.ID()); !fault.Is(err, complaint.ErrNotFound) {
		t.Errorf("Suzhou's regulator reads it: %v", err)
	}
	if _, err := svc.Decide(ctx, suzhou, c.ID(), decision); !fault.Is(err, complaint.ErrNotFound) {
		t.Errorf("Suzhou's regulator decides it: %v", err)
	}
	for _, q := range []string{"", "31", "3101", "32"} {
		if list, err := svc.ForRegulator(ctx, suzhou, complaints.ListQuery{Region: q}); err != nil || len(list.Views) != 0 {
			t.Errorf("Suzhou's regulator lists %d in %q: %v", len(list.Views), q, err)
		}
	}
	if list, err := svc.ForRegulator(ctx, regulator("sh", "310000"), complaints.ListQuery{}); err != nil || len(list.Views) != 1 {
		t.Errorf("Shanghai's regulator lists %d: %v", len(list.Views), err)
	}
	if list, _ := svc.ForRegulator(ctx, regulator("nobody"), complaints.ListQuery{}); len(list.Views) != 0 {
		t.Errorf("a regulator without regions lists %d", len(list.Views))
	}
	if _, err := svc.Decide(ctx, regulator(official, "310100"), c.ID(), decision); err != nil {
		t.Fatal(err)
	}
	mine, err := svc.ForFamily(ctx, person(son), "wang", complaints.ListQuery{})
	if err != nil || len(mine.Views) != 1 || mine.Views[0].Complaint.Status() != complaint.StatusDecided {
		t.Fatalf("the family's list: %+v, %v", mine, err)
	}
}

// A crash between the decision and the provider's credit leaves the
// change pending; the sweep applies it once. A standing the regulator set
// after the decision is not overwritten.
func TestACreditChangeLeftPendingIsAppliedBySweep(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.credit = failingCredit{}
	svc := w.service()
	c := w.file(svc)
	w.now = w.now.Add(49 * time.Hour)
	v, err := svc.Decide(ctx, regulator(official, "310100"), c.ID(), complaint.DecisionInput{
		Outcome: complaint.Upheld, Text: "属实", Credit: provider.BlackListed})
	if err != nil {
		t.Fatalf("decided with the provider unreachable: %v", err)
	}
	if d, _ := v.Complaint.Decision(); !d.CreditPending {
		t.Fatalf("the credit change is not pending: %+v", d)
	}
	w.credit = nil // the next process reaches the provider
	svc = w.service()
	w.now = w.now.Add(time.Minute)
	if res, err := svc.Sweep(ctx); err != nil || res.CreditApplied != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	if p, _ := w.db.store.Providers().Get(ctx, "xinfu"); p.Credit != provider.BlackListed {
		t.Fatalf("credit %s, want black_listed", p.Credit)
	}
	if res, _ := svc.Sweep(ctx); res.CreditApplied != 0 {
		t.Fatalf("applied twice: %+v", res)
	}

	// A standing the regulator set after a decision wins over the
	// decision's change still pending.
	w.credit = failingCredit{}
	svc = w.service()
	other, err := svc.File(ctx, person(son), complaints.FileCommand{
		Subject: complaint.Subject{Kind: complaint.AboutProvider, ID: "rival"}, FamilyID: "wang",
		Category: "billing", Text: "多收了上门费五十元", Desired: "refund"})
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(48 * time.Hour)
	if _, err := svc.Decide(ctx, regulator(official, "320100"), other.ID(), complaint.DecisionInput{
		Outcome: complaint.Upheld, Text: "多收费属实", Credit: provider.BlackListed}); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Minute)
	if _, err := w.db.store.Providers().Update(ctx, "rival", func(p *provider.Provider) error {
		return p.SetCredit(provider.CreditNormal, "已退款，复核后恢复", provider.CreditSource{}, "ev-credit", w.now)
	}); err != nil {
		t.Fatal(err)
	}
	w.credit = nil
	w.now = w.now.Add(time.Minute)
	if res, err := w.service().Sweep(ctx); err != nil || res.CreditApplied != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	if p, _ := w.db.store.Providers().Get(ctx, "rival"); p.Credit != provider.CreditNormal {
		t.Fatalf("credit %s: the pending decision overwrote a later standing", p.Credit)
	}
}

type failingCredit struct{}

func (failingCredit) CreditFromDecision(context.Context, string, provider.Credit, string, provider.CreditSource,
	time.Time) error {
	return errors.New("provider store unreachable")
}

// A childcare booking takes a complaint from its family only, about the
// booking's provider; once.
func TestABookingIsComplainedAboutByItsFamily(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	start := w.now.Add(24 * time.Hour)
	b := reservation.UnmarshalBooking(reservation.BookingSnapshot{ID: newID(), SlotID: "slot", ProviderID: "rival",
		Window: reservation.Window{Start: start, End: start.Add(8 * time.Hour), TimeZone: "Asia/Shanghai"},
		Seat:   reservation.Seat{HoldID: "h", BookedBy: daughter, FamilyID: "wang", RecipientID: "baby", At: w.now},
		Status: reservation.Confirmed})
	if _, err := w.db.store.Bookings().Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	svc := w.service()
	cmd := complaints.FileCommand{Subject: complaint.Subject{Kind: complaint.AboutBooking, ID: b.ID()},
		Category: "safety", Text: "接孩子时发现手臂有划伤，老师说不清楚原因。", Desired: "investigation"}
	if _, err := svc.File(ctx, person(stranger), cmd); !fault.Is(err, reservation.ErrBookingNotFound) {
		t.Fatalf("another family: %v, want booking_not_found", err)
	}
	c, err := svc.File(ctx, person(son), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if c.ProviderID() != "rival" || c.FamilyID() != "wang" || c.RegionCode() != "320102" || c.FiledBy() != son {
		t.Fatalf("filed %+v", c.Snapshot())
	}
	if _, err := svc.File(ctx, person(daughter), cmd); !fault.Is(err, complaint.ErrExists) {
		t.Fatalf("a second complaint about the booking: %v", err)
	}
	if v, err := svc.Get(ctx, person(rivalBoss), c.ID()); err != nil || v.As != complaint.PartyProvider {
		t.Fatalf("the booking's provider reads it: %+v, %v", v, err)
	}
	if _, err := svc.Get(ctx, person(boss), c.ID()); !fault.Is(err, complaint.ErrNotFound) {
		t.Fatalf("another provider reads it: %v", err)
	}
}
