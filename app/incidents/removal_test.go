package incidents_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func ptr[T any](v T) *T { return &v }

// careWorld is the real stores with the use cases an elder's removal
// and an alarm both touch, wired as cmd/kincare wires them, the ladder
// on a clock the test moves. Its families share it: one embedded store
// for all, as the suite's time is CI's.
type careWorld struct {
	store    *mongo.Store
	clock    *testenv.Clock
	families *families.Service
	elders   *elders.Service
	ladder   *incidents.Service
}

// careFamily is one family of the world: the daughter, alone in it, and
// her mother.
type careFamily struct {
	*careWorld
	daughter actor.Actor
	familyID string
	motherID string
}

func newCareWorld(t *testing.T) *careWorld {
	t.Helper()
	store := testenv.Mongo(t)
	rdb, _ := testenv.Redis(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := testenv.NewClock(time.Now())
	trail := audittrail.NewRecorder(store.Audit(), clock.Now, newID, log)
	fams := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: store.Users(), Elders: store.Elders(),
		Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: clock.Now, NewID: newID,
		InviteKey: family.InviteKey("test invite key, 32 bytes long!!"),
	})
	eld := elders.NewService(elders.Deps{Elders: store.Elders(), Families: store.Families(), Audit: trail,
		Now: clock.Now, NewID: newID})
	index := redis.NewGeoIndex(rdb, "{geo:test-"+uuid.NewString()+"}")
	provs := providers.NewService(providers.Deps{Providers: store.Providers(), Index: index, Now: clock.Now,
		NewID: newID, Log: log})
	ladder := incidents.NewService(incidents.Deps{Incidents: store.Incidents(),
		Timers: redis.NewIncidentTimers(rdb, "test-"+uuid.NewString()), Ladders: store.Ladders(),
		Elders: store.Elders(), Families: store.Families(), Users: store.Users(), Operators: store.Users(),
		Stations: incidents.NearestStation{Search: search.NewService(index, store.Providers(), provs)},
		Now:      clock.Now, NewID: newID, Log: log})
	eld.OnRemoval(ladder)
	eld.GuardRemoval(ladder)
	fams.OnDissolution(eld)
	return &careWorld{store: store, clock: clock, families: fams, elders: eld, ladder: ladder}
}

func (w *careWorld) newFamily(t *testing.T) *careFamily {
	t.Helper()
	ctx := context.Background()
	phone, _ := identity.ParsePhone(testenv.Phone())
	u, _ := identity.NewUser(newID(), phone, w.clock.Now())
	if _, _, err := w.store.Users().FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	daughter := actor.Actor{UserID: u.ID(), Roles: u.Roles()}
	fv, err := w.families.Create(ctx, daughter, "王家", "")
	if err != nil {
		t.Fatal(err)
	}
	f := &careFamily{careWorld: w, daughter: daughter, familyID: fv.Family.ID()}
	f.motherID = f.addElder(t)
	return f
}

