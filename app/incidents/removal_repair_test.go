package incidents_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

// TestRepairingRemovalsLeftPartWay: a process that dies in the middle of
// an elder's removal leaves the elder marked, and their SOS refused. The
// repair pass, once elder.RemovalGrace has passed, gives a family that
// lives on its elder's alarms back, finishes a dissolution that was
// going ahead, and leaves to the account deletions the families they
// will dissolve. Each story stops where a crash would: after the real
// writes that came first, with nothing of what came after. The stories
// share one world, each with a family of its own; the pass sees them
// all, so each checks its own elders only.
func TestRepairingRemovalsLeftPartWay(t *testing.T) {
	world := newCareWorld(t)
	for _, s := range []struct {
		name  string
		story func(*testing.T, *careWorld)
	}{
		{"an owner's removal that died is taken back", anOwnersRemovalThatDiedIsTakenBack},
		{"a dissolution taken back that died is taken back", aDissolutionTakenBackThatDiedIsTakenBack},
		{"a dissolution going ahead is finished", aDissolutionGoingAheadIsFinished},
		{"a family of deleted accounts is left to their deletion", aFamilyOfDeletedAccountsIsLeftToTheirDeletion},
		{"a retried removal is not taken back", aRetriedRemovalIsNotTakenBack},
		{"a fall meanwhile waits for the repair", aFallMeanwhileWaitsForTheRepair},
		{"a removal overtaken by the repair erases nothing", aRemovalOvertakenByTheRepairErasesNothing},
	} {
		t.Run(s.name, func(t *testing.T) { s.story(t, world) })
	}
}

// The daughter removes her mother; the process dies right after the
// mark. The mother stays in the family, her SOS refused. Before
// RemovalGrace the pass leaves the mark (a removal may be running);
// after it, the mark is taken back and her SOS climbs the ladder again.
func anOwnersRemovalThatDiedIsTakenBack(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil { // Delete's first write; then the crash
		t.Fatal(err)
	}
	w.wantSOSRefused(t, "an SOS after the crash")

	w.clock.Add(elder.RemovalGrace / 2)
	r := w.repair(t)
	if slices.Contains(r.TakenBack, w.motherID) || slices.Contains(r.Finished, w.motherID) {
		t.Fatalf("a removal younger than the grace was settled: %+v", r)
	}
	w.wantSOSRefused(t, "an SOS before the grace passed")

	w.clock.Add(elder.RemovalGrace / 2)
	if r := w.repair(t); !slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair after the grace: %+v, want the mother taken back", r)
	}
	if e, err := w.store.Elders().Get(ctx, w.motherID); err != nil || e.Removing() {
		t.Fatalf("the mother after the repair: removing %v, %v", e.Removing(), err)
	}
	w.sos(t, w.motherID)
	if r := w.repair(t); slices.Contains(r.TakenBack, w.motherID) {
		t.Fatal("the next pass took the mother's removal back again")
	}
}

// The daughter, the family's last member, leaves; her son joins while
// her parents are being marked, so the dissolution goes no further —
// and the process dies before it takes its marks back. The family lives
// on with both parents marked; the pass gives both their alarms back.
func aDissolutionTakenBackThatDiedIsTakenBack(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	father := w.addElder(t)
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID, father); err != nil { // Leave's first step
		t.Fatal(err)
	}
	w.join(t)

	w.clock.Add(elder.RemovalGrace)
	r := w.repair(t)
	for _, id := range []string{w.motherID, father} {
		if !slices.Contains(r.TakenBack, id) {
			t.Fatalf("the repair: %+v, want %s taken back", r, id)
		}
	}
	w.sos(t, w.motherID)
	w.sos(t, father)
	if f, err := w.store.Families().Get(ctx, w.familyID); err != nil || len(f.MemberIDs()) != 2 {
		t.Fatalf("the family after the repair: %v", err)
	}
}

// The daughter, the family's last member, leaves: her mother is marked
// and stopped, she is out of the family, and the process dies before
// the family is erased. The dissolution was going ahead: the pass
// finishes it, never gives the mother's alarms back.
func aDissolutionGoingAheadIsFinished(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	if err := w.elders.Stop(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Families().Update(ctx, w.familyID, func(f *family.Family) error {
		return f.Leave(w.daughter.UserID)
	}); err != nil { // the leave's write; then the crash, before the erasure
		t.Fatal(err)
	}

	w.clock.Add(elder.RemovalGrace)
	if r := w.repair(t); !slices.Contains(r.Finished, w.motherID) || slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair: %+v, want the mother's removal finished", r)
	}
	if _, err := w.store.Elders().Get(ctx, w.motherID); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("the mother after the repair: %v", err)
	}
	if _, err := w.store.Families().Get(ctx, w.familyID); !fault.Is(err, family.ErrNotFound) {
		t.Fatalf("the family after the repair: %v", err)
	}
	w.wantSOSRefused(t, "an SOS for the removed mother")
}

// The daughter, the family's last member, deletes her account: the
// deletion is recorded, her mother is marked, and the process dies. The
// family will dissolve when her deletion is finished: the pass leaves
// the mark, and the deletion's retry (what FinishDeletions runs) ends
// the family.
func aFamilyOfDeletedAccountsIsLeftToTheirDeletion(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	u, err := w.store.Users().Update(ctx, w.daughter.UserID, func(u *identity.User) error {
		u.BeginDeletion(w.clock.Now())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil { // Depart's first write; the crash
		t.Fatal(err)
	}

	w.clock.Add(elder.RemovalGrace)
	if r := w.repair(t); !slices.Contains(r.Pending, w.motherID) || slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair: %+v, want the mother left to the deletion", r)
	}
	w.wantSOSRefused(t, "an SOS while the family's deletion is pending")
	if err := w.families.Depart(ctx, u.ID(), u.Phone()); err != nil {
		t.Fatalf("the deletion's retry: %v", err)
	}
	if _, err := w.store.Elders().Get(ctx, w.motherID); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("the mother after the deletion: %v", err)
	}
}

