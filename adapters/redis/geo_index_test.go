package redis_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/test/testenv"
)

var peoplesSquare = geo.Point{Lat: 31.2304, Lng: 121.4737} // 人民广场, Shanghai

// geoIndex returns an index under a key of its own, so tests sharing a
// real Redis (REDIS_URL) never see each other's providers, and the key
// of its geo set, with the hash tag already in place.
func geoIndex(t testing.TB) (*redis.GeoIndex, goredis.UniversalClient, string) {
	t.Helper()
	rdb, _ := testenv.Redis(t)
	idx, key := geoIndexOn(t, rdb)
	return idx, rdb, key
}

func geoIndexOn(t testing.TB, rdb goredis.UniversalClient) (*redis.GeoIndex, string) {
	key := fmt.Sprintf("{test:geo:%016x}", rand.Uint64())
	t.Cleanup(func() { _ = rdb.Del(context.Background(), key, key+":built", key+":version").Err() })
	return redis.NewGeoIndex(rdb, key), key
}

// from yields the points of m, as a provider store would.
func from(m map[string]geo.Point) func(yield func(string, geo.Point) error) error {
	return func(yield func(string, geo.Point) error) error {
		for id, p := range m {
			if err := yield(id, p); err != nil {
				return err
			}
		}
		return nil
	}
}

func rebuild(t testing.TB, idx *redis.GeoIndex, m map[string]geo.Point) {
	t.Helper()
	if err := idx.Rebuild(context.Background(), from(m)); err != nil {
		t.Fatal(err)
	}
}

type hit struct {
	id       string
	distance float64
}

// within is what a caller of Near does with the candidates: measure each
// exactly, keep those within the radius, nearest first, ties by id.
func within(ids []string, points map[string]geo.Point, centre geo.Point, radius float64) []hit {
	var hits []hit
	for _, id := range ids {
		if d := geo.Distance(centre, points[id]); d <= radius {
			hits = append(hits, hit{id, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(a.id, b.id)) })
	return hits
}

// bruteForce measures every provider: the answer the index must give.
func bruteForce(points map[string]geo.Point, centre geo.Point, radius float64) []hit {
	ids := make([]string, 0, len(points))
	for id := range points {
		ids = append(ids, id)
	}
	return within(ids, points, centre, radius)
}

func ids(hits []hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.id
	}
	return out
}

func near(t testing.TB, idx *redis.GeoIndex, points map[string]geo.Point, centre geo.Point, radius float64) []string {
	t.Helper()
	cand, err := idx.Near(context.Background(), centre, radius)
	if err != nil {
		t.Fatal(err)
	}
	return ids(within(cand, points, centre, radius))
}

// destination is the point distance metres from p on the initial bearing
// (degrees clockwise from north), on geo's sphere.
func destination(p geo.Point, bearing, distance float64) geo.Point {
	lat, lng, b := p.Lat*math.Pi/180, p.Lng*math.Pi/180, bearing*math.Pi/180
	d := distance / geo.EarthRadiusMetres
	lat2 := math.Asin(math.Sin(lat)*math.Cos(d) + math.Cos(lat)*math.Sin(d)*math.Cos(b))
	lng2 := lng + math.Atan2(math.Sin(b)*math.Sin(d)*math.Cos(lat), math.Cos(d)-math.Sin(lat)*math.Sin(lat2))
	return geo.Point{Lat: lat2 * 180 / math.Pi, Lng: lng2 * 180 / math.Pi}
}

