package search_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/test/testenv"
)

// sort=rating puts the best rated first, by the average pulled towards 4
// stars by five imaginary ratings, then the nearest; pages follow the
// same order without gaps or repeats.
func TestSearchSortsByRating(t *testing.T) {
	store := testenv.Mongo(t)
	rdb, _ := testenv.Redis(t)
	ctx := context.Background()
	index := redis.NewGeoIndex(rdb, "{geo:test-"+uuid.NewString()+"}")
	svc := providers.NewService(providers.Deps{Providers: store.Providers(), Index: index, Now: time.Now,
		NewID: uuid.NewString, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	home := geo.Point{Lat: 31.1883, Lng: 121.4365}
	for _, p := range []struct {
		id         string
		north      float64 // metres
		sum, count int64
	}{
		{"one-five-star", 100, 5, 1},        // (5+20)/6 = 4.17
		{"hundred-at-4.9", 900, 490, 100},   // (490+20)/105 = 4.86
		{"unrated-near", 50, 0, 0},          // 4.0
		{"unrated-far", 700, 0, 0},          // 4.0, farther
		{"poor", 10, 300, 100},              // 3.05
		{"ten-at-4.5", 300, 45, 10},         // (45+20)/15 = 4.33
		{"twenty-at-4.5", 2000, 90, 20},     // (90+20)/25 = 4.4
		{"tie-twenty-at-4.5", 1500, 90, 20}, // same, nearer
	} {
		prov := &provider.Provider{ID: p.id, Status: provider.Verified, Credit: provider.CreditNormal,
			Profile: provider.Profile{LegalName: p.id, TimeZone: "Asia/Shanghai", Area: provider.Area{RadiusKM: 10},
				Address: geo.Address{Location: geo.Point{Lat: home.Lat + p.north/111_195, Lng: home.Lng}}},
			Stats: provider.Stats{RatingSum: p.sum, RatingCount: p.count}}
		if err := store.Providers().Create(ctx, prov); err != nil {
			t.Fatal(err)
		}
	}
	finder := search.NewService(index, store.Providers(), svc)
	want := []string{"hundred-at-4.9", "tie-twenty-at-4.5", "twenty-at-4.5", "ten-at-4.5", "one-five-star",
		"unrated-near", "unrated-far", "poor"}
	var got []string
	cursor := ""
	for range 10 {
		hits, next, err := finder.Providers(ctx, search.Query{Near: home, Sort: search.ByRating, Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			got = append(got, h.Provider.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("by rating, three a page:\n got  %v\n want %v", got, want)
	}
	nearest, _, err := finder.Providers(ctx, search.Query{Near: home, Limit: 2})
	if err != nil || nearest[0].Provider.ID != "poor" || nearest[1].Provider.ID != "unrated-near" {
		t.Fatalf("by distance: %v, %v", nearest, err)
	}
	_, next, _ := finder.Providers(ctx, search.Query{Near: home, Limit: 2})
	if _, _, err := finder.Providers(ctx, search.Query{Near: home, Sort: search.ByRating, Cursor: next}); !fault.Is(err, fault.New(fault.Invalid, "cursor_invalid")) {
		t.Fatalf("a distance cursor used for the rating order: %v", err)
	}
	if _, _, err := finder.Providers(ctx, search.Query{Near: home, Sort: "price"}); !fault.Is(err, search.ErrSort) {
		t.Fatalf("sort=price: %v", err)
	}
}
