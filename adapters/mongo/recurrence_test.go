package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/recurrence"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

// countingTarget makes nothing but counts what it was asked to make.
type countingTarget struct {
	plans []apprec.Plan
	mu    sync.Mutex
	made  map[string]int
}

func (c *countingTarget) Kind() string { return "count" }
func (c *countingTarget) Plans(_ context.Context, after string, limit int) ([]apprec.Plan, error) {
	var out []apprec.Plan
	for _, p := range c.plans {
		if p.PlanID() > after && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}
func (c *countingTarget) Materialise(_ context.Context, _ apprec.Plan, o apprec.Occurrence) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.made[o.Key]++
	return "made-" + o.ID, nil
}
func (c *countingTarget) Skipped(context.Context, apprec.Plan, apprec.Occurrence, *fault.Error) error {
	return nil
}

// orderTarget stores a real order per occurrence, as app/recurrence's
// home-care target does through app/orders (pricing aside): an order
// already stored under the occurrence's id is what was made.
type orderTarget struct {
	countingTarget
	store *mongo.Store
}

func (o *orderTarget) Materialise(ctx context.Context, _ apprec.Plan, occ apprec.Occurrence) (string, error) {
	if got, _, err := o.store.Orders().Get(ctx, occ.ID); err == nil {
		return got.ID(), nil
	}
	made, err := order.New(order.Draft{ID: occ.ID, OrderedBy: "daughter", ElderID: "father", FamilyID: "fam",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, InclusiveFen: 12000, DueFen: 12000},
		Window:  order.Window{Start: occ.Start, End: occ.End, TimeZone: "Asia/Shanghai"},
		Address: geo.Address{Province: "上海市", City: "上海市", District: "徐汇区", Street: "漕溪北路1号",
			RegionCode: "310104", Location: geo.Point{Lat: 31.1883, Lng: 121.4365}},
	}, uuid.Must(uuid.NewV7()).String(), time.Now())
	if err != nil {
		return "", err
	}
	if err := o.store.Orders().Create(ctx, made); err != nil {
		return "", err
	}
	o.mu.Lock()
	o.made[occ.Key]++
	o.mu.Unlock()
	return made.ID(), nil
}