func TestGeoIndexPutRemoveNear(t *testing.T) {
	idx, _, _ := geoIndex(t)
	ctx := context.Background()
	rebuild(t, idx, nil)
	if got, err := idx.Near(ctx, peoplesSquare, 5000); err != nil || len(got) != 0 {
		t.Fatalf("empty index: %v, %v", got, err)
	}
	points := map[string]geo.Point{
		"canteen":  destination(peoplesSquare, 90, 800),   // 800 m east
		"daycare":  destination(peoplesSquare, 200, 2500), // 2.5 km south-west
		"hongqiao": {Lat: 31.1979, Lng: 121.3363},         // 13.6 km west
	}
	for id, p := range points {
		if err := idx.Put(ctx, id, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := near(t, idx, points, peoplesSquare, 3000); !slices.Equal(got, []string{"canteen", "daycare"}) {
		t.Fatalf("within 3 km: %v", got)
	}
	if got := near(t, idx, points, peoplesSquare, 15_000); len(got) != 3 {
		t.Fatalf("within 15 km: %v", got)
	}

	// The canteen moves to Pudong airport, 30 km away: Put moves it.
	points["canteen"] = geo.Point{Lat: 31.1443, Lng: 121.8083}
	if err := idx.Put(ctx, "canteen", points["canteen"]); err != nil {
		t.Fatal(err)
	}
	if got := near(t, idx, points, peoplesSquare, 3000); !slices.Equal(got, []string{"daycare"}) {
		t.Fatalf("after the move, within 3 km: %v", got)
	}
	if err := idx.Remove(ctx, "daycare"); err != nil {
		t.Fatal(err)
	}
	if err := idx.Remove(ctx, "never-indexed"); err != nil {
		t.Fatalf("removing an absent id: %v", err)
	}
	if got := near(t, idx, points, peoplesSquare, 15_000); !slices.Equal(got, []string{"hongqiao"}) {
		t.Fatalf("after removal, within 15 km: %v", got)
	}
	if _, err := idx.Near(ctx, peoplesSquare, -1); err == nil {
		t.Fatal("a negative radius was accepted")
	}
	if err := idx.Put(ctx, "north-pole", geo.Point{Lat: 89, Lng: 0}); err == nil {
		t.Fatal("a latitude Redis cannot index was accepted")
	}
}

// An index Redis lost must not answer "nobody nearby": Near refuses until
// it is rebuilt from MongoDB, and Put alone does not make it built.
func TestGeoIndexRefusesUntilBuilt(t *testing.T) {
	idx, rdb, key := geoIndex(t)
	ctx := context.Background()
	if built, err := idx.Built(ctx); err != nil || built {
		t.Fatalf("fresh index built = %v, %v", built, err)
	}
	_ = idx.Put(ctx, "canteen", peoplesSquare)
	if _, err := idx.Near(ctx, peoplesSquare, 1000); !errors.Is(err, redis.ErrGeoIndexNotBuilt) {
		t.Fatalf("Near before any rebuild: %v", err)
	}
	rebuild(t, idx, map[string]geo.Point{"canteen": peoplesSquare})
	if got, err := idx.Near(ctx, peoplesSquare, 1000); err != nil || !slices.Equal(got, []string{"canteen"}) {
		t.Fatalf("after rebuild: %v, %v", got, err)
	}
	// Redis loses everything (FLUSHALL, a failover to an empty replica);
	// deleting this index's keys stands in for it without disturbing
	// other tests sharing the server.
	if err := rdb.Del(ctx, key, key+":built", key+":version").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Near(ctx, peoplesSquare, 1000); !errors.Is(err, redis.ErrGeoIndexNotBuilt) {
		t.Fatalf("Near after the index was lost: %v", err)
	}
	if built, _ := idx.Built(ctx); built {
		t.Fatal("a lost index reports built")
	}
}

// Points 0.5 m inside the radius are found and points 0.5 m outside are
// not, at radii from 1 m to 50 km and latitudes from the equator to 80°N,
// although Redis measures on another radius from rounded positions.
func TestGeoIndexMarginAtTheBoundary(t *testing.T) {
	idx, rdb, key := geoIndex(t)
	ctx := context.Background()
	centres := []geo.Point{{Lat: 0, Lng: 0.5}, peoplesSquare, {Lat: 45.75, Lng: 126.65}, {Lat: 60, Lng: 30}, {Lat: 80, Lng: -40}}
	radii := []float64{1, 50, 1000, 3000, 15_000, 50_000}
	points := map[string]geo.Point{}
	type probe struct {
		centre geo.Point
		radius float64
		inside []string
	}
	var probes []probe
	for c, centre := range centres {
		for _, r := range radii {
			pr := probe{centre: centre, radius: r}
			for b := range 24 {
				bearing := float64(b)*15 + 7.5
				in, out := destination(centre, bearing, r-0.5), destination(centre, bearing, r+0.5)
				if d := geo.Distance(centre, in); d > r || d < r-0.501 {
					t.Fatalf("construction: inner point at %.6f m for radius %g", d, r)
				}
				if d := geo.Distance(centre, out); d <= r || d > r+0.501 {
					t.Fatalf("construction: outer point at %.6f m for radius %g", d, r)
				}
				inID, outID := fmt.Sprintf("c%d-r%g-b%d-in", c, r, b), fmt.Sprintf("c%d-r%g-b%d-out", c, r, b)
				points[inID], points[outID] = in, out
				pr.inside = append(pr.inside, inID)
			}
			probes = append(probes, pr)
		}
	}
	rebuild(t, idx, points)

	missedWithoutMargin := 0
	for _, pr := range probes {
		got := near(t, idx, points, pr.centre, pr.radius)
		want := ids(bruteForce(points, pr.centre, pr.radius))
		if !slices.Equal(got, want) {
			t.Fatalf("radius %g m around %v: index %v, brute force %v", pr.radius, pr.centre, got, want)
		}
		for _, id := range pr.inside {
			if !slices.Contains(got, id) {
				t.Fatalf("radius %g m around %v: %s, 0.5 m inside, not found", pr.radius, pr.centre, id)
			}
		}
		// The same search with Redis's own radius and no margin, to show
		// this test would catch a missing one.
		raw, err := rdb.GeoSearch(ctx, key, &goredis.GeoSearchQuery{
			Longitude: pr.centre.Lng, Latitude: pr.centre.Lat, Radius: pr.radius, RadiusUnit: "m"}).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range pr.inside {
			if !slices.Contains(raw, id) {
				missedWithoutMargin++
			}
		}
	}
	if missedWithoutMargin == 0 {
		t.Fatal("a plain GEOSEARCH found every point: this test no longer exercises the margin")
	}
	t.Logf("without the margin, Redis would miss %d of %d points 0.5 m inside the radius",
		missedWithoutMargin, len(probes)*24)
}

// A rebuild swaps the whole index at once: searches during it see the
// previous index, and a rebuild that fails midway leaves it untouched and
// no half-built set behind.
func TestGeoIndexRebuildIsAtomic(t *testing.T) {
	idx, rdb, key := geoIndex(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 7))
	old, next := spreadProviders(r, 3000, "old"), spreadProviders(r, 3000, "new")

	rebuild(t, idx, old)
	if built, err := idx.Built(ctx); err != nil || !built {
		t.Fatalf("built after rebuild = %v, %v", built, err)
	}
	wantOld := ids(bruteForce(old, peoplesSquare, 15_000))
	if got := near(t, idx, old, peoplesSquare, 15_000); !slices.Equal(got, wantOld) || len(got) == 0 {
		t.Fatalf("after the first rebuild: %d found, brute force %d", len(got), len(wantOld))
	}

	// The store fails after 2,500 providers, two batches already in Redis.
	storeDown := errors.New("store went away")
	yielded := 0
	err := idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
		for id, p := range next {
			if yielded == 2500 {
				// Midway, searches still see the whole previous index.
				if got := near(t, idx, old, peoplesSquare, 15_000); !slices.Equal(got, wantOld) {
					t.Errorf("during a rebuild: %d found, want the previous %d", len(got), len(wantOld))
				}
				return storeDown
			}
			if err := yield(id, p); err != nil {
				return err
			}
			yielded++
		}
		return nil
	})
	if !errors.Is(err, storeDown) {
		t.Fatalf("failed rebuild returned %v", err)
	}
	if got := near(t, idx, old, peoplesSquare, 15_000); !slices.Equal(got, wantOld) {
		t.Fatalf("after a failed rebuild: %d found, want the previous %d", len(got), len(wantOld))
	}
	if left := testenv.Keys(t, rdb, key+":building:*"); len(left) != 0 {
		t.Fatalf("a failed rebuild left %v", left)
	}

	// A point Redis cannot index fails the rebuild the same way.
	bad := map[string]geo.Point{"ok": peoplesSquare, "arctic": {Lat: 86, Lng: 0}}
	if err := idx.Rebuild(ctx, from(bad)); err == nil {
		t.Fatal("rebuild with an unindexable point succeeded")
	}
	if got := near(t, idx, old, peoplesSquare, 15_000); !slices.Equal(got, wantOld) {
		t.Fatal("an unindexable point replaced the index")
	}

	rebuild(t, idx, next)
	if got, want := near(t, idx, next, peoplesSquare, 15_000), ids(bruteForce(next, peoplesSquare, 15_000)); !slices.Equal(got, want) {
		t.Fatalf("after the second rebuild: %d found, brute force %d", len(got), len(want))
	}
	// No providers at all is an index too: built, and empty.
	rebuild(t, idx, nil)
	if got, err := idx.Near(ctx, peoplesSquare, 50_000); err != nil || len(got) != 0 {
		t.Fatalf("after rebuilding from nothing: %d found, %v", len(got), err)
	}
	if built, _ := idx.Built(ctx); !built {
		t.Fatal("an index rebuilt from no providers is not built")
	}
}

