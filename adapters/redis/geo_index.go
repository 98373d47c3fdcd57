package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/domain/geo"
)

// GeoIndex is the pre-filter of nearby search: a Redis geo set of ids
// (a sorted set scored by 52-bit geohash, so redis-server answers a
// radius search from a few score ranges; miniredis measures every
// member). The embedded FerretDB has no 2dsphere index and scans every
// document for any filter, over a second for 50 000 providers, so the
// coarse step lives here. Near returns candidates only: callers measure
// the exact distance with geo.Distance on exact positions and filter and
// sort themselves, so a search answers exactly what a scan of every
// provider would. Not on positions from GEOPOS: those are rounded to the
// geohash cell, up to half a metre off, and would decide differently at
// the edge of the circle. See docs/benchmarks.md for what each path costs.
//
// MongoDB stays the truth. The set is rebuilt from it whenever Built says
// it was lost (a restart of the embedded store, FLUSHALL, failover to an
// empty replica), and until then Near refuses rather than answer "nobody
// nearby". Redis must run without eviction (maxmemory-policy noeviction,
// as holds need anyway): evicting the set but not its marker would look
// like an index with no providers.
//
// All keys of one index share a hash tag, so on Redis Cluster they live
// in one slot and RENAME, MULTI and the swap script can span them.
type GeoIndex struct {
	rdb     goredis.UniversalClient
	live    string // the geo set searches read
	built   string // exists once a rebuild has completed
	version string // counts changes, so a rebuild can tell it raced one
}

// ErrGeoIndexNotBuilt is Near's answer while the index has not been
// (re)built from MongoDB since Redis lost it.
var ErrGeoIndexNotBuilt = errors.New("redis: geo index not built")

const (
	// rebuildBatch is the ids per GEOADD: large enough that 50 000
	// providers take 50 round trips, small enough that one command does
	// not hold Redis (single-threaded) for more than a millisecond or so.
	rebuildBatch = 1000
	// rebuildTTL bounds the life of a half-built set whose rebuild died;
	// every batch extends it, and the swap checks nothing expired.
	rebuildTTL = time.Hour
	// rebuildAttempts: a change to the index during a rebuild may be
	// missing from the snapshot being built, so that rebuild is thrown
	// away and run again. Providers move rarely; three tries are plenty.
	rebuildAttempts = 3
	// maxIndexedLat is the latitude range Redis geo sets accept (the
	// Web Mercator limit); GEOADD refuses points beyond it.
	maxIndexedLat = 85.05112878
)

// NewGeoIndex keeps the index under key. A key without a hash tag is
// wrapped in one ("geo:providers" becomes "{geo:providers}"), so that the
// marker, change counter and temporary sets ("{geo:providers}:built",
// ...) hash to the same cluster slot.
func NewGeoIndex(rdb goredis.UniversalClient, key string) *GeoIndex {
	if !hasHashTag(key) {
		key = "{" + key + "}"
	}
	return &GeoIndex{rdb: rdb, live: key, built: key + ":built", version: key + ":version"}
}

// hasHashTag follows Redis Cluster's rule: the part between the first
// "{" and the next "}", if not empty, is what is hashed.
func hasHashTag(key string) bool {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return false
	}
	end := strings.IndexByte(key[open+1:], '}')
	return end > 0
}

// Put adds or moves id. Call it after the change is written to MongoDB:
// the change counter it bumps is how a concurrent Rebuild learns that its
// snapshot may predate this change.
func (g *GeoIndex) Put(ctx context.Context, id string, p geo.Point) error {
	if err := indexable(p); err != nil {
		return fmt.Errorf("redis: geo index put %s: %w", id, err)
	}
	_, err := g.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
		tx.GeoAdd(ctx, g.live, &goredis.GeoLocation{Name: id, Longitude: p.Lng, Latitude: p.Lat})
		tx.Incr(ctx, g.version)
		return nil
	})
	if err != nil {
		return storeErr("geo index put "+id, err)
	}
	return nil
}

