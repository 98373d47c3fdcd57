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

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

func fullItem(id, providerID string, now time.Time) catalog.Item {
	return catalog.Item{
		ID:               id,
		ProviderID:       providerID,
		Type:             service.Bathing,
		Names:            catalog.Names{ZhCN: "上门助浴", En: "Home bathing"},
		Unit:             catalog.PerVisit,
		DurationMinutes:  90,
		CaregiversNeeded: 2,
		Eligibility: catalog.Eligibility{Levels: []elder.AbilityLevel{elder.AbilityModerate, elder.AbilitySevere},
			MinAge: 60},
		UsesCapacity: true,
		Price: catalog.Price{Version: 3, MarketFen: 9_000_000_000_001, InclusiveFen: 8_500_000_000_000,
			AgreementRef: "徐民〔2026〕12号", From: now.Add(2 * time.Hour)},
		PriceHistory: []catalog.Price{
			{Version: 1, MarketFen: 20_000, InclusiveFen: 16_000, From: now},
			{Version: 2, MarketFen: 22_000, InclusiveFen: 20_000, AgreementRef: "协议 A", From: now.Add(time.Hour)},
		},
		Active:    true,
		CreatedAt: now,
	}
}

// storedItem is an item as it reads back from the database.
func storedItem(it catalog.Item) catalog.Item {
	it.CreatedAt = ms(it.CreatedAt)
	it.Price.From = ms(it.Price.From)
	it.PriceHistory = slices.Clone(it.PriceHistory)
	if it.PriceHistory == nil {
		it.PriceHistory = []catalog.Price{}
	}
	for i := range it.PriceHistory {
		it.PriceHistory[i].From = ms(it.PriceHistory[i].From)
	}
	it.Eligibility.Levels = slices.Clone(it.Eligibility.Levels)
	if it.Eligibility.Levels == nil {
		it.Eligibility.Levels = []elder.AbilityLevel{}
	}
	return it
}

func simpleItem(id, providerID string, t service.Type, active bool, created time.Time) catalog.Item {
	return catalog.Item{ID: id, ProviderID: providerID, Type: t, Names: catalog.Names{ZhCN: id, En: id},
		Unit: catalog.PerVisit, DurationMinutes: 30, CaregiversNeeded: 1, Active: active, CreatedAt: created,
		Price: catalog.Price{Version: 1, MarketFen: 1000, InclusiveFen: 800, From: created}}
}

