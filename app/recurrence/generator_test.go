package recurrence_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
)

// memRecords is Records in memory, for the generator's logic; the
// MongoDB adapter has its own test of the same contract under races.
type memRecords struct {
	mu sync.Mutex
	m  map[string]apprec.Record
}

func newMemRecords() *memRecords { return &memRecords{m: map[string]apprec.Record{}} }

func (r *memRecords) Claim(_ context.Context, rec apprec.Record) (apprec.Record, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if got, ok := r.m[rec.Key]; ok {
		return got, false, nil
	}
	r.m[rec.Key] = rec
	return rec, true, nil
}

func (r *memRecords) Retake(_ context.Context, key string, was, now time.Time) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.m[key]
	if got.State != apprec.Claimed || !got.ClaimedAt.Equal(was) {
		return false, nil
	}
	got.ClaimedAt = now
	r.m[key] = got
	return true, nil
}

func (r *memRecords) Finish(_ context.Context, key string, st apprec.State, ref, code string, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.m[key]
	got.State, got.Ref, got.Code, got.DoneAt = st, ref, code, at
	r.m[key] = got
	return nil
}

func (r *memRecords) ForPlan(_ context.Context, kind, planID string, from, to calendar.Date) ([]apprec.Record, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []apprec.Record
	for _, rec := range r.m {
		if rec.Kind == kind && rec.PlanID == planID && !rec.Date.Before(from) && !to.Before(rec.Date) {
			out = append(out, rec)
		}
	}
	return out, nil
}

func (r *memRecords) Forget(_ context.Context, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, key)
	return nil
}

// plan is a schedule as a Plan.
type plan struct {
	id string
	s  recurrence.Schedule
}

func (p plan) PlanID() string { return p.id }
func (p plan) Occurrences(from, to time.Time) []recurrence.Occurrence {
	return p.s.Between(from, to)
}

// target records what it was asked to make; refuse and fail decide its
// answer per date.
type target struct {
	mu      sync.Mutex
	plans   []apprec.Plan
	made    map[string][]time.Time // plan → starts
	ids     map[string]string      // key → id given
	skipped []string
	refuse  func(calendar.Date) error
}

func newTarget(plans ...apprec.Plan) *target {
	return &target{plans: plans, made: map[string][]time.Time{}, ids: map[string]string{}}
}

func (t *target) Kind() string { return "test" }
func (t *target) Plans(_ context.Context, after string, limit int) ([]apprec.Plan, error) {
	var out []apprec.Plan
	for _, p := range t.plans {
		if p.PlanID() > after && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}
func (t *target) Materialise(_ context.Context, p apprec.Plan, o apprec.Occurrence) (string, error) {
	if t.refuse != nil {
		if err := t.refuse(o.Date); err != nil {
			return "", err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if first, ok := t.ids[o.Key]; ok && first != o.ID {
		return "", fmt.Errorf("occurrence %s made with ids %s and %s", o.Key, first, o.ID)
	}
	t.ids[o.Key] = o.ID
	t.made[p.PlanID()] = append(t.made[p.PlanID()], o.Start)
	return "made-" + o.ID, nil
}
func (t *target) Skipped(_ context.Context, _ apprec.Plan, o apprec.Occurrence, why *fault.Error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.skipped = append(t.skipped, o.Date.String()+" "+why.Code)
	return nil
}

type testClock struct{ t time.Time }

func (c *testClock) Now() time.Time { return c.t }

func counter() func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("id-%04d", n)
	}
}

// A year of daily runs in two zones, one of them through both daylight
// saving changes, makes exactly the Tuesdays and Fridays at 10:00 local,
// once each, as a plain walk over the calendar finds them.
// calendar-safe: the generator's clock is this test's; nothing here meets
// a real clock.
func TestAYearOfDailyRunsMakesEachDateOnce(t *testing.T) {
	for _, zone := range []string{"Asia/Shanghai", "America/New_York"} {
		loc, _ := time.LoadLocation(zone)
		first := calendar.Date{Year: 2027, Month: time.January, Day: 1}
		last := calendar.Date{Year: 2027, Month: time.December, Day: 31}
		s, err := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly,
			Weekdays: []time.Weekday{time.Tuesday, time.Friday}, TimeZone: zone, StartsOn: first, EndsOn: last,
			At: 600, Duration: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		tg := newTarget(plan{id: "p1", s: s})
		clk := &testClock{t: time.Date(2026, 12, 20, 0, 0, 0, 0, loc)}
		g := apprec.NewGenerator(newMemRecords(), apprec.Config{}, clk.Now, counter(), nil, tg)
		for clk.t.Before(time.Date(2028, 1, 10, 0, 0, 0, 0, loc)) {
			if _, err := g.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			clk.t = clk.t.Add(24 * time.Hour)
		}
		var want []time.Time
		for d := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == 2027; d = d.AddDate(0, 0, 1) {
			if d.Weekday() == time.Tuesday || d.Weekday() == time.Friday {
				want = append(want, time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc).UTC())
			}
		}
		got := tg.made["p1"]
		if len(got) != len(want) {
			t.Fatalf("%s: made %d, want %d", zone, len(got), len(want))
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Fatalf("%s: occurrence %d at %s, want %s", zone, i, got[i], want[i])
			}
		}
	}
}

// A refusal skips that one date and tells; a store that failed leaves
// it for the next run, which makes it with the id first chosen.
// calendar-safe: the generator's clock is this test's.
func TestRefusalSkipsAndFailureRetries(t *testing.T) {
	first := calendar.Date{Year: 2027, Month: time.March, Day: 1}
	s, _ := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly,
		Weekdays: []time.Weekday{time.Monday, time.Wednesday}, TimeZone: "Asia/Shanghai", StartsOn: first,
		At: 600, Duration: time.Hour})
	tg := newTarget(plan{id: "p1", s: s})
	down := true
	tg.refuse = func(d calendar.Date) error {
		switch {
		case d == first:
			return fault.New(fault.Conflict, "price_changed")
		case d == first.AddDays(2) && down:
			return errors.New("connection reset")
		}
		return nil
	}
	recs := newMemRecords()
	clk := &testClock{t: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)}
	g := apprec.NewGenerator(recs, apprec.Config{Lease: time.Minute}, clk.Now, counter(), nil, tg)
	res, err := g.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res != (apprec.Result{Skipped: 1, Left: 1}) {
		t.Fatalf("first run %+v", res)
	}
	if len(tg.skipped) != 1 || tg.skipped[0] != "2027-03-01 price_changed" {
		t.Fatalf("skipped %v", tg.skipped)
	}
	// Within the lease the claim is another run's.
	down = false
	if res, _ := g.Run(context.Background()); res != (apprec.Result{}) {
		t.Fatalf("run within the lease %+v", res)
	}
	clk.t = clk.t.Add(2 * time.Minute)
	if res, _ := g.Run(context.Background()); res != (apprec.Result{Made: 1}) {
		t.Fatalf("run after the lease %+v", res)
	}
	key := apprec.Key("test", "p1", first.AddDays(2))
	if recs.m[key].State != apprec.Made || recs.m[key].Ref != "made-"+recs.m[key].ID {
		t.Fatalf("record %+v", recs.m[key])
	}
}
