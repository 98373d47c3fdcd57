package providercache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/providercache"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/test/testenv"
)

func newProvider(t *testing.T, id string) *provider.Provider {
	t.Helper()
	p, err := provider.New(id, "admin", provider.Profile{
		LegalName: "康乐居家养老", Licences: []provider.Licence{{Kind: provider.HomeCare, Number: "沪001"}},
		Address: geo.Address{City: "上海市", Street: "漕溪北路88号", RegionCode: "310104", Location: geo.Point{Lat: 31.18, Lng: 121.43}},
		Area:    provider.Area{RadiusKM: 5}, TimeZone: "Asia/Shanghai", ContactPhone: "+8613900000000",
	}, "ev-new", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Writes through the cache are seen by the next search at once: a
// black-listing must hide a provider immediately.
func TestWritesThroughTheCacheAreSeenAtOnce(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	cache := providercache.New(store.Providers())
	if err := cache.Create(ctx, newProvider(t, "p1")); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Update(ctx, "p1", func(p *provider.Provider) error { return p.Verify("ev-verify", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	got, _ := cache.GetMany(ctx, []string{"p1"})
	if len(got) != 1 || !got[0].Visible() {
		t.Fatalf("after verifying: %+v", got)
	}
	if _, err := cache.Update(ctx, "p1", func(p *provider.Provider) error {
		return p.SetCredit(provider.BlackListed, "抽查发现问题", provider.CreditSource{}, "ev-credit", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	got, _ = cache.GetMany(ctx, []string{"p1"})
	if got[0].Visible() {
		t.Fatal("a black-listed provider is still visible through the cache")
	}

	// A provider written before the cache existed is read once, then kept.
	if err := store.Providers().Create(ctx, newProvider(t, "p2")); err != nil {
		t.Fatal(err)
	}
	got, err := cache.GetMany(ctx, []string{"p1", "p2", "missing"})
	if err != nil || len(got) != 2 {
		t.Fatalf("GetMany = %d providers, %v", len(got), err)
	}
	// A write that bypasses the cache is not seen: which is why the cache
	// is only for the embedded store, whose one process writes through it.
	if _, err := store.Providers().Update(ctx, "p2", func(p *provider.Provider) error { return p.Verify("ev-verify", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := cache.GetMany(ctx, []string{"p2"}); got[0].Visible() {
		t.Fatal("expected the cached state; is the cache on?")
	}
}

// Get answers from memory too, and sees a staff removal written through
// the cache at once: order access asks it on every request.
func TestGetSeesStaffChangesAtOnce(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	cache := providercache.New(store.Providers())
	p := newProvider(t, "p1")
	p.Staff = []provider.Staff{{UserID: "cg", Role: provider.StaffCaregiver}}
	if err := cache.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := cache.Get(ctx, "p1")
	if err != nil || !got.EmploysCaregiver("cg") {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	got.Admins = nil // the caller's copy, not the cache's
	if _, err := cache.Update(ctx, "p1", func(p *provider.Provider) error { return p.RemoveStaff("admin", "cg") }); err != nil {
		t.Fatal(err)
	}
	if got, _ := cache.Get(ctx, "p1"); got.EmploysCaregiver("cg") || !got.IsAdmin("admin") {
		t.Fatalf("after the removal Get answers %+v", got)
	}
	if _, err := cache.Get(ctx, "missing"); !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("Get of a missing provider: %v", err)
	}
}
