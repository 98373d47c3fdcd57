package recurrence_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/recurrence"
)

// memRules keeps rules in memory for the home-care target.
type memRules struct {
	mu sync.Mutex
	m  map[string]*recurrence.Rule
}

func (r *memRules) Create(_ context.Context, x *recurrence.Rule) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[x.ID()] = x
	return nil
}
func (r *memRules) Get(_ context.Context, id string) (*recurrence.Rule, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if x, ok := r.m[id]; ok {
		return recurrence.Unmarshal(x.Snapshot()), nil
	}
	return nil, recurrence.ErrNotFound
}
func (r *memRules) Update(ctx context.Context, id string, fn func(*recurrence.Rule) error) (*recurrence.Rule, error) {
	x, err := r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := fn(x); err != nil {
		return nil, err
	}
	return x, r.Create(ctx, x)
}
func (r *memRules) ForElder(context.Context, string, page.Request) ([]*recurrence.Rule, bool, error) {
	return nil, false, nil
}
func (r *memRules) Active(_ context.Context, after string, limit int) ([]*recurrence.Rule, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*recurrence.Rule
	for id, x := range r.m {
		if id > after && x.Status() == recurrence.Active && len(out) < limit {
			out = append(out, recurrence.Unmarshal(x.Snapshot()))
		}
	}
	return out, nil
}

// refusingOrders refuses every order with err.
type refusingOrders struct{ err error }

func (o refusingOrders) Create(context.Context, actor.Actor, orders.CreateCommand) (*order.Order, error) {
	return nil, o.err
}
func (o refusingOrders) Cancel(context.Context, actor.Actor, string, string) (*order.Order, error) {
	return nil, o.err
}
func (o refusingOrders) Get(context.Context, string) (*order.Order, int64, error) {
	return nil, 0, order.ErrNotFound
}

// A price change skips the occurrence and tells, the rule goes on; an
// elder the orderer no longer reaches (she left the family) ends it.
// calendar-safe: the generator's clock is this test's.
func TestHomeCareRefusalsSkipAndAnElderOutOfReachEndsTheRule(t *testing.T) {
	for _, tc := range []struct {
		err  *fault.Error
		want recurrence.Status
	}{
		{orders.ErrPriceChanged, recurrence.Active},
		{elder.ErrNotFound, recurrence.Ended},
	} {
		now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		s, _ := recurrence.NewSchedule(recurrence.Spec{Frequency: recurrence.Weekly,
			Weekdays: []time.Weekday{time.Tuesday}, TimeZone: "Asia/Shanghai",
			StartsOn: calendar.Date{Year: 2027, Month: time.March, Day: 1}, At: 600, Duration: time.Hour})
		r, err := recurrence.New(recurrence.Draft{ID: "r1", FamilyID: "f", ElderID: "e", CreatedBy: "u",
			ProviderID: "p", ItemID: "i", PriceVersion: 1, Schedule: s}, now)
		if err != nil {
			t.Fatal(err)
		}
		rules := &memRules{m: map[string]*recurrence.Rule{"r1": r}}
		refuse := refusingOrders{err: tc.err}
		target := apprec.HomeCare{Rules: rules, Orders: refuse, Store: refuse, Now: func() time.Time { return now },
			NewID: counter()}
		g := apprec.NewGenerator(newMemRecords(), apprec.Config{}, func() time.Time { return now }, counter(), nil,
			target)
		if res, err := g.Run(context.Background()); err != nil || res != (apprec.Result{Skipped: 1}) {
			t.Fatalf("%s: %+v, %v", tc.err.Code, res, err)
		}
		got, _ := rules.Get(context.Background(), "r1")
		ev := got.Pending()
		if got.Status() != tc.want || len(ev) != 1 || ev[0].Type != recurrence.EventOccurrenceSkipped ||
			ev[0].Data["reason"] != tc.err.Code || ev[0].Data["date"] != "2027-03-02" {
			t.Fatalf("%s: rule %s, events %+v", tc.err.Code, got.Status(), ev)
		}
	}
}