// Remove takes id out of searches; removing an absent id is not an error.
func (g *GeoIndex) Remove(ctx context.Context, id string) error {
	_, err := g.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
		tx.ZRem(ctx, g.live, id)
		tx.Incr(ctx, g.version)
		return nil
	})
	if err != nil {
		return storeErr("geo index remove "+id, err)
	}
	return nil
}

// searchRadius is the radius Near asks Redis for, in metres: wide enough
// that every id within radiusMetres of the centre by geo.Distance is a
// candidate. Two things make Redis measure differently from geo.Distance:
//
//  1. Its earth radius is 6 372 797.560856 m, ours 6 371 008.8 m. Both use
//     the haversine on a sphere, so for the same two points Redis's
//     distance is ours times k = 6372797.560856/6371008.8 = 1.00028077.
//  2. It measures from the member's stored position, the centre of its
//     52-bit geohash cell, not the position given to GEOADD (the query
//     centre is used as given). A cell is 360°/2²⁶ of longitude by at
//     most 180°/2²⁶ of latitude (Redis: 170.1°/2²⁶, miniredis: 180°/2²⁶),
//     so the stored position is at most 2.683e-6° of longitude and
//     1.341e-6° of latitude away: at most 0.2983 m east-west (less away
//     from the equator) plus 0.1492 m north-south. The great circle
//     between them is no longer than that two-leg path, so e < 0.45 m.
//
// A member at exact distance d ≤ r from the centre is stored within e of
// its true position, so by the triangle inequality Redis measures it at
// most k·(r + e) = 1.00028077·r + 0.4501 m away. Asking for
// 1.001·r + 1 m covers that for every r ≥ 0, with 0.00072·r + 0.55 m to
// spare for floating-point rounding (relative 1e-15, so micrometres even
// at 20 000 km). The extra candidates it lets in — at most a thin ring
// 0.1 % + 1 m wide — are removed by the caller's exact filter.
func searchRadius(radiusMetres float64) float64 { return radiusMetres*1.001 + 1 }

// Near returns the ids of every indexed point within radiusMetres of p,
// and possibly a few just beyond (see searchRadius), in no particular
// order. It returns ErrGeoIndexNotBuilt until the index has been built.
func (g *GeoIndex) Near(ctx context.Context, p geo.Point, radiusMetres float64) ([]string, error) {
	if !(radiusMetres >= 0) || math.IsInf(radiusMetres, 1) {
		return nil, fmt.Errorf("redis: geo index near: radius %g m", radiusMetres)
	}
	if err := indexable(p); err != nil {
		return nil, fmt.Errorf("redis: geo index near: %w", err)
	}
	var built *goredis.IntCmd
	var ids *goredis.StringSliceCmd
	// One MULTI, so the marker and the set are read at the same instant:
	// a FLUSHALL or a rebuild's swap cannot fall between the two reads.
	_, err := g.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
		built = tx.Exists(ctx, g.built)
		ids = tx.GeoSearch(ctx, g.live, &goredis.GeoSearchQuery{
			Longitude: p.Lng, Latitude: p.Lat, Radius: searchRadius(radiusMetres), RadiusUnit: "m"})
		return nil
	})
	if err != nil {
		return nil, storeErr("geo index near", err)
	}
	if built.Val() == 0 {
		return nil, ErrGeoIndexNotBuilt
	}
	return ids.Val(), nil
}

// Built reports whether a rebuild has completed since Redis last lost the
// index. An empty geo set does not exist in Redis, so the set alone
// cannot tell "no providers" from "lost"; the marker can.
func (g *GeoIndex) Built(ctx context.Context) (bool, error) {
	n, err := g.rdb.Exists(ctx, g.built).Result()
	if err != nil {
		return false, storeErr("geo index built", err)
	}
	return n == 1, nil
}