// The daughter's removal of her mother died; long after, she removes
// her again. The retry renews the mark, so a pass running meanwhile
// does not take it back under the retry, and the removal ends.
func aRetriedRemovalIsNotTakenBack(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(elder.RemovalGrace)
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil { // the retry's first step
		t.Fatal(err)
	}
	if r := w.repair(t); slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair took back a removal being retried: %+v", r)
	}
	if err := w.elders.Delete(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Elders().Get(ctx, w.motherID); !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("the mother after her removal: %v", err)
	}
}

// The daughter's removal of her mother died; her fall detector goes off
// while she is marked. Its event is kept (the vendor's platform is told
// it is in) but raises nothing while the removal is under way, nor is it
// dropped: once the repair gives the mother back, the device repair
// raises it, and the family is called.
func aFallMeanwhileWaitsForTheRepair(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	devices := homedevices.NewService(homedevices.Deps{Events: w.store.DeviceEvents(), Alarms: w.ladder,
		Now: w.clock.Now, NewID: newID})
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil { // then the crash
		t.Fatal(err)
	}
	fall := homedevices.StoredEvent{Event: homedevice.Event{Vendor: "acme", EventID: newID(), Serial: "FD-1",
		Type: homedevice.EventFall, OccurredAt: w.clock.Now(), ReceivedAt: w.clock.Now()},
		DeviceID: "acme:FD-1", ElderID: w.motherID, Unraised: true}
	if _, err := w.store.DeviceEvents().Insert(ctx, fall); err != nil { // ingest's write; its raise meets the mark
		t.Fatal(err)
	}

	w.clock.Add(elder.RemovalGrace / 2)
	if n, err := devices.RaisePending(ctx); err != nil || n != 0 {
		t.Fatalf("the device repair while the removal is under way: %d raised, %v", n, err)
	}
	w.clock.Add(elder.RemovalGrace / 2)
	if r := w.repair(t); !slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair: %+v, want the mother taken back", r)
	}
	if n, err := devices.RaisePending(ctx); err != nil || n != 1 {
		t.Fatalf("the device repair once the mother is back: %d raised, %v", n, err)
	}
	live, err := w.store.Incidents().Live(ctx, w.motherID)
	if err != nil || len(live) != 1 {
		t.Fatalf("the mother's live incidents after the fall was raised: %v, %v", live, err)
	}
	if n, err := devices.RaisePending(ctx); err != nil || n != 0 {
		t.Fatalf("the device repair again: %d raised, %v", n, err)
	}
}

// The daughter's removal of her mother stalls past the grace, between
// its mark and its erasure; the repair takes the mark back and an SOS
// comes. When the stalled request reaches its erasure, the write finds
// the mark gone and erases nothing; the removal, begun again, meets the
// open alarm.
func aRemovalOvertakenByTheRepairErasesNothing(t *testing.T, world *careWorld) {
	w := world.newFamily(t)
	ctx := context.Background()
	if _, err := w.elders.BeginRemoval(ctx, w.daughter, w.motherID); err != nil {
		t.Fatal(err)
	}
	e, err := w.store.Elders().Get(ctx, w.motherID)
	if err != nil || !e.Removing() {
		t.Fatalf("the mother once marked: %v", err)
	}
	w.clock.Add(elder.RemovalGrace)
	if r := w.repair(t); !slices.Contains(r.TakenBack, w.motherID) {
		t.Fatalf("the repair: %+v, want the mother taken back", r)
	}
	id := w.sos(t, w.motherID)

	if err := w.store.Elders().DeleteRemoving(ctx, w.motherID, e.Removal.ID); !errors.Is(err, elder.ErrRemovalTakenBack) {
		t.Fatalf("the stalled removal's erasure: %v, want ErrRemovalTakenBack", err)
	}
	if _, err := w.store.Elders().Get(ctx, w.motherID); err != nil {
		t.Fatalf("the mother after the refused erasure: %v", err)
	}
	wantOpenIncident(t, "the removal begun again", w.elders.Delete(ctx, w.daughter, w.motherID), id)
}

func (w *careFamily) repair(t *testing.T) families.RemovalRepair {
	t.Helper()
	r, err := w.families.RepairRemovals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *careFamily) wantSOSRefused(t *testing.T, what string) {
	t.Helper()
	_, err := w.ladder.RaiseSOS(context.Background(), w.daughter, incidents.SOSCommand{ElderID: w.motherID})
	if !fault.Is(err, elder.ErrNotFound) {
		t.Fatalf("%s: %v, want elder_not_found", what, err)
	}
}

// join brings the daughter's son into the family by an invite.
func (w *careFamily) join(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	phone, _ := identity.ParsePhone(testenv.Phone())
	u, _ := identity.NewUser(newID(), phone, w.clock.Now())
	if _, _, err := w.store.Users().FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	inv, err := w.families.Invite(ctx, w.daughter, w.familyID, families.InviteCommand{Phone: string(phone), Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.families.Accept(ctx, actor.Actor{UserID: u.ID(), Roles: u.Roles()}, inv.Code); err != nil {
		t.Fatal(err)
	}
}
