package mongo_test

import (
	"context"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
)

// The embedded store copies its write-ahead log into the database file
// in the background: with the loop running, a log of 36 MB of commits
// (past the size at which the loop holds the writer to start the log
// again) is copied whole while nobody writes, and the next commit starts
// the log from its beginning, so the log does not grow while the server
// runs. Before the loop starts, the commits have copied none of it: the
// embedded FerretDB's commits do not checkpoint below its backstop
// (embedded.WALBackstopPages), where SQLite's default has the commit
// passing 1,000 pages copy the log while every write waits.
func TestTheLogIsCopiedBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := embedded.StartMongo(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	store, err := mongo.Connect(ctx, m.URI(), mongo.Options{Database: "kincare", MaxPool: 4, SerializeWrites: true,
		SQLiteDir: m.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	// Pages written straight to the same database file, as FerretDB
	// writes any collection's.
	client, err := driver.Connect(options.Client().ApplyURI(m.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	pages := client.Database("kincare").Collection("checkpoint_pages")
	big := strings.Repeat("x", 40<<10)
	write := func(n int) {
		for i := range n {
			if _, err := pages.InsertOne(ctx, bson.D{{Key: "i", Value: i}, {Key: "pad", Value: big}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	db := filepath.Join(dir, "kincare.sqlite")
	write(900)
	logged, copied := walIndex(t, db)
	if logged < 8192 || copied != 0 {
		t.Fatalf("before the loop: %d frames logged, %d copied; want over 8,192, none copied", logged, copied)
	}

	loop, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); store.Checkpoints(loop, 10*time.Millisecond) }()
	t.Cleanup(func() { stop(); <-done })
	// Waiting for the loop's goroutine, not for a time: it copies at its
	// next tick, 10 ms on.
	deadline := time.Now().Add(30 * time.Second)
	for logged != copied {
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the log has %d frames, %d copied", logged, copied)
		}
		time.Sleep(5 * time.Millisecond)
		logged, copied = walIndex(t, db)
	}
	write(1)
	if after, _ := walIndex(t, db); after >= logged || after > 100 {
		t.Fatalf("a commit after the copy: the log went from %d frames to %d; want it started again", logged, after)
	}
}

// walIndex reads what SQLite's shared WAL index says of a database's
// log (https://www.sqlite.org/walformat.html): the frames logged since
// the log last started again (mxFrame, in the first copy of the header)
// and how many of them are copied into the database file (nBackfill, in
// the checkpoint information after the header's two copies).
func walIndex(t *testing.T, db string) (logged, copied uint32) {
	t.Helper()
	shm, err := os.ReadFile(db + "-shm")
	if err != nil || len(shm) < 136 {
		t.Fatalf("read %s-shm: %v (%d bytes)", db, err, len(shm))
	}
	return binary.NativeEndian.Uint32(shm[16:]), binary.NativeEndian.Uint32(shm[96:])
}