// A menu lives in its provider's document: these are the items' part of
// the provider store.
func TestProviderMenus(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	provs := store.Providers()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 987_654_321, time.FixedZone("CST", 8*3600))
	newProvider := func(t *testing.T, id string, items ...catalog.Item) {
		t.Helper()
		p := bareProvider(id, provider.Verified, provider.CreditNormal, now, "u-admin")
		p.Items = items
		if err := provs.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	menu := func(t *testing.T, id string) []catalog.Item {
		t.Helper()
		p, err := provs.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}

	t.Run("every field of an item round-trips, in menu order", func(t *testing.T) {
		full, bare := fullItem("i-full", "p-menu", now), simpleItem("i-bare", "p-menu", service.MealAid, false, now)
		newProvider(t, "p-menu", full, bare)
		got := menu(t, "p-menu")
		if want := []catalog.Item{storedItem(full), storedItem(bare)}; !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if got[1].Eligibility.Levels == nil || got[1].PriceHistory == nil {
			t.Fatalf("a nil list read back: %+v", got[1])
		}
		if p, ok := got[0].PriceAt(2); !ok || p.AgreementRef != "协议 A" || p.MarketFen != 22_000 {
			t.Fatalf("price version 2: %+v %v", p, ok)
		}
	})

	t.Run("an item reads back as its provider's", func(t *testing.T) {
		newProvider(t, "p-unowned", simpleItem("i-unowned", "", service.Cleaning, true, now))
		if got := menu(t, "p-unowned"); got[0].ProviderID != "p-unowned" {
			t.Fatalf("provider id %q", got[0].ProviderID)
		}
	})

	t.Run("another provider's item is refused", func(t *testing.T) {
		p := bareProvider("p-foreign", provider.Pending, provider.CreditNormal, now, "u-admin")
		p.Items = []catalog.Item{simpleItem("i-foreign", "p-menu", service.Cleaning, true, now)}
		if err := provs.Create(ctx, p); err == nil {
			t.Fatal("a provider was created with another provider's item")
		}
		if _, err := provs.Get(ctx, "p-foreign"); !fault.Is(err, provider.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		_, err := provs.Update(ctx, "p-menu", func(p *provider.Provider) error {
			p.Items[1].ProviderID = "p-other"
			return nil
		})
		if err == nil {
			t.Fatal("an item moved to another provider")
		}
		_, err = provs.Update(ctx, "p-menu", func(p *provider.Provider) error {
			p.Items = append(p.Items, simpleItem("i-stolen", "p-other", service.Errands, true, now))
			return nil
		})
		if err == nil {
			t.Fatal("another provider's item was added")
		}
		if got := menu(t, "p-menu"); len(got) != 2 || got[1].ProviderID != "p-menu" {
			t.Fatalf("a refused update wrote %+v", got)
		}
	})

	t.Run("items change with their provider and fn's error writes nothing", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := provs.Update(ctx, "p-menu", func(p *provider.Provider) error {
			it, err := p.Item("i-full")
			if err != nil {
				return err
			}
			it.Active = false
			return boom
		})
		if err != boom {
			t.Fatalf("error %v", err)
		}
		_, err = provs.Update(ctx, "p-menu", func(p *provider.Provider) error {
			_, err := p.Item("nothing")
			return err
		})
		if !fault.Is(err, catalog.ErrNotFound) {
			t.Fatalf("error %v", err)
		}
		if got := menu(t, "p-menu"); !got[0].Active {
			t.Fatal("a failed update wrote")
		}
		_, err = provs.Update(ctx, "p-menu", func(p *provider.Provider) error {
			it, err := p.Item("i-bare")
			if err != nil {
				return err
			}
			it.Active = true
			return it.Reprice(catalog.Price{MarketFen: 5000, InclusiveFen: 4000}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		got := menu(t, "p-menu")[1]
		if !got.Active || got.Price.Version != 2 || got.Price.MarketFen != 5000 || !got.Price.From.Equal(ms(now)) ||
			len(got.PriceHistory) != 1 || got.PriceHistory[0].MarketFen != 1000 {
			t.Fatalf("read back %+v", got)
		}
	})

	t.Run("concurrent additions and reprices all apply", func(t *testing.T) {
		newProvider(t, "p-race", simpleItem("i-race", "p-race", service.Cleaning, true, now))
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				_, err := provs.Update(ctx, "p-race", func(p *provider.Provider) error {
					if err := p.AddItem(simpleItem(fmt.Sprintf("i-%d", i), "", service.MealAid, true, now)); err != nil {
						return err
					}
					it, err := p.Item("i-race")
					if err != nil {
						return err
					}
					return it.Reprice(catalog.Price{MarketFen: int64(2000 + i), InclusiveFen: 1000}, now)
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		p, err := provs.Get(ctx, "p-race")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 11 {
			t.Fatalf("%d items, want 11", len(p.Items))
		}
		for i := range 10 {
			if _, err := p.Item(fmt.Sprintf("i-%d", i)); err != nil {
				t.Fatalf("i-%d lost to a concurrent update", i)
			}
		}
		it, _ := p.Item("i-race")
		if it.Price.Version != 11 || len(it.PriceHistory) != 10 {
			t.Fatalf("version %d, %d earlier", it.Price.Version, len(it.PriceHistory))
		}
		seen := map[int64]bool{it.Price.MarketFen: true}
		for v, pr := range it.PriceHistory {
			if pr.Version != v+1 {
				t.Fatalf("history out of order: %+v", it.PriceHistory)
			}
			seen[pr.MarketFen] = true
		}
		for i := range 10 {
			if !seen[int64(2000+i)] {
				t.Fatalf("price %d lost to a concurrent update", 2000+i)
			}
		}
	})

	t.Run("menus come with GetMany and EachVisible", func(t *testing.T) {
		ps, err := provs.GetMany(ctx, []string{"p-menu", "p-race"})
		if err != nil || len(ps) != 2 {
			t.Fatalf("%v %v", ps, err)
		}
		for _, p := range ps {
			if len(p.Items) < 2 || p.Items[0].ProviderID != p.ID {
				t.Fatalf("%s: menu %+v", p.ID, p.Items)
			}
		}
		counts := map[string]int{}
		err = provs.EachVisible(ctx, func(p *provider.Provider) error { counts[p.ID] = len(p.Items); return nil })
		if err != nil || counts["p-menu"] != 2 || counts["p-race"] != 11 {
			t.Fatalf("%v %v", counts, err)
		}
	})
}
