package mongo_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/test/testenv"
)

// The embedded store copies its write-ahead log into the database file
// beside the writer: one pass of the loop copies a log of 36 MB of
// commits (past the size at which it holds the writer to start the log
// again) whole, and the next commit starts the log from its beginning,
// so the log does not grow while the server runs. Before the pass, the
// commits have copied none of it: the embedded FerretDB's commits do not
// checkpoint below its backstop (embedded.WALBackstopPages), where
// SQLite's default has the commit passing 1,000 pages copy the log
// while every write waits.
func TestTheLogIsCopiedBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	store, m := testenv.EmbeddedMongoServer(t, "kincare")
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
	db := filepath.Join(m.Dir(), "kincare.sqlite")
	write(900)
	logged, copied := walIndex(t, db)
	if logged < 8192 || copied != 0 {
		t.Fatalf("before a checkpoint: %d frames logged, %d copied; want over 8,192, none copied", logged, copied)
	}

	// One pass of the loop: past 8,192 frames it holds the writer for the
	// checkpoint that lets the log start again.
	whole, err := store.CheckpointOnce(ctx)
	if err != nil || !whole {
		t.Fatalf("a checkpoint while nobody writes: copied whole %v (%v); want the whole log", whole, err)
	}
	logged, copied = walIndex(t, db)
	if logged != copied {
		t.Fatalf("after the checkpoint the log has %d frames, %d copied", logged, copied)
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
