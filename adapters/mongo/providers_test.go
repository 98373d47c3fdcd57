package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

var _ providers.Store = (*mongo.Providers)(nil)

// fullProvider sets every field. The store keeps what it is given, so the
// service area has both a radius and regions, which the domain would refuse.
func fullProvider(id string, now time.Time, admins ...string) *provider.Provider {
	return &provider.Provider{
		ID: id,
		Profile: provider.Profile{
			LegalName: "上海徐汇康乐居家养老服务有限公司",
			Licences: []provider.Licence{
				{Kind: provider.HomeCare, Number: "沪民养备 310104-0001"},
				{Kind: provider.Canteen, Number: "JY13101040012345"},
			},
			Address: geo.Address{Province: "上海市", City: "上海市", District: "徐汇区", Street: "田林路 200 号",
				Detail: "1 楼", RegionCode: "310104", Location: geo.Point{Lat: 31.1712, Lng: 121.4275}},
			Area:         provider.Area{RadiusKM: 7.5, RegionCodes: []string{"310104", "310105"}},
			TimeZone:     "Asia/Shanghai",
			ContactPhone: "+862164000000",
			Hours: []provider.Hours{
				{Weekday: 1, Open: "08:00", Close: "12:00"},
				{Weekday: 1, Open: "13:30", Close: "18:00"},
				{Weekday: 7, Open: "09:00", Close: "11:00"},
			},
		},
		Admins:    admins,
		Status:    provider.Suspended,
		Reason:    "licence expired",
		Credit:    provider.RedListed,
		CreditWhy: "表彰",
		CreditAt:  now.Add(time.Hour),
		Stats: provider.Stats{RatingSum: 9_876_543_210, RatingCount: 2_000_000_000_001,
			RecentRatings: []string{"o-1", "o-2"}},
		Items: []catalog.Item{fullItem("i-1", id, now.Add(-time.Hour)),
			simpleItem("i-2", id, service.MealAid, false, now.Add(-time.Minute))},
		CreatedBy: "u-creator",
		CreatedAt: now,
	}
}

// bareProvider has only what a search needs to see.
func bareProvider(id string, status provider.Verification, credit provider.Credit, created time.Time, admins ...string) *provider.Provider {
	return &provider.Provider{ID: id, Admins: admins, Status: status, Credit: credit, CreatedBy: "u", CreatedAt: created}
}

