package elders_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func ptr[T any](v T) *T { return &v }

// A daughter records her mother's conditions while her brother withdraws
// the family's health consent. Whatever the interleaving, once the
// withdrawal has returned no health data is left.
func TestNoHealthDataOutlivesAWithdrawnConsent(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	trail := audittrail.NewRecorder(store.Audit(), time.Now, newID, slog.New(slog.NewTextHandler(io.Discard, nil)))
	fams := families.NewService(families.Deps{
		Families: store.Families(), Invites: store.Invites(), Users: store.Users(), Elders: store.Elders(),
		Children: store.Children(), Audit: trail, AuditDel: store.Audit(), Now: time.Now, NewID: newID,
		InviteKey: family.InviteKey("test invite key, 32 bytes long!!"),
	})
	eld := elders.NewService(elders.Deps{Elders: store.Elders(), Families: store.Families(), Audit: trail,
		Now: time.Now, NewID: newID})

	phone, _ := identity.ParsePhone(testenv.Phone())
	u, _ := identity.NewUser(newID(), phone, time.Now())
	if _, _, err := store.Users().FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	me := actor.Actor{UserID: u.ID(), Roles: u.Roles()}
	fv, err := fams.Create(ctx, me, "王家", "")
	if err != nil {
		t.Fatal(err)
	}
	mother, err := eld.Create(ctx, me, fv.Family.ID(), elders.ProfileInput{
		Name: ptr("王秀兰"), Gender: ptr("female"), BirthDate: ptr("1944-05-12"), // calendar-safe: over 80 on any day this runs
		Living:  ptr("alone"),
		Address: &elders.AddressInput{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104", Lat: 31.18, Lng: 121.43},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := mother.Elder.ID

	for round := range 8 {
		c, err := fams.GrantConsent(ctx, me, fv.Family.ID(), families.ConsentCommand{
			Scope: string(consent.ElderHealth), ElderID: id, PolicyVersion: consent.PolicyVersion})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				// Refused or accepted, both are fine; what is left is judged below.
				_, _ = eld.Update(ctx, me, id, elders.ProfileInput{Conditions: &[]string{"高血压"}})
			})
		}
		wg.Go(func() {
			if _, err := fams.WithdrawConsent(ctx, me, fv.Family.ID(), c.ID); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		got, err := store.Elders().Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Health.Empty() {
			t.Fatalf("round %d: health data %v survived the withdrawal", round, got.Health.Conditions)
		}
	}
}
