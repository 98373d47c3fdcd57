package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/page"
	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
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