func newRule(t *testing.T, id, elderID string, now time.Time, days ...time.Weekday) *recurrence.Rule {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s, err := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly, Weekdays: days,
		TimeZone: "Asia/Shanghai", StartsOn: calendar.Today(now, loc), At: 23*60 + 30, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r, err := recurrence.New(recurrence.Draft{ID: id, FamilyID: "fam", ElderID: elderID, CreatedBy: "daughter",
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, Schedule: s}, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Many workers running the generator at once over the same plans make
// each occurrence once: the occurrence's key is its document's _id.
func TestConcurrentGeneratorRunsMakeEachOccurrenceOnce(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	every := []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday,
		time.Saturday}
	tg := &countingTarget{made: map[string]int{}}
	for i := range 4 {
		tg.plans = append(tg.plans, newRule(t, fmt.Sprintf("plan-%d", i), "e", now, every...))
	}
	records := store.Occurrences()
	var wg sync.WaitGroup
	const workers = 12
	for range workers {
		wg.Go(func() {
			g := apprec.NewGenerator(records, apprec.Config{}, func() time.Time { return now },
				func() string { return uuid.Must(uuid.NewV7()).String() }, nil, tg)
			if _, err := g.Run(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want := 0
	for _, p := range tg.plans {
		occs := p.Occurrences(now, now.Add(apprec.DefaultHorizon))
		want += len(occs)
		recs, err := records.ForPlan(ctx, "count", p.PlanID(), calendar.Today(now, time.UTC).AddDays(-2),
			calendar.Today(now, time.UTC).AddDays(10))
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(occs) {
			t.Fatalf("%s: %d records in MongoDB, %d occurrences", p.PlanID(), len(recs), len(occs))
		}
		for _, r := range recs {
			if r.State != apprec.Made || r.Ref != "made-"+r.ID || tg.made[r.Key] != 1 {
				t.Fatalf("record %+v made %d times", r, tg.made[r.Key])
			}
		}
	}
	if want < 4*6 || len(tg.made) != want {
		t.Fatalf("made %d distinct occurrences, want %d", len(tg.made), want)
	}
}

// The same race with real orders: afterwards MongoDB holds one order per
// occurrence, each the one its record names; a generator started afresh
// (a restart) finds nothing left to make.
func TestConcurrentGeneratorRunsStoreOneOrderPerOccurrence(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tg := &orderTarget{countingTarget: countingTarget{made: map[string]int{}}, store: store}
	tg.plans = []apprec.Plan{newRule(t, "bathing", "father", now, time.Monday, time.Wednesday, time.Friday,
		time.Sunday)}
	newGen := func() *apprec.Generator {
		return apprec.NewGenerator(store.Occurrences(), apprec.Config{}, func() time.Time { return now },
			func() string { return uuid.Must(uuid.NewV7()).String() }, nil, tg)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := newGen().Run(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	occs := tg.plans[0].Occurrences(now, now.Add(apprec.DefaultHorizon))
	stored, _, err := store.Orders().List(ctx, orders.Filter{ElderID: "father"}, page.Request{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(occs) < 3 || len(stored) != len(occs) {
		t.Fatalf("%d orders in MongoDB for %d occurrences", len(stored), len(occs))
	}
	starts := map[time.Time]int{}
	for _, o := range stored {
		starts[o.Window().Start.UTC()]++
	}
	recs, err := store.Occurrences().ForPlan(ctx, "count", "bathing", calendar.Today(now, time.UTC).AddDays(-2),
		calendar.Today(now, time.UTC).AddDays(10))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if starts[r.Start.UTC()] != 1 || r.State != apprec.Made {
			t.Fatalf("occurrence %s: %d orders, record %+v", r.Date, starts[r.Start.UTC()], r)
		}
		if _, _, err := store.Orders().Get(ctx, r.Ref); err != nil {
			t.Fatalf("the record names order %s: %v", r.Ref, err)
		}
	}
	if res, err := newGen().Run(ctx); err != nil || res != (apprec.Result{}) {
		t.Fatalf("a generator after a restart: %+v, %v", res, err)
	}
}

func TestRecurringOrdersStore(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	rules := store.RecurringOrders()
	now := time.Now()
	for i := range 3 {
		r := newRule(t, fmt.Sprintf("r-%d", i), "elder-1", now, time.Tuesday, time.Friday)
		if err := rules.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rules.Create(ctx, newRule(t, "r-other", "elder-2", now, time.Monday)); err != nil {
		t.Fatal(err)
	}
	got, err := rules.Get(ctx, "r-1")
	if err != nil {
		t.Fatal(err)
	}
	if sp := got.Schedule().Spec(); len(sp.Weekdays) != 2 || sp.At != 23*60+30 || sp.Duration != time.Hour {
		t.Fatalf("schedule read back %+v", sp)
	}
	next := got.Schedule().Between(now, now.Add(8*24*time.Hour))[0]
	if _, err := rules.Update(ctx, "r-1", func(r *recurrence.Rule) error {
		if err := r.Skip(next.Date, now); err != nil {
			return err
		}
		return r.OccurrenceSkipped(next, "price_changed", "ev-1", now)
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ = rules.Get(ctx, "r-1"); len(got.Skips()) != 1 || len(got.Pending()) != 1 {
		t.Fatalf("skips %v, events %d", got.Skips(), len(got.Pending()))
	}
	if _, err := rules.Update(ctx, "r-2", func(r *recurrence.Rule) error { return r.Pause(now) }); err != nil {
		t.Fatal(err)
	}
	first, more, err := rules.ForElder(ctx, "elder-1", page.Request{Limit: 2})
	if err != nil || len(first) != 2 || !more || first[0].ID() != "r-2" {
		t.Fatalf("first page %d, more %v, %v", len(first), more, err)
	}
	active, err := rules.Active(ctx, "", 10)
	if err != nil || len(active) != 3 {
		t.Fatalf("%d active, %v", len(active), err)
	}
	if _, err := rules.Get(ctx, "nope"); !fault.Is(err, recurrence.ErrNotFound) {
		t.Fatal(err)
	}
}

// BenchmarkGeneratorRun measures the generator's cost on the store: a
// first run that claims and finishes every occurrence of many rules (two
// a week each, inside a 7-day horizon), then a steady run that finds
// them all made. The target makes nothing, so this is the generator's
// own share, not the orders'.
//
//	go test ./adapters/mongo -run '^$' -bench BenchmarkGeneratorRun -benchtime 1x
func BenchmarkGeneratorRun(b *testing.B) {
	ctx := context.Background()
	store := testenv.EmbeddedMongo(b, "bench")
	now := time.Now()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	const rules = 300
	for range b.N {
		tg := &countingTarget{made: map[string]int{}}
		for i := range rules {
			s, err := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly,
				Weekdays: []time.Weekday{time.Weekday(i % 7), time.Weekday((i + 3) % 7)}, TimeZone: "Asia/Shanghai",
				StartsOn: calendar.Today(now, loc), At: 23*60 + 30, Duration: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			r, err := recurrence.New(recurrence.Draft{ID: uuid.Must(uuid.NewV7()).String(), FamilyID: "f", ElderID: "e",
				CreatedBy: "u", ProviderID: "p", ItemID: "i", PriceVersion: 1, Schedule: s}, now)
			if err != nil {
				b.Fatal(err)
			}
			tg.plans = append(tg.plans, r)
		}
		g := apprec.NewGenerator(store.Occurrences(), apprec.Config{}, func() time.Time { return now },
			func() string { return uuid.Must(uuid.NewV7()).String() }, nil, tg)
		start := time.Now()
		first, err := g.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		firstTook := time.Since(start)
		start = time.Now()
		steady, err := g.Run(ctx)
		if err != nil || steady != (apprec.Result{}) {
			b.Fatalf("steady run %+v, %v", steady, err)
		}
		b.ReportMetric(float64(first.Made), "occurrences")
		b.ReportMetric(firstTook.Seconds(), "s/first-run")
		b.ReportMetric(time.Since(start).Seconds(), "s/steady-run")
	}
}
