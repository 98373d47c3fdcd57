package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

// One suite against the embedded FerretDB, or MONGODB_URI when set.
func TestRepositories(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()

	t.Run("indexes are created idempotently", func(t *testing.T) {
		if err := store.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("concurrent first logins create one user", func(t *testing.T) {
		users := store.Users()
		var created atomic.Int32
		ids := make(chan string, 16)
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				u, _ := identity.NewUser(fmt.Sprintf("u-%d", i), "+8613800000001", time.Now())
				got, isNew, err := users.FirstOrCreate(ctx, u)
				if err != nil {
					t.Error(err)
					return
				}
				if isNew {
					created.Add(1)
				}
				ids <- got.ID()
			})
		}
		wg.Wait()
		close(ids)
		first := <-ids
		for id := range ids {
			if id != first {
				t.Fatalf("logins saw users %s and %s", first, id)
			}
		}
		if created.Load() != 1 {
			t.Fatalf("%d users created", created.Load())
		}
	})

	t.Run("concurrent updates all apply", func(t *testing.T) {
		users := store.Users()
		u, _ := identity.NewUser("u-roles", "+8613800000002", time.Now())
		if _, _, err := users.FirstOrCreate(ctx, u); err != nil {
			t.Fatal(err)
		}
		roles := []identity.Role{identity.RoleCaregiver, identity.RoleProviderStaff, identity.RoleRegulator}
		var wg sync.WaitGroup
		for _, r := range roles {
			wg.Go(func() {
				if _, err := users.Update(ctx, "u-roles", func(u *identity.User) error { u.GrantRoles(r); return nil }); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := users.ByID(ctx, "u-roles")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range roles {
			if !got.Roles().Has(r) {
				t.Fatalf("role %s lost to a concurrent update: %v", r, got.Roles())
			}
		}
		if _, err := users.ByID(ctx, "nobody"); !fault.Is(err, identity.ErrUserNotFound) {
			t.Fatalf("missing user: %v", err)
		}
	})

	t.Run("a session rotates once per generation", func(t *testing.T) {
		sessions := store.Sessions()
		now := time.Now().UTC()
		s := identity.NewSession("s-race", "u1", now, time.Hour)
		if err := sessions.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				ok, err := sessions.Rotate(ctx, s.ID, 1, now, now.Add(time.Hour))
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d of 20 concurrent rotations won", won.Load())
		}
		got, _ := sessions.Get(ctx, s.ID)
		if got.Generation != 2 {
			t.Fatalf("generation %d", got.Generation)
		}
		if err := sessions.Revoke(ctx, s.ID, now, "test"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := sessions.Rotate(ctx, s.ID, 2, now, now.Add(time.Hour)); ok {
			t.Fatal("a revoked session rotated")
		}
		if n, err := sessions.PurgeExpired(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("purged %d, %v", n, err)
		}
	})

	t.Run("users' cached devices are the stored ones after racing writes and reads", func(t *testing.T) {
		devs := store.Devices()
		tokens := func(ds []device.Device) []string {
			out := make([]string, len(ds))
			for i, d := range ds {
				out[i] = d.Token
			}
			slices.Sort(out)
			return out
		}
		put := func(token, user string) {
			d, err := device.New(token, user, device.PlatformAndroid, device.AppFamily, "zh-CN", "1.0", time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			registered, err := device.Registered(fmt.Sprintf("ev-%s-%s", token, user), d, d.UpdatedAt)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := devs.Put(ctx, d, registered); err != nil {
				t.Error(err)
			}
		}
		for round := range 10 {
			var wg sync.WaitGroup
			for w := range 3 {
				token := fmt.Sprintf("fcm:race-%d-%d", round, w)
				wg.Go(func() {
					put(token, "carol")
					if w == 0 {
						if _, err := devs.DeleteOwned(ctx, token, "carol"); err != nil {
							t.Error(err)
						}
					}
				})
			}
			// Dave signs in on one of carol's phones: the token moves to
			// him, or to her if her registration comes last.
			wg.Go(func() { put(fmt.Sprintf("fcm:race-%d-1", round), "dave") })
			for _, user := range []string{"carol", "dave"} {
				wg.Go(func() {
					for range 3 {
						if _, err := devs.ListByUser(ctx, user); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			for _, user := range []string{"carol", "dave"} {
				listed, err := devs.ListByUser(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				stored, err := devs.StoredByUser(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := tokens(listed), tokens(stored); !slices.Equal(got, want) {
					t.Fatalf("round %d: %s's devices listed %v, stored %v", round, user, got, want)
				}
			}
		}
	})

	t.Run("a device token belongs to the last user who registered it", func(t *testing.T) {
		devs := store.Devices()
		put := func(user string) bool {
			d, err := device.New("fcm:tok", user, device.PlatformAndroid, device.AppFamily, "zh-CN", "1.0", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			registered, err := device.Registered(fmt.Sprintf("ev-%s-%d", user, time.Now().UnixNano()), d, d.UpdatedAt)
			if err != nil {
				t.Fatal(err)
			}
			created, err := devs.Put(ctx, d, registered)
			if err != nil {
				t.Fatal(err)
			}
			return created
		}
		if !put("alice") || put("alice") {
			t.Fatal("created flags wrong")
		}
		// Read once, so a cached list (embedded store) must be dropped.
		if ds, _ := devs.ListByUser(ctx, "alice"); len(ds) != 1 {
			t.Fatalf("alice has %v", ds)
		}
		if put("bob") {
			t.Fatal("a moved token counted as created")
		}
		if ds, _ := devs.ListByUser(ctx, "bob"); len(ds) != 1 {
			t.Fatalf("bob has %v", ds)
		}
		if ds, _ := devs.ListByUser(ctx, "alice"); len(ds) != 0 {
			t.Fatalf("alice still has %v", ds)
		}
		if ok, _ := devs.DeleteOwned(ctx, "fcm:tok", "alice"); ok {
			t.Fatal("alice deleted bob's token")
		}
		if ok, _ := devs.DeleteOwned(ctx, "fcm:tok", "bob"); !ok {
			t.Fatal("bob could not delete his token")
		}
		if ds, _ := devs.ListByUser(ctx, "bob"); len(ds) != 0 {
			t.Fatalf("bob still lists %v", ds)
		}
	})
}
