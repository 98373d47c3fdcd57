package redis_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kincare/kincare/domain/geo"
)

// benchProviders is a city's worth of providers, a 100 km square around
// People's Square, and the query centres (inside the square) every
// benchmark cycles through, so all of them measure the same searches.
func benchProviders() (map[string]geo.Point, []geo.Point) {
	r := rand.New(rand.NewPCG(50_000, 1))
	points := spreadProviders(r, 50_000, "p")
	const halfLat = 0.45
	halfLng := halfLat / math.Cos(peoplesSquare.Lat*math.Pi/180)
	centres := make([]geo.Point, 1000)
	for i := range centres {
		centres[i] = geo.Point{Lat: peoplesSquare.Lat + halfLat*(2*r.Float64()-1), Lng: peoplesSquare.Lng + halfLng*(2*r.Float64()-1)}
	}
	return points, centres
}

var benchRadii = []struct {
	name   string
	metres float64
}{{"3km", 3000}, {"15km", 15_000}}

// BenchmarkNearby is one search as the app runs it: the index's
// candidates, each measured exactly (positions from memory here; the app
// reads them from MongoDB by id) and filtered, nearest first. On
// miniredis by default, on real Redis with REDIS_URL.
//
//	go test -run '^$' -bench 'Nearby|BruteForce' ./adapters/redis/
func BenchmarkNearby(b *testing.B) {
	points, centres := benchProviders()
	idx, _, _ := geoIndex(b)
	rebuild(b, idx, points)
	for _, r := range benchRadii {
		b.Run(r.name, func(b *testing.B) {
			found, n := 0, 0
			for b.Loop() {
				found += len(near(b, idx, points, centres[n%len(centres)], r.metres))
				n++
			}
			b.ReportMetric(float64(found)/float64(n), "found/op")
		})
	}
}

// BenchmarkBruteForce is the same search without an index: every one of
// the 50,000 providers measured, from a slice in memory, the cheapest
// a scan can be.
func BenchmarkBruteForce(b *testing.B) {
	points, centres := benchProviders()
	type provider struct {
		id string
		p  geo.Point
	}
	all := make([]provider, 0, len(points))
	for id, p := range points {
		all = append(all, provider{id, p})
	}
	for _, r := range benchRadii {
		b.Run(r.name, func(b *testing.B) {
			found, n := 0, 0
			for b.Loop() {
				centre := centres[n%len(centres)]
				var hits []hit
				for _, pr := range all {
					if d := geo.Distance(centre, pr.p); d <= r.metres {
						hits = append(hits, hit{pr.id, d})
					}
				}
				slices.SortFunc(hits, func(a, b hit) int {
					return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(a.id, b.id))
				})
				found += len(hits)
				n++
			}
			b.ReportMetric(float64(found)/float64(n), "found/op")
		})
	}
}