// Drop forgets the index (set and marker), so the next Built is false and
// the index is rebuilt from the store: used when an update of it failed.
func (g *GeoIndex) Drop(ctx context.Context) error {
	// The counter moves too, so a rebuild already under way throws its
	// snapshot away rather than publishing it.
	_, err := g.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, g.built, g.live)
		p.Incr(ctx, g.version)
		return nil
	})
	if err != nil {
		return storeErr("drop geo index", err)
	}
	return nil
}

// swapGeoIndex replaces the live set with a finished temporary one in one
// step, so a search sees the old index or the new, never a part.
// KEYS: live, temporary, built marker, change counter.
// ARGV: the counter when the rebuild started; members the rebuild added.
// Returns 1 when swapped, 0 when a change raced the rebuild, -1 when
// the temporary set lost members (it expired while being filled).
var swapGeoIndex = goredis.NewScript(`
local version = redis.call('GET', KEYS[4]) or ''
if version ~= ARGV[1] then
  redis.call('DEL', KEYS[2])
  return 0
end
if redis.call('ZCARD', KEYS[2]) ~= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[2])
  return -1
end
if tonumber(ARGV[2]) == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('RENAME', KEYS[2], KEYS[1])
  redis.call('PERSIST', KEYS[1])
end
redis.call('SET', KEYS[3], '1')
return 1
`)

// Rebuild replaces the index with the points each yields, typically every
// visible provider read from MongoDB. Searches keep using the previous
// index until the new one is complete; if each or Redis fails midway, the
// previous index (or its absence) stays as it was.
//
// A Put or Remove while each runs may concern a provider the snapshot
// read before the change, so such a rebuild is discarded and run again
// (each may therefore be called up to three times). Concurrent rebuilds,
// from replicas starting together, fill temporary sets of their own and
// the last to finish wins; each holds a complete snapshot.
func (g *GeoIndex) Rebuild(ctx context.Context, each func(yield func(id string, p geo.Point) error) error) error {
	for range rebuildAttempts {
		swapped, err := g.rebuildOnce(ctx, each)
		if err != nil {
			return storeErr("rebuild geo index "+g.live, err)
		}
		if swapped {
			return nil
		}
	}
	return fmt.Errorf("redis: rebuild geo index %s: the index changed during each of %d attempts", g.live, rebuildAttempts)
}

func (g *GeoIndex) rebuildOnce(ctx context.Context, each func(yield func(id string, p geo.Point) error) error) (bool, error) {
	start, err := g.rdb.Get(ctx, g.version).Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return false, err
	}
	tmp := g.live + ":building:" + rand.Text()
	var added int64
	batch := make([]*goredis.GeoLocation, 0, rebuildBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var n *goredis.IntCmd
		_, err := g.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			n = p.GeoAdd(ctx, tmp, batch...)
			p.PExpire(ctx, tmp, rebuildTTL)
			return nil
		})
		if err != nil {
			return err
		}
		added += n.Val() // new members only: a repeated id counts once
		batch = batch[:0]
		return nil
	}
	err = each(func(id string, p geo.Point) error {
		if err := indexable(p); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		batch = append(batch, &goredis.GeoLocation{Name: id, Longitude: p.Lng, Latitude: p.Lat})
		if len(batch) == rebuildBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		// Best effort: the TTL removes it if this fails too.
		_ = g.rdb.Del(context.WithoutCancel(ctx), tmp).Err()
		return false, err
	}
	res, err := swapGeoIndex.Run(ctx, g.rdb, []string{g.live, tmp, g.built, g.version}, start, added).Int()
	if err != nil {
		return false, err
	}
	if res < 0 {
		return false, errors.New("the temporary set expired while being filled")
	}
	return res == 1, nil
}

// indexable refuses what GEOADD and GEOSEARCH would, with a clearer
// message: positions off the globe or beyond Redis's latitude range.
func indexable(p geo.Point) error {
	if !(p.Lat >= -maxIndexedLat && p.Lat <= maxIndexedLat && p.Lng >= -180 && p.Lng <= 180) {
		return fmt.Errorf("position %g,%g outside the indexable range (latitude ±%g, longitude ±180)",
			p.Lat, p.Lng, maxIndexedLat)
	}
	return nil
}
