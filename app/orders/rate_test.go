package orders_test

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/providercache"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

// ratingWorld is one provider with caregivers, one family and a clock.
type ratingWorld struct {
	t      *testing.T
	store  *mongo.Store
	svc    *orders.Service
	now    time.Time
	family *family.Family
}

func newRatingWorld(t *testing.T, caregivers ...string) *ratingWorld {
	t.Helper()
	w := &ratingWorld{t: t, store: testenv.Mongo(t), now: time.Now().UTC().Truncate(time.Millisecond)}
	ctx := context.Background()
	f, err := family.New("fam-"+newID(), "王家", "", "daughter", w.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Join("son", family.RoleMember, w.now); err != nil {
		t.Fatal(err)
	}
	if err := w.store.Families().Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	w.family = f
	p := &provider.Provider{ID: "prov", Admins: []string{"boss"}, Status: provider.Verified, Credit: provider.CreditNormal}
	for _, c := range caregivers {
		p.Staff = append(p.Staff, provider.Staff{UserID: c, Role: provider.StaffCaregiver})
	}
	if err := w.store.Providers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	// As in production's embedded mode: writes go through the provider
	// cache (and on MongoDB straight to the store).
	var providers orders.Providers = w.store.Providers()
	if os.Getenv("MONGODB_URI") == "" {
		providers = providercache.New(w.store.Providers())
	}
	w.svc = orders.NewService(orders.Deps{Orders: w.store.Orders(), Families: w.store.Families(),
		Providers: providers, Now: func() time.Time { return w.now }, NewID: newID})
	return w
}

// completed stores an order of the provider, visited by caregiver and
// checked out at checkedOut; with rating set it is stored rated but not
// counted, as a crash between the two writes leaves it.
func (w *ratingWorld) completed(caregiver string, checkedOut time.Time, rating *order.Rating) *order.Order {
	w.t.Helper()
	return w.stored(order.StatusCompleted, caregiver, checkedOut, rating)
}

func (w *ratingWorld) stored(status order.Status, caregiver string, checkedOut time.Time, rating *order.Rating) *order.Order {
	w.t.Helper()
	start := checkedOut.Add(-2 * time.Hour)
	var out *order.CheckOut
	if status == order.StatusCompleted || status == order.StatusConfirmed {
		out = &order.CheckOut{ServerTime: checkedOut, DeviceTime: checkedOut}
	}
	o := order.Unmarshal(order.Snapshot{ID: newID(), OrderedBy: "daughter", ElderID: "mother", FamilyID: w.family.ID(),
		ProviderID: "prov", ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
		Pricing: order.Pricing{MarketFen: 15000, DueFen: 15000},
		Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
		Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104",
			Location: geo.Point{Lat: 31.1883, Lng: 121.4365}},
		Status: status, Entered: map[order.Status]time.Time{status: checkedOut},
		CaregiverID: caregiver, CheckOut: out,
		Rating: rating, CreatedAt: start.Add(-24 * time.Hour)})
	if err := w.store.Orders().Create(context.Background(), o); err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *ratingWorld) provider() *provider.Provider {
	w.t.Helper()
	p, err := w.store.Providers().Get(context.Background(), "prov")
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func member(id string) actor.Actor {
	return actor.Actor{UserID: id, Roles: identity.NewRoles(identity.RoleFamily)}
}

// Forty visits of one provider rated concurrently, by two family members,
// as many at any moment as the store has connections (more would only
// queue for one, and the embedded store under -race on a loaded machine
// then times the queue out): the provider's and each caregiver's counts
// and sums are exact. Each rating is its own order's write; the counting
// writes contend on the one provider document and none is lost.
func TestConcurrentRatingsOfOneProviderAddUpExactly(t *testing.T) {
	caregivers := []string{"cg-a", "cg-b", "cg-c"}
	w := newRatingWorld(t, caregivers...)
	const n = 40
	type rated struct {
		o     *order.Order
		stars int
	}
	var all []rated
	wantCg := map[string]provider.Tally{}
	var want provider.Tally
	for i := range n {
		stars := 1 + (i*7)%5
		cg := caregivers[i%len(caregivers)]
		all = append(all, rated{w.completed(cg, w.now.Add(-time.Hour), nil), stars})
		want.Sum += int64(stars)
		want.Count++
		c := wantCg[cg]
		c.Sum += int64(stars)
		c.Count++
		wantCg[cg] = c
	}
	gate := make(chan struct{})
	inFlight := make(chan struct{}, 8) // testenv's pool
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i, r := range all {
		wg.Go(func() {
			<-gate
			inFlight <- struct{}{}
			defer func() { <-inFlight }()
			by := []string{"daughter", "son"}[i%2]
			got, err := w.svc.Rate(context.Background(), member(by), r.o.ID(), orders.RateCommand{Stars: r.stars,
				Tags: []string{"on_time"}})
			if err != nil || got.Rating.Stars != r.stars || got.SuggestComplaint != (r.stars <= 2) {
				failed.Add(1)
				t.Errorf("rating %d: %+v, %v", i, got, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	if failed.Load() > 0 {
		t.FailNow()
	}
	p := w.provider()
	if p.Stats.Ratings() != want {
		t.Fatalf("provider counted %+v, want %+v", p.Stats.Ratings(), want)
	}
	for _, st := range p.Staff {
		if st.Ratings != wantCg[st.UserID] {
			t.Errorf("caregiver %s counted %+v, want %+v", st.UserID, st.Ratings, wantCg[st.UserID])
		}
	}
	// Nothing was left for the recount to repair.
	if r, err := w.svc.RecountRatings(context.Background()); err != nil || r.Repaired != 0 || r.Providers != 1 {
		t.Fatalf("recount after: %+v, %v", r, err)
	}
}

// The same rating submitted twenty times at once, by both children, is
// one rating, counted once; the others are told the order is rated.
func TestARatingSubmittedManyTimesAtOnceIsOneRating(t *testing.T) {
	w := newRatingWorld(t, "cg-a")
	o := w.completed("cg-a", w.now.Add(-time.Hour), nil)
	const n = 20
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var ok, already atomic.Int32
	for i := range n {
		wg.Go(func() {
			<-gate
			by := []string{"daughter", "son"}[i%2]
			_, err := w.svc.Rate(context.Background(), member(by), o.ID(), orders.RateCommand{Stars: 2,
				Tags: []string{"late"}, Text: "迟到了"})
			switch {
			case err == nil:
				ok.Add(1)
			case fault.Is(err, order.ErrAlreadyRated):
				already.Add(1)
			default:
				t.Errorf("submission %d: %v", i, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	if ok.Load() != 1 || already.Load() != n-1 {
		t.Fatalf("%d kept, %d refused as already rated; want 1 and %d", ok.Load(), already.Load(), n-1)
	}
	if p := w.provider(); p.Stats.Ratings() != (provider.Tally{Sum: 2, Count: 1}) ||
		p.Staff[0].Ratings != (provider.Tally{Sum: 2, Count: 1}) {
		t.Fatalf("counted %+v and %+v, want one 2-star rating", p.Stats.Ratings(), p.Staff[0].Ratings)
	}
	got, _, err := w.store.Orders().Get(context.Background(), o.ID())
	if err != nil {
		t.Fatal(err)
	}
	r, rated := got.Rating()
	var events int
	for _, e := range got.Pending() {
		if e.Type == order.EventRated {
			events++
		}
	}
	if !rated || r.Stars != 2 || events != 1 {
		t.Fatalf("stored rating %+v (%v), %d order.rated events; want one", r, rated, events)
	}
}

// Ratings that reached their orders but not the provider's counters (the
// process died between the two writes) are counted by the recount, once;
// a rating counted afterwards is not counted again.
func TestTheRecountRepairsRatingsACrashLeftUncounted(t *testing.T) {
	w := newRatingWorld(t, "cg-a", "cg-b")
	ctx := context.Background()
	lost1 := w.completed("cg-a", w.now.Add(-3*time.Hour), &order.Rating{Stars: 4, By: "son", At: w.now.Add(-2 * time.Hour)})
	w.completed("cg-b", w.now.Add(-3*time.Hour), &order.Rating{Stars: 1, By: "son", At: w.now.Add(-time.Hour)})
	live := w.completed("cg-a", w.now.Add(-time.Hour), nil)
	if _, err := w.svc.Rate(ctx, member("daughter"), live.ID(), orders.RateCommand{Stars: 5}); err != nil {
		t.Fatal(err)
	}
	if got := w.provider().Stats.Ratings(); got != (provider.Tally{Sum: 5, Count: 1}) {
		t.Fatalf("before the recount %+v", got)
	}
	r, err := w.svc.RecountRatings(ctx)
	if err != nil || r.Repaired != 1 {
		t.Fatalf("recount: %+v, %v", r, err)
	}
	p := w.provider()
	if p.Stats.Ratings() != (provider.Tally{Sum: 10, Count: 3}) ||
		p.StaffMember("cg-a").Ratings != (provider.Tally{Sum: 9, Count: 2}) ||
		p.StaffMember("cg-b").Ratings != (provider.Tally{Sum: 1, Count: 1}) {
		t.Fatalf("after the recount %+v %+v", p.Stats.Ratings(), p.Staff)
	}
	// A request still on its way to count a rating the recount counted
	// (its keys are the newest ratings') changes nothing.
	if p.CountRating(lost1.ID(), "cg-a", 4) {
		t.Fatal("the recount did not remember the ratings it counted")
	}
	if r, err := w.svc.RecountRatings(ctx); err != nil || r.Repaired != 0 {
		t.Fatalf("second recount: %+v, %v", r, err)
	}
}

// Rating twice, before completion, after 14 days, someone else's order,
// as the caregiver or the provider, and absurd values.
func TestRatingsRefusedAndWhy(t *testing.T) {
	w := newRatingWorld(t, "cg-a")
	ctx := context.Background()
	rate := func(by actor.Actor, id string, stars int) error {
		_, err := w.svc.Rate(ctx, by, id, orders.RateCommand{Stars: stars})
		return err
	}
	fresh := w.completed("cg-a", w.now.Add(-time.Hour), nil)
	for name, c := range map[string]struct {
		err  error
		want *fault.Error
	}{
		"a stranger":           {rate(member("stranger"), fresh.ID(), 5), order.ErrNotFound},
		"an unknown order":     {rate(member("daughter"), "no-such-order", 5), order.ErrNotFound},
		"the caregiver":        {rate(actor.Actor{UserID: "cg-a"}, fresh.ID(), 5), order.ErrForbidden},
		"the provider's admin": {rate(actor.Actor{UserID: "boss"}, fresh.ID(), 5), order.ErrForbidden},
		"no stars":             {rate(member("daughter"), fresh.ID(), 0), order.ErrRatingInvalid},
		"minus stars":          {rate(member("daughter"), fresh.ID(), -5), order.ErrRatingInvalid},
		"a million stars":      {rate(member("daughter"), fresh.ID(), 1_000_000), order.ErrRatingInvalid},
		"before the visit": {rate(member("daughter"), w.stored(order.StatusEnRoute, "cg-a", w.now, nil).ID(), 5),
			order.ErrNotRateable},
		"fifteen days after visit": {rate(member("daughter"), w.completed("cg-a", w.now.Add(-15*24*time.Hour), nil).ID(), 4), order.ErrRatingClosed},
	} {
		if !fault.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %s", name, c.err, c.want.Code)
		}
	}
	if err := rate(member("son"), fresh.ID(), 4); err != nil {
		t.Fatal(err)
	}
	if err := rate(member("daughter"), fresh.ID(), 5); !fault.Is(err, order.ErrAlreadyRated) {
		t.Errorf("a second rating: %v", err)
	}
	if got := w.provider().Stats.Ratings(); got != (provider.Tally{Sum: 4, Count: 1}) {
		t.Errorf("counted %+v, want the one accepted", got)
	}
}