func (w *careFamily) addElder(t *testing.T) string {
	t.Helper()
	v, err := w.elders.Create(context.Background(), w.daughter, w.familyID, elders.ProfileInput{
		Name: ptr("王秀兰"), Gender: ptr("female"), BirthDate: ptr("1944-05-12"), // calendar-safe: over 80 on any day this runs
		Living:  ptr("alone"),
		Address: &elders.AddressInput{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104", Lat: 31.18, Lng: 121.43},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.Elder.ID
}

func (w *careFamily) sos(t *testing.T, elderID string) string {
	t.Helper()
	r, err := w.ladder.RaiseSOS(context.Background(), w.daughter, incidents.SOSCommand{ElderID: elderID})
	if err != nil {
		t.Fatal(err)
	}
	return r.View.Incident.ID()
}

// wantOpenIncident checks err is the refusal naming exactly ids.
func wantOpenIncident(t *testing.T, what string, err error, ids ...string) {
	t.Helper()
	fe, ok := fault.As(err)
	if !ok || fe.Code != "elder_has_open_incident" || fe.Kind != fault.Conflict {
		t.Fatalf("%s: got %v, want elder_has_open_incident", what, err)
	}
	got, _ := fe.Members["incidentIds"].([]string)
	if !slices.Equal(got, ids) {
		t.Fatalf("%s: the refusal names %v, want %v", what, got, ids)
	}
}

// TestRemovingAnElderWithAlarms: an elder with an alarm not yet resolved
// is not removed, nor is their family dissolved; an alarm is refused for
// an elder whose removal has begun; and no ladder climbs for an elder
// removed. The stories share one world, each with a family of its own.
func TestRemovingAnElderWithAlarms(t *testing.T) {
	world := newCareWorld(t)
	for _, s := range []struct {
		name  string
		story func(*testing.T, *careWorld)
	}{
		{"an elder with an open alarm is not removed", anElderWithAnOpenAlarmIsNotRemoved},
		{"no alarm climbs for a removed elder", noAlarmClimbsForARemovedElder},
		{"an alarm during a removal is refused", anAlarmDuringARemovalIsRefused},
		{"an alarm being raised holds off a removal", anAlarmBeingRaisedHoldsOffTheRemoval},
		{"an SOS and a removal at once", anSOSAndARemovalAtOnce},
	} {
		t.Run(s.name, func(t *testing.T) { s.story(t, world) })
	}
}

// An alarm about the mother is open: the daughter can neither remove
// her nor, as the family's last member, leave and dissolve the family,
// while it is open or acknowledged; and nothing changed — the mother's
// ladder climbs on. Once the alarm is resolved, the removal goes ahead.
func anElderWithAnOpenAlarmIsNotRemoved(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	id := w.sos(t, w.motherID)

	wantOpenIncident(t, "removing the mother", w.elders.Delete(ctx, w.daughter, w.motherID), id)
	wantOpenIncident(t, "the last member leaving", w.families.Leave(ctx, w.daughter, w.familyID), id)
	wantOpenIncident(t, "the last member deleting her account", w.families.CheckDeparture(ctx, w.daughter.UserID), id)
	if f, err := w.store.Families().Get(ctx, w.familyID); err != nil || f.RequireMember(w.daughter.UserID) != nil {
		t.Fatalf("the family after the refused leave: %v, %v", f, err)
	}
	if e, err := w.store.Elders().Get(ctx, w.motherID); err != nil || e.Removing() {
		t.Fatalf("the mother after the refusals: removing %v, %v", e.Removing(), err)
	}
	// Nobody answered: the ladder climbs as if nobody had asked.
	w.clock.Add(incident.DefaultLadder.FamilyWait)
	if _, err := w.ladder.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	if i, err := w.store.Incidents().Get(ctx, id); err != nil || i.Rung() != incident.RungNearby {
		t.Fatalf("the alarm after the refusals and the family's wait: %v", err)
	}

	if _, err := w.ladder.Acknowledge(ctx, w.daughter, id); err != nil {
		t.Fatal(err)
	}
	wantOpenIncident(t, "removing the mother, the alarm acknowledged", w.elders.Delete(ctx, w.daughter, w.motherID), id)

	if _, err := w.ladder.Resolve(ctx, w.daughter, id, incident.HandledByFamily, "她没事"); err != nil {
		t.Fatal(err)
	}
	if err := w.elders.Delete(ctx, w.daughter, w.motherID); err != nil {
		t.Fatalf("removing the mother, the alarm resolved: %v", err)
	}
	if _, err := w.store.Elders().Get(ctx, w.motherID); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("the mother after her removal: %v", err)
	}
}

// The mother is removed with no alarm open. An SOS from the daughter's
// phone and her fall detector's alarm, after, are refused as for any
// unknown elder, and the ladder, an hour on, calls nobody.
func noAlarmClimbsForARemovedElder(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	old := w.sos(t, w.motherID)
	if _, err := w.ladder.Resolve(ctx, w.daughter, old, incident.FalseAlarm, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.elders.Delete(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ladder.RaiseSOS(ctx, w.daughter, incidents.SOSCommand{ElderID: w.motherID}); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("an SOS after the removal: %v", err)
	}
	if _, err := w.ladder.RaiseFromDevice(ctx, w.motherID, incident.Fall, "acme:FD-1", ""); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("a fall detector's alarm after the removal: %v", err)
	}
	w.clock.Add(time.Hour)
	if _, err := w.ladder.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	all, _, err := w.store.Incidents().ForElder(ctx, w.motherID, page.Request{Limit: 10})
	if err != nil || len(all) != 1 || all[0].ID() != old || all[0].Status() != incident.Resolved ||
		len(all[0].Called()) != 1 {
		t.Fatalf("the removed mother's incidents an hour on: %d, %v", len(all), err)
	}
}

// An alarm raised while a removal is under way, after it began, is
// refused; a removal that does not go on (a family someone joined as
// its last member left) gives the elder her alarms back.
func anAlarmDuringARemovalIsRefused(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	cancel, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ladder.RaiseSOS(ctx, w.daughter, incidents.SOSCommand{ElderID: w.motherID}); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("an SOS while the removal is under way: %v", err)
	}
	if err := cancel(ctx); err != nil {
		t.Fatal(err)
	}
	w.sos(t, w.motherID)
}

// An alarm noted on the elder whose incident is not stored yet holds off
// the removal (the raise is under way); once elder.AlarmGrace has passed
// without it, the raise failed and the removal goes ahead.
func anAlarmBeingRaisedHoldsOffTheRemoval(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	pending := newID()
	if _, err := w.store.Elders().Update(ctx, w.motherID, func(e *elder.Elder) error {
		return e.BeginAlarm(pending, w.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	wantOpenIncident(t, "removing the mother while an alarm is raised", w.elders.Delete(ctx, w.daughter, w.motherID), pending)
	w.clock.Add(elder.AlarmGrace)
	if err := w.elders.Delete(ctx, w.daughter, w.motherID); err != nil {
		t.Fatalf("removing the mother after the raise failed: %v", err)
	}
}

// The daughter removes her father while his SOS is pressed, again and
// again, interleaved as the scheduler likes. Either the removal is
// refused and the alarm stands, or the alarm is refused and he is gone:
// never an alarm climbing for an elder removed.
func anSOSAndARemovalAtOnce(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	for round := range 5 {
		father := w.addElder(t)
		var sosErr, delErr error
		var wg sync.WaitGroup
		wg.Go(func() {
			_, sosErr = w.ladder.RaiseSOS(ctx, w.daughter, incidents.SOSCommand{ElderID: father})
		})
		wg.Go(func() { delErr = w.elders.Delete(ctx, w.daughter, father) })
		wg.Wait()
		live, err := w.store.Incidents().Live(ctx, father)
		if err != nil {
			t.Fatal(err)
		}
		_, getErr := w.store.Elders().Get(ctx, father)
		switch {
		case delErr == nil:
			if !fault.Is(sosErr, elder.ErrNotFound) || len(live) != 0 || !fault.Is(getErr, elder.ErrNotFound) {
				t.Fatalf("round %d: removed, yet the SOS answered %v and %d incidents are live (elder: %v)",
					round, sosErr, len(live), getErr)
			}
		case sosErr == nil:
			wantOpenIncident(t, "the removal beside the SOS", delErr, live...)
			if getErr != nil || len(live) != 1 {
				t.Fatalf("round %d: the SOS stands, yet the elder is %v with %d live incidents", round, getErr, len(live))
			}
		default:
			t.Fatalf("round %d: both refused: SOS %v, removal %v", round, sosErr, delErr)
		}
	}
}
