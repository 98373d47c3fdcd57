package load

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/domain/geo"
)

// TestGeoSearchLatency times one nearby search, query by query, along
// every path kincare could take over the same 50,000 providers, in one
// process so the numbers are comparable:
//
//   - index: GEOSEARCH on the Redis geo set, then the exact filter and
//     sort in Go, on miniredis and (GEO_BENCH_REDIS_URL) on redis-server;
//   - brute force over a slice in memory;
//   - brute force reading every provider from the embedded FerretDB, the
//     only scan the embedded store can do (no 2dsphere, and no index
//     used for filters), and the index path followed by reading the
//     candidates' exact positions from FerretDB one _id at a time, as
//     the providers repository does on the embedded store.
//
// Every answer is checked against the in-memory brute force. It prints a
// table for docs/benchmarks.md; it asserts no speed. test/load/geo_bench.sh
// runs it with a throwaway redis-server:
//
//	GEO_BENCH=1 go test -run '^TestGeoSearchLatency$' -v -timeout 10m ./test/load/
//
// Settings: GEO_BENCH_QUERIES (2000, alternately 3 km and 15 km),
// GEO_BENCH_MONGO_QUERIES (6, per FerretDB path: each takes about a second).
func TestGeoSearchLatency(t *testing.T) {
	if os.Getenv("GEO_BENCH") == "" {
		t.Skip("a benchmark: set GEO_BENCH=1 (test/load/geo_bench.sh does)")
	}
	nQueries := envInt(t, "GEO_BENCH_QUERIES", 2000)
	nMongo := envInt(t, "GEO_BENCH_MONGO_QUERIES", 6)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(50_000, 2))
	providers := cityProviders(r, 50_000)
	positions := make(map[string]geo.Point, len(providers))
	for _, p := range providers {
		positions[p.id] = p.at
	}
	queries := make([]query, nQueries)
	for i := range queries {
		queries[i] = query{centre: inSquare(r, 0.45), radius: []float64{3000, 15_000}[i%2]}
	}
	fmt.Printf("providers: %d, queries: %d (half 3 km, half 15 km), GOMAXPROCS=%d\n",
		len(providers), nQueries, runtime.GOMAXPROCS(0))

	var runs []run
	// (b) brute force in memory; also the expected answer of every query.
	want := make([][]string, len(queries))
	runs = append(runs, timeQueries(t, "brute force, in-memory slice", queries, nil, func(i int, q query) []string {
		var hits []found
		for _, p := range providers {
			if d := geo.Distance(q.centre, p.at); d <= q.radius {
				hits = append(hits, found{p.id, d})
			}
		}
		want[i] = sorted(hits)
		return want[i]
	}))

	// (a) the index, on miniredis and on redis-server. The candidates of
	// the first queries are kept for the FerretDB path below.
	candidates := make([][]string, min(len(queries), 2*nMongo))
	indexOn := func(name, url string) run {
		rdb, err := redis.Connect(ctx, redis.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		key := fmt.Sprintf("{bench:geo:%x}", rand.Uint64())
		defer rdb.Del(context.Background(), key, key+":built", key+":version")
		idx := redis.NewGeoIndex(rdb, key)
		start := time.Now()
		if err := idx.Rebuild(ctx, func(yield func(string, geo.Point) error) error {
			for _, p := range providers {
				if err := yield(p.id, p.at); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s: rebuilt the index of %d in %s\n", name, len(providers), time.Since(start).Round(time.Millisecond))
		return timeQueries(t, "index, "+name, queries, want, func(i int, q query) []string {
			cand, err := idx.Near(ctx, q.centre, q.radius)
			if err != nil {
				t.Fatal(err)
			}
			if i < len(candidates) {
				candidates[i] = cand
			}
			return exact(cand, positions, q)
		})
	}
	mini, err := embedded.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	runs = append(runs, indexOn("miniredis", mini.URL()))
	mini.Close()
	if url := os.Getenv("GEO_BENCH_REDIS_URL"); url != "" {
		runs = append(runs, indexOn("redis-server", url))
	} else {
		fmt.Println("GEO_BENCH_REDIS_URL not set: no redis-server run")
	}

	// (c) the embedded FerretDB.
	if nMongo > 0 {
		runs = append(runs, ferretRuns(t, providers, queries[:len(candidates)], want, candidates)...)
	}
	printRuns(runs)
}

type provider struct {
	id string
	at geo.Point
}

type query struct {
	centre geo.Point
	radius float64
}

type found struct {
	id       string
	distance float64
}

var shanghai = geo.Point{Lat: 31.2304, Lng: 121.4737} // 人民广场

// inSquare is a point in the square of half-side halfLat degrees of
// latitude (0.45° ≈ 50 km) and as many kilometres of longitude.
func inSquare(r *rand.Rand, halfLat float64) geo.Point {
	halfLng := halfLat / math.Cos(shanghai.Lat*math.Pi/180)
	return geo.Point{Lat: shanghai.Lat + halfLat*(2*r.Float64()-1), Lng: shanghai.Lng + halfLng*(2*r.Float64()-1)}
}

// cityProviders spreads n providers as adapters/redis's tests do: over a
// 100 km square, a tenth in one dense district, some sharing a building.
func cityProviders(r *rand.Rand, n int) []provider {
	district := geo.Point{Lat: shanghai.Lat - 0.03, Lng: shanghai.Lng - 0.02}
	out := make([]provider, n)
	var buildings []geo.Point
	for i := range out {
		var p geo.Point
		switch {
		case i%50 == 0 && len(buildings) < 10:
			p = inSquare(r, 0.45)
			buildings = append(buildings, p)
		case i%50 < 5 && len(buildings) > 0:
			p = buildings[r.IntN(len(buildings))]
		case i%10 == 0:
			p = geo.Point{Lat: district.Lat + 0.0027*r.NormFloat64(), Lng: district.Lng + 0.0032*r.NormFloat64()}
		default:
			p = inSquare(r, 0.45)
		}
		out[i] = provider{fmt.Sprintf("p-%05d", i), p}
	}
	return out
}

// exact is the caller's half of a search: measure each candidate, keep
// those within the radius, nearest first, ties by id.
func exact(ids []string, positions map[string]geo.Point, q query) []string {
	hits := make([]found, 0, len(ids))
	for _, id := range ids {
		if d := geo.Distance(q.centre, positions[id]); d <= q.radius {
			hits = append(hits, found{id, d})
		}
	}
	return sorted(hits)
}

func sorted(hits []found) []string {
	slices.SortFunc(hits, func(a, b found) int {
		return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(a.id, b.id))
	})
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return ids
}

// run is one path's latencies, split by radius.
type run struct {
	path     string
	byRadius map[float64][]time.Duration
}

// timeQueries runs search on each query in turn, timing each, and checks
// its answer against want when given.
func timeQueries(t *testing.T, path string, queries []query, want [][]string, search func(int, query) []string) run {
	t.Helper()
	res := run{path: path, byRadius: map[float64][]time.Duration{}}
	for i, q := range queries {
		start := time.Now()
		got := search(i, q)
		res.byRadius[q.radius] = append(res.byRadius[q.radius], time.Since(start))
		if want != nil && !slices.Equal(got, want[i]) {
			t.Fatalf("%s, query %d (%v within %g m): %d found, brute force %d", path, i, q.centre, q.radius, len(got), len(want[i]))
		}
	}
	return res
}

const ferretScan = "brute force, read all from FerretDB"

type ferretDoc struct {
	ID  string  `bson:"_id"`
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

// ferretRuns loads the providers into an embedded FerretDB and times the
// queries along the two paths it allows; candidates are what the index
// answered to each.
func ferretRuns(t *testing.T, providers []provider, queries []query, want, candidates [][]string) []run {
	ctx := context.Background()
	m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	// A pool of 4, as kincare runs the embedded store (see DESIGN.md).
	client, err := mongo.Connect(options.Client().ApplyURI(m.URI()).SetMaxPoolSize(4))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	coll := client.Database("geo_bench").Collection("providers")
	start := time.Now()
	docs := make([]any, 0, 1000)
	for i, p := range providers {
		docs = append(docs, ferretDoc{p.id, p.at.Lat, p.at.Lng})
		if len(docs) == cap(docs) || i == len(providers)-1 {
			if _, err := coll.InsertMany(ctx, docs); err != nil {
				t.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	fmt.Printf("FerretDB: inserted %d provider documents in %s\n", len(providers), time.Since(start).Round(time.Millisecond))

	measure := func(q query, d ferretDoc, hits []found) []found {
		if dist := geo.Distance(q.centre, geo.Point{Lat: d.Lat, Lng: d.Lng}); dist <= q.radius {
			hits = append(hits, found{d.ID, dist})
		}
		return hits
	}
	scan := timeQueries(t, ferretScan, queries, want, func(_ int, q query) []string {
		cur, err := coll.Find(ctx, bson.D{}, options.Find().SetBatchSize(10_000))
		if err != nil {
			t.Fatal(err)
		}
		defer cur.Close(ctx)
		var hits []found
		for cur.Next(ctx) {
			var d ferretDoc
			if err := cur.Decode(&d); err != nil {
				t.Fatal(err)
			}
			hits = measure(q, d, hits)
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		return sorted(hits)
	})
	// What the app would do on the embedded store after Near: read each
	// candidate's exact position by _id (an $in scans the collection once
	// per id). Only the 3 km queries: at 15 km a query has about 3,000
	// candidates, minutes of reads. Redis's part is not timed here.
	var near3km []query
	var want3km, cand3km [][]string
	for i, q := range queries {
		if q.radius == 3000 {
			near3km, want3km, cand3km = append(near3km, q), append(want3km, want[i]), append(cand3km, candidates[i])
		}
	}
	byID := timeQueries(t, "index candidates' positions by _id from FerretDB", near3km, want3km, func(i int, q query) []string {
		var hits []found
		for _, id := range cand3km[i] {
			var d ferretDoc
			if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
				t.Fatal(err)
			}
			hits = measure(q, d, hits)
		}
		return sorted(hits)
	})
	lookups := 0
	for _, c := range cand3km {
		lookups += len(c)
	}
	fmt.Printf("FerretDB: %d lookups by _id in %s, %.1f ms each\n", lookups, total(byID),
		float64(total(byID))/1e6/float64(max(lookups, 1)))
	return []run{scan, byID}
}

func total(r run) time.Duration {
	var sum time.Duration
	for _, ds := range r.byRadius {
		for _, d := range ds {
			sum += d
		}
	}
	return sum
}

// printRuns prints each path's latencies and how many times faster its
// p50 is than each brute force's p50 (below 1: slower).
func printRuns(runs []run) {
	memory, ferret := runs[0], run{}
	for _, r := range runs {
		if r.path == ferretScan {
			ferret = r
		}
	}
	speedup := func(p50 time.Duration, base []time.Duration) string {
		if len(base) == 0 {
			return "-"
		}
		return strconv.FormatFloat(float64(percentile(base, 0.50))/float64(p50), 'g', 3, 64) + "x"
	}
	fmt.Println()
	fmt.Printf("%-48s %6s %7s %12s %12s %12s %10s %10s\n",
		"path", "radius", "queries", "p50", "p99", "max", "vs memory", "vs FerretDB")
	for _, radius := range []float64{3000, 15_000} {
		for _, r := range runs {
			d := r.byRadius[radius]
			if len(d) == 0 {
				continue
			}
			p50 := percentile(d, 0.50)
			fmt.Printf("%-48s %5gkm %7d %12s %12s %12s %10s %10s\n", r.path, radius/1000, len(d),
				ms(p50), ms(percentile(d, 0.99)), ms(slices.Max(d)),
				speedup(p50, memory.byRadius[radius]), speedup(p50, ferret.byRadius[radius]))
		}
	}
}

// percentile is the nearest-rank percentile: the smallest latency at
// least a fraction p of the queries did not exceed.
func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(p*float64(len(s))))-1)]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 3, 64) + " ms" }

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a whole number", name, v)
	}
	return n
}