// A provider that moves while a rebuild reads the store may be in the
// snapshot at its old place; Put's change counter makes Rebuild start
// over rather than publish that snapshot.
func TestGeoIndexRebuildStartsOverWhenAProviderMoves(t *testing.T) {
	idx, _, _ := geoIndex(t)
	ctx := context.Background()
	store := spreadProviders(rand.New(rand.NewPCG(3, 3)), 1500, "p")
	store["canteen"] = destination(peoplesSquare, 0, 40_000) // far north
	calls := 0
	err := idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
		calls++
		snapshot := maps.Clone(store) // what this pass of the cursor will read
		if calls == 1 {
			// Read the canteen at its old place, then it moves: MongoDB
			// is updated, then the index.
			if err := yield("canteen", snapshot["canteen"]); err != nil {
				return err
			}
			store["canteen"] = destination(peoplesSquare, 90, 500)
			if err := idx.Put(ctx, "canteen", store["canteen"]); err != nil {
				return err
			}
		}
		return from(snapshot)(yield)
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("the store was read %d times; want 2", calls)
	}
	if got := near(t, idx, store, peoplesSquare, 1000); !slices.Contains(got, "canteen") {
		t.Fatalf("the moved canteen is not found at its new place: %v", got)
	}

	// A store that changes on every pass: Rebuild gives up rather than
	// publish a snapshot it knows may be stale.
	n := 0
	err = idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
		n++
		if err := idx.Put(ctx, "busy", peoplesSquare); err != nil {
			return err
		}
		return yield("busy", peoplesSquare)
	})
	if err == nil || n != 3 {
		t.Fatalf("constant changes: %d passes, %v", n, err)
	}
}

