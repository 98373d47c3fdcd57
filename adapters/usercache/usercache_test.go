package usercache_test

import (
	"context"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/usercache"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

func TestReadsAreCachedAndWritesSeenAtOnce(t *testing.T) {
	store := testenv.Mongo(t)
	users := usercache.New(store.Users(), 100, time.Minute)
	ctx := context.Background()
	u, _ := identity.NewUser("u1", "+8613800000009", time.Now())
	if _, _, err := users.FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	first, err := users.ByID(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	first.GrantRoles(identity.RoleRegulator) // a caller mutating its copy
	again, _ := users.ByID(ctx, "u1")
	if again.Roles().Has(identity.RoleRegulator) {
		t.Fatal("one caller's change leaked into the cache")
	}

	// A write behind the cache's back (another replica) is not seen...
	if _, err := store.Users().Update(ctx, "u1", func(u *identity.User) error { u.GrantRoles(identity.RoleCaregiver); return nil }); err != nil {
		t.Fatal(err)
	}
	if cached, _ := users.ByID(ctx, "u1"); cached.Roles().Has(identity.RoleCaregiver) {
		t.Fatal("expected the cached entry within its TTL; is the cache on?")
	}
	// ...but a write through it is, at once.
	if _, err := users.Update(ctx, "u1", func(u *identity.User) error { u.GrantRoles(identity.RoleRegulator); return nil }); err != nil {
		t.Fatal(err)
	}
	got, _ := users.ByID(ctx, "u1")
	if !got.Roles().Has(identity.RoleRegulator) || !got.Roles().Has(identity.RoleCaregiver) {
		t.Fatalf("after write-through: %v", got.Roles())
	}
}

func TestEntriesExpire(t *testing.T) {
	store := testenv.Mongo(t)
	users := usercache.New(store.Users(), 100, 50*time.Millisecond)
	ctx := context.Background()
	u, _ := identity.NewUser("u2", "+8613800000008", time.Now())
	_, _, _ = users.FirstOrCreate(ctx, u)
	_, _ = users.ByID(ctx, "u2")
	_, _ = store.Users().Update(ctx, "u2", func(u *identity.User) error { u.GrantRoles(identity.RoleCaregiver); return nil })
	time.Sleep(120 * time.Millisecond)
	if got, _ := users.ByID(ctx, "u2"); !got.Roles().Has(identity.RoleCaregiver) {
		t.Fatal("stale entry outlived its TTL")
	}
}

// The account a login creates or finds is cached: the first requests
// after a login do not read the store.
func TestALoginLeavesTheAccountCached(t *testing.T) {
	store := testenv.Mongo(t)
	users := usercache.New(store.Users(), 100, time.Minute)
	ctx := context.Background()
	u, _ := identity.NewUser("u3", "+8613800000007", time.Now())
	if _, _, err := users.FirstOrCreate(ctx, u); err != nil {
		t.Fatal(err)
	}
	// Behind the cache's back: a cached entry hides this.
	if _, err := store.Users().Update(ctx, "u3", func(u *identity.User) error { u.GrantRoles(identity.RoleCaregiver); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := users.ByID(ctx, "u3"); got.Roles().Has(identity.RoleCaregiver) {
		t.Fatal("the account was read from the store, not the cache, after FirstOrCreate")
	}
}
