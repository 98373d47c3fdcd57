package families_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

type world struct {
	svc   *families.Service
	users interface {
		FirstOrCreate(ctx context.Context, u *identity.User) (*identity.User, bool, error)
	}
}

func setup(t *testing.T) world {
	t.Helper()
	store := testenv.Mongo(t)
	trail := audittrail.NewRecorder(store.Audit(), time.Now, newID, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: store.Users(), Elders: store.Elders(),
		Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: time.Now, NewID: newID,
		InviteKey: family.InviteKey("test invite key, 32 bytes long!!"),
	})
	return world{svc: svc, users: store.Users()}
}

func (w world) user(t *testing.T) actor.Actor {
	t.Helper()
	phone, _ := identity.ParsePhone(testenv.Phone())
	u, _ := identity.NewUser(newID(), phone, time.Now())
	stored, _, err := w.users.FirstOrCreate(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return actor.Actor{UserID: stored.ID(), Roles: stored.Roles()}
}

// Of many relatives racing to use one shared invite code, exactly one
// joins; the others are told it was used.
func TestOneCodeLetsExactlyOnePersonIn(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	owner := w.user(t)
	v, err := w.svc.Create(ctx, owner, "王家", "")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := w.svc.Invite(ctx, owner, v.Family.ID(), families.InviteCommand{Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	const racers = 12
	relatives := make([]actor.Actor, racers)
	for i := range relatives {
		relatives[i] = w.user(t)
	}
	var joined atomic.Int32
	var wg sync.WaitGroup
	for _, r := range relatives {
		wg.Go(func() {
			_, err := w.svc.Accept(ctx, r, issued.Code)
			switch {
			case err == nil:
				joined.Add(1)
			case !fault.Is(err, family.ErrInviteUsed):
				t.Errorf("loser got %v", err)
			}
		})
	}
	wg.Wait()
	if joined.Load() != 1 {
		t.Fatalf("%d relatives joined with one code", joined.Load())
	}
	got, err := w.svc.Get(ctx, owner, v.Family.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Members) != 2 {
		t.Fatalf("family has %d members, want 2", len(got.Members))
	}
}

// The last member leaving takes the family's records with it.
func TestLastMemberLeavingDissolvesTheFamily(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	owner := w.user(t)
	v, _ := w.svc.Create(ctx, owner, "李家", "Asia/Urumqi")
	if err := w.svc.Leave(ctx, owner, v.Family.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Get(ctx, owner, v.Family.ID()); !fault.Is(err, family.ErrNotFound) {
		t.Fatalf("family after last member left: %v", err)
	}
}