// If the half-built set expires while the store is slow, the swap notices
// it lost members and refuses, rather than publish what is left.
func TestGeoIndexRebuildNoticesAnExpiredTemporarySet(t *testing.T) {
	idx, rdb, key := geoIndex(t)
	ctx := context.Background()
	old := map[string]geo.Point{"canteen": peoplesSquare}
	rebuild(t, idx, old)
	slow := spreadProviders(rand.New(rand.NewPCG(5, 5)), 2500, "slow")
	yielded := 0
	err := idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
		for id, p := range slow {
			if yielded == 1000 {
				// The first batch is in Redis and the store stalls past the
				// set's TTL; deleting it stands in for the expiry, on
				// miniredis and real Redis alike.
				tmp := testenv.Keys(t, rdb, key+":building:*")
				if len(tmp) != 1 {
					t.Fatalf("temporary sets: %v", tmp)
				}
				if ttl := rdb.PTTL(ctx, tmp[0]).Val(); ttl <= 0 || ttl > time.Hour {
					t.Fatalf("temporary set TTL %s", ttl)
				}
				rdb.Del(ctx, tmp[0])
			}
			if err := yield(id, p); err != nil {
				return err
			}
			yielded++
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("a rebuild whose first batch expired: %v", err)
	}
	if got := near(t, idx, old, peoplesSquare, 100); !slices.Equal(got, []string{"canteen"}) {
		t.Fatalf("after the refused swap: %v", got)
	}
}

