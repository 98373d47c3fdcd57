package reservations_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// clock is the harness's time: tests move it to let holds lapse.
type clock struct{ at atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.at.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.at.Add(int64(d)) }

// reminders records what the service schedules (the job queue's part is
// tested in adapters/jobs).
type reminders struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *reminders) EnqueueEvent(_ context.Context, e event.Event) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return true, nil
}

// reset forgets what was scheduled, as a queue that lost it would.
func (r *reminders) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

func (r *reminders) all() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.events...)
}

// dueReminders moves the clock to a few seconds before the time of the
// reminders kept with holds taken now, lets the service queue those due
// soon, and answers what it queued.
func (h *harness) dueReminders() []event.Event {
	h.t.Helper()
	h.clock.Advance(reservation.DefaultHoldTTL - reservations.RemindBefore - 10*time.Second)
	if _, err := h.svc.ForwardReminders(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	return h.reminders.all()
}

// harness is the service on real stores: embedded FerretDB, and
// miniredis or the redis-server of REDIS_URL.
type harness struct {
	t         *testing.T
	svc       *reservations.Service
	store     *mongo.Store
	rdb       goredis.UniversalClient
	mini      bool // Redis is this test's own miniredis
	clock     *clock
	reminders *reminders
	admin     actor.Actor
	provider  *provider.Provider
	offering  childcare.Offering
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	store := testenv.Mongo(t)
	rdb, mini := testenv.Redis(t)
	h := &harness{t: t, store: store, rdb: rdb, mini: mini != nil, clock: &clock{}, reminders: &reminders{}}
	h.clock.at.Store(time.Now().UnixNano())
	h.svc = reservations.NewService(reservations.Deps{Engine: redis.NewReservations(rdb, "test-"+newID()), Slots: store.Slots(),
		Bookings: store.Bookings(), Offerings: store.Offerings(), Families: store.Families(),
		Children: store.Children(), Providers: store.Providers(), Reminders: h.reminders,
		Now: h.clock.Now, NewID: newID})
	h.admin = actor.Actor{UserID: "admin-" + newID(), Roles: identity.NewRoles(identity.RoleProviderAdmin)}
	h.provider = &provider.Provider{ID: newID(), Admins: []string{h.admin.UserID}, Status: provider.Verified,
		Credit: provider.CreditNormal, CreatedBy: h.admin.UserID, CreatedAt: h.clock.Now(),
		Profile: provider.Profile{LegalName: "阳光托育中心", TimeZone: "Asia/Shanghai",
			Licences: []provider.Licence{{Kind: provider.ChildcareInstitution, Number: "托备-3101-0001"}}}}
	if err := store.Providers().Create(context.Background(), h.provider); err != nil {
		t.Fatal(err)
	}
	return h
}

// offer publishes a half-day offering (mornings, every day) for children
// of 12–35 months.
func (h *harness) offer(capacity, quota int) childcare.Offering {
	h.t.Helper()
	o, err := h.svc.CreateOffering(context.Background(), h.admin, h.provider.ID, childcare.Offering{
		Names: catalog.Names{ZhCN: "半日托（上午）"}, CareType: childcare.HalfDay,
		Ages:     childcare.AgeRange{MinMonths: 12, MaxMonths: 35},
		Capacity: reservation.Capacity{Total: capacity, InclusiveQuota: quota},
		Price:    catalog.Price{MarketFen: 20000, InclusiveFen: 12000},
		Schedule: childcare.Schedule{Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, Sessions: []childcare.Session{{Start: "08:00", End: "12:00"}}},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.offering = o
	return o
}

// slot opens the offering's slot three days from now and returns it.
func (h *harness) slot() *reservation.Slot {
	h.t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := calendar.Today(h.clock.Now().Add(72*time.Hour), loc)
	opened, err := h.svc.OpenSlots(context.Background(), h.admin, reservations.OpenCommand{OfferingID: h.offering.ID, From: day, To: day})
	if err != nil {
		h.t.Fatal(err)
	}
	if len(opened.Slots) != 1 {
		h.t.Fatalf("opened %d slots, want 1", len(opened.Slots))
	}
	return opened.Slots[0]
}

// parent is a family member with a child of ageMonths and the family's
// consent to keep the child's data.
type parent struct {
	actor  actor.Actor
	family *family.Family
	child  child.Child
}

func (h *harness) parent(ageMonths int) parent {
	h.t.Helper()
	ctx := context.Background()
	now := h.clock.Now()
	userID := "parent-" + newID()
	f, err := family.New(newID(), "李家", "Asia/Shanghai", userID, now)
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := consent.New(newID(), consent.ChildData, "", userID, consent.PolicyVersion, now)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := f.GrantConsent(userID, c); err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.Families().Create(ctx, f); err != nil {
		h.t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	born := calendar.Today(now.Add(72*time.Hour).AddDate(0, -ageMonths, -1), loc)
	kid := child.Child{ID: newID(), FamilyID: f.ID(), CreatedBy: userID, CreatedAt: now,
		Profile: child.Profile{Name: "李小宝", BirthDate: born, Gender: child.Female}}
	if err := h.store.Children().Create(ctx, kid); err != nil {
		h.t.Fatal(err)
	}
	return parent{actor: actor.Actor{UserID: userID, Roles: identity.NewRoles(identity.RoleFamily)}, family: f, child: kid}
}

func (h *harness) parents(n, ageMonths int) []parent {
	out := make([]parent, n)
	for i := range out {
		out[i] = h.parent(ageMonths)
	}
	return out
}

func (h *harness) hold(p parent, slotID string, tier reservation.Tier, key string) (reservations.HoldResult, error) {
	return h.svc.Hold(context.Background(), p.actor, reservations.HoldCommand{SlotID: slotID, Tier: tier, Key: key})
}

func (h *harness) confirm(p parent, holdID string) (reservations.Confirmed, error) {
	return h.svc.Confirm(context.Background(), p.actor, reservations.ConfirmCommand{HoldID: holdID, ChildID: p.child.ID})
}

// seats reads the slot's truth.
func (h *harness) seats(slotID string) map[reservation.Tier]int {
	h.t.Helper()
	sl, _, err := h.store.Slots().Get(context.Background(), slotID)
	if err != nil {
		h.t.Fatal(err)
	}
	return map[reservation.Tier]int{reservation.Market: sl.Confirmed(reservation.Market),
		reservation.Inclusive: sl.Confirmed(reservation.Inclusive)}
}

func key(i int) string { return fmt.Sprintf("key-%d", i) }

// loseRedis is Redis losing everything: FLUSHALL on the test's own
// miniredis; on a shared redis-server or cluster (CI runs packages at
// once) the slot's keys and this test's users' keys only.
func (h *harness) loseRedis(slotID string) {
	h.t.Helper()
	ctx := context.Background()
	if h.mini {
		if err := h.rdb.FlushAll(ctx).Err(); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	for _, pattern := range []string{"kc:{slot:" + slotID + "}*", "kc:{user:parent-*"} {
		testenv.DeleteKeys(h.t, h.rdb, pattern)
	}
}