func TestProviders(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	provs := store.Providers()
	// Not a round number of milliseconds, so truncation is exercised.
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 123_456_789, time.FixedZone("CST", 8*3600))

	t.Run("every field round-trips", func(t *testing.T) {
		if err := provs.Create(ctx, fullProvider("p-full", now, "u-a", "u-b")); err != nil {
			t.Fatal(err)
		}
		got, err := provs.Get(ctx, "p-full")
		if err != nil {
			t.Fatal(err)
		}
		want := fullProvider("p-full", ms(now), "u-a", "u-b")
		want.CreditAt = ms(now.Add(time.Hour))
		want.Staff, want.StaffInvites = []provider.Staff{}, []provider.StaffInvite{}
		for i := range want.Items {
			want.Items[i] = storedItem(want.Items[i])
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if err := provs.Create(ctx, fullProvider("p-full", now)); err == nil {
			t.Fatal("a second provider with one id was created")
		}
	})

	t.Run("a bare provider reads back with empty lists and no credit time", func(t *testing.T) {
		if err := provs.Create(ctx, bareProvider("p-bare", provider.Pending, provider.CreditNormal, now)); err != nil {
			t.Fatal(err)
		}
		got, err := provs.Get(ctx, "p-bare")
		if err != nil {
			t.Fatal(err)
		}
		if got.Admins == nil || got.Profile.Licences == nil || got.Profile.Hours == nil ||
			got.Profile.Area.RegionCodes == nil || got.Items == nil {
			t.Fatalf("a nil list read back: %+v", got)
		}
		want := bareProvider("p-bare", provider.Pending, provider.CreditNormal, ms(now))
		want.Admins, want.Profile.Licences, want.Profile.Hours = []string{}, []provider.Licence{}, []provider.Hours{}
		want.Profile.Area.RegionCodes, want.Items = []string{}, []catalog.Item{}
		want.Staff, want.StaffInvites = []provider.Staff{}, []provider.StaffInvite{}
		if !reflect.DeepEqual(got, want) || !got.CreditAt.IsZero() {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
	})

	t.Run("unknown providers are not found", func(t *testing.T) {
		if _, err := provs.Get(ctx, "nobody"); !fault.Is(err, provider.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		_, err := provs.Update(ctx, "nobody", func(*provider.Provider) error { t.Fatal("fn ran"); return nil })
		if !fault.Is(err, provider.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
	})

	t.Run("concurrent updates all apply", func(t *testing.T) {
		if err := provs.Create(ctx, bareProvider("p-race", provider.Pending, provider.CreditNormal, now, "u-owner")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				_, err := provs.Update(ctx, "p-race", func(p *provider.Provider) error {
					p.Admins = append(p.Admins, fmt.Sprintf("u-%d", i))
					p.Stats.RatingSum += int64(i + 1)
					p.Stats.RatingCount++
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := provs.Get(ctx, "p-race")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			if !got.IsAdmin(fmt.Sprintf("u-%d", i)) {
				t.Fatalf("u-%d lost to a concurrent update: %v", i, got.Admins)
			}
		}
		if len(got.Admins) != 11 || got.Stats.RatingCount != 10 || got.Stats.RatingSum != 55 {
			t.Fatalf("admins %v, stats %+v", got.Admins, got.Stats)
		}
	})

	t.Run("an update returns fn's error, keeps the id and writes", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := provs.Update(ctx, "p-race", func(p *provider.Provider) error {
			_ = p.Verify("ev-verify", time.Now())
			return boom
		})
		if err != boom {
			t.Fatalf("error %v", err)
		}
		if _, err := provs.Update(ctx, "p-race", func(p *provider.Provider) error { p.ID = "p-other"; return nil }); err == nil {
			t.Fatal("a provider changed id")
		}
		if got, _ := provs.Get(ctx, "p-race"); got.Status != provider.Pending {
			t.Fatalf("a failed update wrote status %s", got.Status)
		}
		if _, err := provs.Get(ctx, "p-other"); !fault.Is(err, provider.ErrNotFound) {
			t.Fatalf("p-other: %v", err)
		}
		credited := now.Add(2 * time.Hour)
		updated, err := provs.Update(ctx, "p-race", func(p *provider.Provider) error {
			if err := p.Verify("ev-verify", time.Now()); err != nil {
				return err
			}
			return p.SetCredit(provider.BlackListed, "虚假宣传", provider.CreditSource{By: "official", ComplaintID: "c1"},
				"ev-credit", credited)
		})
		if err != nil || updated.Status != provider.Verified {
			t.Fatalf("verify: %+v %v", updated, err)
		}
		got, _ := provs.Get(ctx, "p-race")
		if got.Status != provider.Verified || got.Credit != provider.BlackListed || got.CreditWhy != "虚假宣传" ||
			!got.CreditAt.Equal(ms(credited)) || got.Visible() {
			t.Fatalf("read back %+v", got)
		}
		if h := got.CreditChanges(); len(h) != 1 || h[0].ID != "ev-credit" || h[0].From != provider.CreditNormal ||
			h[0].To != provider.BlackListed || h[0].Reason != "虚假宣传" || !h[0].At.Equal(ms(credited)) ||
			h[0].By != "official" || h[0].ComplaintID != "c1" {
			t.Fatalf("the credit history read back: %+v", h)
		}
	})

	t.Run("providers are listed by admin, oldest first", func(t *testing.T) {
		for i, p := range []*provider.Provider{
			bareProvider("p-list-c", provider.Pending, provider.CreditNormal, now, "u-alice"),
			bareProvider("p-list-a", provider.Verified, provider.CreditNormal, now.Add(time.Hour), "u-bob", "u-alice"),
			bareProvider("p-list-b", provider.Rejected, provider.CreditNormal, now.Add(2*time.Hour), "u-bob"),
			// Same creation time as p-list-c: the id breaks the tie.
			bareProvider("p-list-0", provider.Pending, provider.CreditNormal, now, "u-alice"),
		} {
			if err := provs.Create(ctx, p); err != nil {
				t.Fatalf("%d: %v", i, err)
			}
		}
		ids := func(user string) []string {
			ps, err := provs.ListByAdmin(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			return providerIDs(ps)
		}
		if got := ids("u-alice"); !slices.Equal(got, []string{"p-list-0", "p-list-c", "p-list-a"}) {
			t.Fatalf("u-alice: %v", got)
		}
		if got := ids("u-bob"); !slices.Equal(got, []string{"p-list-a", "p-list-b"}) {
			t.Fatalf("u-bob: %v", got)
		}
		if got := ids("u-stranger"); got == nil || len(got) != 0 {
			t.Fatalf("u-stranger: %v", got)
		}
	})

	t.Run("GetMany returns those that exist, each once", func(t *testing.T) {
		ps, err := provs.GetMany(ctx, []string{"p-list-b", "p-missing", "p-list-c", "p-list-b"})
		if err != nil {
			t.Fatal(err)
		}
		got := providerIDs(ps)
		slices.Sort(got)
		if !slices.Equal(got, []string{"p-list-b", "p-list-c"}) {
			t.Fatalf("got %v", got)
		}
		if ps[0].Admins == nil || ps[0].Items == nil || ps[0].CreatedAt.Location() != time.UTC {
			t.Fatalf("read back %+v", ps[0])
		}
		for _, ids := range [][]string{nil, {}, {"p-missing"}} {
			if ps, err := provs.GetMany(ctx, ids); err != nil || ps == nil || len(ps) != 0 {
				t.Fatalf("%v: %v %v", ids, ps, err)
			}
		}
	})
}

func TestProvidersEachVisible(t *testing.T) {
	store := testenv.Mongo(t) // a database of its own: every provider in it counts
	ctx := context.Background()
	provs := store.Providers()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)

	var want []string
	create := func(p *provider.Provider) {
		t.Helper()
		if err := provs.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p.Visible() {
			want = append(want, p.ID)
		}
	}
	for _, s := range []provider.Verification{provider.Pending, provider.Verified, provider.Rejected, provider.Suspended} {
		for _, c := range []provider.Credit{provider.CreditNormal, provider.RedListed, provider.BlackListed} {
			create(bareProvider(fmt.Sprintf("p-%s-%s", s, c), s, c, now))
		}
	}
	if len(want) != 2 {
		t.Fatalf("fixture: %v visible", want)
	}
	t.Run("none", func(t *testing.T) {
		empty := testenv.Mongo(t).Providers()
		if err := empty.EachVisible(ctx, func(p *provider.Provider) error { t.Fatalf("called with %s", p.ID); return nil }); err != nil {
			t.Fatal(err)
		}
	})
	// More than the first batch of a cursor (101), so getMore is exercised.
	for i := range 150 {
		create(bareProvider(fmt.Sprintf("p-bulk-%03d", i), provider.Verified, provider.CreditNormal, now))
	}

	t.Run("only verified providers not black-listed are visited", func(t *testing.T) {
		var got []string
		err := provs.EachVisible(ctx, func(p *provider.Provider) error {
			if !p.Visible() || p.Admins == nil || p.CreatedAt != now {
				t.Errorf("visited %+v", p)
			}
			got = append(got, p.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("visited %d\n%v\nwant %d\n%v", len(got), got, len(want), want)
		}
	})

	t.Run("fn's error stops the walk and comes back", func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		err := provs.EachVisible(ctx, func(*provider.Provider) error { calls++; return boom })
		if err != boom || calls != 1 {
			t.Fatalf("error %v after %d calls", err, calls)
		}
	})

	t.Run("a cancelled walk stops", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := provs.EachVisible(cctx, func(*provider.Provider) error {
			calls++
			if calls == 1 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || calls >= len(want) {
			t.Fatalf("error %v after %d calls", err, calls)
		}
	})
}

func providerIDs(ps []*provider.Provider) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// A regulator's list: providers whose address lies under one of the
// region prefixes, with the credit and status asked, in id order after
// the cursor, until the caller stops.
func TestProvidersEachSupervised(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	provs := store.Providers()
	now := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC) // calendar-safe: the store reads no clock
	for i, region := range []string{"310104", "310105", "320505", "310104"} {
		p := fullProvider(fmt.Sprintf("p%d", i), now, "boss")
		p.Profile.Address.RegionCode = region
		if i == 3 {
			p.Credit = provider.BlackListed
		}
		if err := provs.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(f providers.SupervisedFilter, after string, stopAfter int) []string {
		t.Helper()
		var ids []string
		err := provs.EachSupervised(ctx, f, after, func(p *provider.Provider) (bool, error) {
			ids = append(ids, p.ID)
			return len(ids) < stopAfter, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for _, c := range []struct {
		f     providers.SupervisedFilter
		after string
		stop  int
		want  []string
	}{
		{providers.SupervisedFilter{}, "", 10, []string{"p0", "p1", "p2", "p3"}},
		{providers.SupervisedFilter{Regions: []string{"3101"}}, "", 10, []string{"p0", "p1", "p3"}},
		{providers.SupervisedFilter{Regions: []string{"310104", "32"}}, "", 10, []string{"p0", "p2", "p3"}},
		{providers.SupervisedFilter{Regions: []string{"33"}}, "", 10, nil},
		{providers.SupervisedFilter{Regions: []string{"31"}, Credit: "black_listed"}, "", 10, []string{"p3"}},
		{providers.SupervisedFilter{Regions: []string{"31"}}, "p0", 10, []string{"p1", "p3"}},
		{providers.SupervisedFilter{Regions: []string{"31"}}, "", 2, []string{"p0", "p1"}},
	} {
		if got := walk(c.f, c.after, c.stop); !slices.Equal(got, c.want) {
			t.Errorf("%+v after %q: %v, want %v", c.f, c.after, got, c.want)
		}
	}
}

// A provider saved before providers carried their regions is in no
// regulator's list until the backfill at start saves it again.
func TestProvidersBackfillRegions(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	provs := store.Providers()
	now := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC) // calendar-safe: the store reads no clock
	for _, id := range []string{"old", "new"} {
		if err := provs.Create(ctx, fullProvider(id, now, "boss")); err != nil {
			t.Fatal(err)
		}
	}
	if err := provs.ForgetRegions(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	listed := func() []string {
		var ids []string
		if err := provs.EachSupervised(ctx, providers.SupervisedFilter{Regions: []string{"3101"}}, "",
			func(p *provider.Provider) (bool, error) { ids = append(ids, p.ID); return true, nil }); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := listed(); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("before the backfill: %v", got)
	}
	for want := 1; want >= 0; want-- { // the second run finds nothing
		if n, err := provs.BackfillRegions(ctx); err != nil || n != want {
			t.Fatalf("BackfillRegions = %d, %v; want %d", n, err, want)
		}
	}
	if got := listed(); !slices.Equal(got, []string{"new", "old"}) {
		t.Fatalf("after the backfill: %v", got)
	}
}