// spreadProviders places n providers over a 100 km square centred on
// People's Square, the way a city's providers are: most spread out,
// a dense cluster of them in one district (a tenth within a few hundred
// metres), and several groups sharing exactly the same position (one
// building, several providers). Ids are prefix-0000, prefix-0001, ...
func spreadProviders(r *rand.Rand, n int, prefix string) map[string]geo.Point {
	const halfLat = 0.45                                                               // 50 km
	halfLng := halfLat / math.Cos(peoplesSquare.Lat*math.Pi/180)                       // 50 km
	cluster := geo.Point{Lat: peoplesSquare.Lat - 0.03, Lng: peoplesSquare.Lng - 0.02} // Xuhui
	points := make(map[string]geo.Point, n)
	var shared []geo.Point
	for i := range n {
		var p geo.Point
		switch {
		case i%50 == 0 && len(shared) < 10: // ten buildings...
			p = geo.Point{Lat: peoplesSquare.Lat + halfLat*(2*r.Float64()-1), Lng: peoplesSquare.Lng + halfLng*(2*r.Float64()-1)}
			shared = append(shared, p)
		case i%50 < 5 && len(shared) > 0: // ...with several providers each
			p = shared[r.IntN(len(shared))]
		case i%10 == 0: // the dense district, σ ≈ 300 m
			p = geo.Point{Lat: cluster.Lat + 0.0027*r.NormFloat64(), Lng: cluster.Lng + 0.0032*r.NormFloat64()}
		default:
			p = geo.Point{Lat: peoplesSquare.Lat + halfLat*(2*r.Float64()-1), Lng: peoplesSquare.Lng + halfLng*(2*r.Float64()-1)}
		}
		points[fmt.Sprintf("%s-%04d", prefix, i)] = p
	}
	return points
}

// randomQuery is a search a family might make in or near the square,
// with a radius from 500 m to 50 km. Some are centred exactly on a
// provider, and some have a radius exactly equal to a provider's
// distance: the boundary case, which the index must include (≤).
func randomQuery(r *rand.Rand, points map[string]geo.Point, ids []string) (geo.Point, float64) {
	const halfLat = 0.54 // the square plus 20 %
	halfLng := halfLat / math.Cos(peoplesSquare.Lat*math.Pi/180)
	centre := geo.Point{Lat: peoplesSquare.Lat + halfLat*(2*r.Float64()-1), Lng: peoplesSquare.Lng + halfLng*(2*r.Float64()-1)}
	radius := 500 + r.Float64()*49_500
	switch r.IntN(5) {
	case 0: // at a provider's door
		centre = points[ids[r.IntN(len(ids))]]
	case 1: // a provider exactly on the circle
		if d := geo.Distance(centre, points[ids[r.IntN(len(ids))]]); d >= 500 && d <= 50_000 {
			radius = d
		}
	}
	return centre, radius
}

// TestNearbySearchEqualsBruteForce is the property nearby search rests
// on: index candidates, measured exactly and filtered, are exactly the
// providers a scan of all of them finds, in the same order.
func TestNearbySearchEqualsBruteForce(t *testing.T) {
	idx, _, _ := geoIndex(t)
	r := rand.New(rand.NewPCG(2024, 15))
	points := spreadProviders(r, 5000, "p")
	all := make([]string, 0, len(points))
	for id := range points {
		all = append(all, id)
	}
	slices.Sort(all) // map order is random; the seed must reproduce the run
	rebuild(t, idx, points)

	start, found, boundary := time.Now(), 0, 0
	for q := range 200 {
		centre, radius := randomQuery(r, points, all)
		got := near(t, idx, points, centre, radius)
		wantHits := bruteForce(points, centre, radius)
		if want := ids(wantHits); !slices.Equal(got, want) {
			t.Fatalf("query %d, %v within %.3f m: index found %d, brute force %d\nindex: %v\nbrute: %v",
				q, centre, radius, len(got), len(want), head(got), head(want))
		}
		found += len(got)
		if n := len(wantHits); n > 0 && wantHits[n-1].distance == radius {
			boundary++
		}
	}
	t.Logf("200 queries, %d providers found in all, %d with one exactly on the circle, %s",
		found, boundary, time.Since(start).Round(time.Millisecond))
	if boundary == 0 {
		t.Error("no query had a provider exactly on its circle; the generator lost its boundary cases")
	}
}

func head(s []string) []string { return s[:min(len(s), 20)] }

func TestDroppedIndexIsRebuilt(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	ctx := context.Background()
	idx := redis.NewGeoIndex(rdb, "geo:drop:"+testenv.Phone())
	if err := idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
		return yield("a", geo.Point{Lat: 31.2, Lng: 121.4})
	}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if built, err := idx.Built(ctx); err != nil || built {
		t.Fatalf("after Drop: built %v, %v", built, err)
	}
}
