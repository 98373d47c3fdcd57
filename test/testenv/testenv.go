// Package testenv gives tests the real stores kincare runs on: MongoDB at
// MONGODB_URI or else an embedded FerretDB in a temporary directory, and
// Redis at REDIS_URL, the Redis Cluster of REDIS_CLUSTER_ADDRS or the
// Sentinels of REDIS_SENTINEL_ADDRS (with REDIS_SENTINEL_MASTER), or else
// an embedded miniredis. The same tests thus run on a laptop with only Go
// and in CI against real servers, one node and a cluster.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
)

// Mongo returns a store on a database of its own, dropped at the end.
func Mongo(t testing.TB) *mongo.Store {
	t.Helper()
	ctx := context.Background()
	uri := os.Getenv("MONGODB_URI")
	opts := mongo.Options{Database: uniqueName("kincare_test"), MaxPool: 8}
	if uri == "" {
		m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(context.Background()) })
		uri = m.URI()
		// As the server runs on it, and every SQL answer checked
		// against FerretDB's own.
		opts.SerializeWrites, opts.SQLiteDir, opts.VerifyEmbeddedQueries = true, m.Dir(), true
	}
	store, err := mongo.Connect(ctx, uri, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = store.Drop(context.Background())
		_ = store.Close(context.Background())
	})
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	return store
}

// EmbeddedMongo returns the embedded store as the server runs it: SQL
// reads answered alone, without Mongo's check against FerretDB (which
// scans), for tests and benchmarks of that path. It ignores MONGODB_URI.
func EmbeddedMongo(t testing.TB, database string) *mongo.Store {
	t.Helper()
	store, _ := EmbeddedMongoServer(t, database)
	return store
}

// EmbeddedMongoServer is EmbeddedMongo with the embedded server it runs
// on, for tests of its files (Dir) or of what a plain driver client
// writes there (URI).
func EmbeddedMongoServer(t testing.TB, database string) (*mongo.Store, *embedded.Mongo) {
	t.Helper()
	ctx := context.Background()
	m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	store, err := mongo.Connect(ctx, m.URI(), mongo.Options{Database: database, MaxPool: 4, SerializeWrites: true,
		SQLiteDir: m.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	return store, m
}

// Redis returns a client; Miniredis is non-nil when it is embedded, for
// tests that move its clock.
func Redis(t testing.TB) (goredis.UniversalClient, *embedded.Redis) {
	t.Helper()
	opts := RedisOptions()
	var mini *embedded.Redis
	if opts.URL == "" && opts.Mode() == redis.Single {
		r, err := embedded.StartRedis()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		mini, opts.URL = r, r.URL()
	}
	rdb, err := redis.Connect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, mini
}

// RedisOptions is the Redis the environment names, as kincare reads the
// same variables; the zero Options when it names none.
func RedisOptions() redis.Options {
	list := func(name string) []string {
		var out []string
		for _, a := range strings.Split(os.Getenv(name), ",") {
			if a = strings.TrimSpace(a); a != "" {
				out = append(out, a)
			}
		}
		return out
	}
	return redis.Options{URL: os.Getenv("REDIS_URL"), ClusterAddrs: list("REDIS_CLUSTER_ADDRS"),
		SentinelAddrs: list("REDIS_SENTINEL_ADDRS"), MasterName: os.Getenv("REDIS_SENTINEL_MASTER")}
}

// Keys lists the keys matching pattern: on a cluster, those of every
// master (KEYS and SCAN see one node's keys only).
func Keys(t testing.TB, rdb goredis.UniversalClient, pattern string) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var keys []string
	scan := func(ctx context.Context, node goredis.UniversalClient) error {
		iter := node.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	if c, ok := rdb.(*goredis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error { return scan(ctx, m) })
	} else {
		err = scan(ctx, rdb)
	}
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// DeleteKeys deletes every key matching pattern, as a Redis that lost
// them would have; one by one, as on a cluster they may hash to
// different slots.
func DeleteKeys(t testing.TB, rdb goredis.UniversalClient, pattern string) {
	t.Helper()
	for _, k := range Keys(t, rdb, pattern) {
		if err := rdb.Del(context.Background(), k).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

var seq atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, time.Now().UnixNano(), seq.Add(1))
}

// Phone returns a random mainland mobile number, so tests (and test
// binaries running in parallel) sharing a real Redis do not share
// rate-limit keys.
func Phone() string {
	return fmt.Sprintf("139%08d", rand.IntN(100_000_000))
}
