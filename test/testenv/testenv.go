// Package testenv gives tests the real stores kincare runs on: MongoDB at
// MONGODB_URI or else an embedded FerretDB in a temporary directory, and
// Redis at REDIS_URL or else an embedded miniredis. The same tests thus
// run on a laptop with only Go and in CI against real servers.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
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
	embeddedStore := uri == ""
	if embeddedStore {
		m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(context.Background()) })
		uri = m.URI()
	}
	store, err := mongo.Connect(ctx, uri, mongo.Options{
		Database: uniqueName("kincare_test"), MaxPool: 8, SerializeWrites: embeddedStore})
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

// Redis returns a client; Miniredis is non-nil when it is embedded, for
// tests that move its clock.
func Redis(t testing.TB) (*goredis.Client, *embedded.Redis) {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	var mini *embedded.Redis
	if url == "" {
		r, err := embedded.StartRedis()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		mini, url = r, r.URL()
	}
	rdb, err := redis.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, mini
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
