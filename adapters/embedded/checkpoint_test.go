package embedded_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/embedded"
)

// walIndex reads what SQLite's shared WAL index says of a database's
// log (https://www.sqlite.org/walformat.html): frames logged since the
// log last started again (mxFrame, in the first header copy) and how
// many of them are copied into the database file (nBackfill, in the
// checkpoint information after the two header copies).
func walIndex(t *testing.T, db string) (logged, copied uint32) {
	t.Helper()
	shm, err := os.ReadFile(db + "-shm")
	if err != nil || len(shm) < 136 {
		t.Fatalf("read %s-shm: %v (%d bytes)", db, err, len(shm))
	}
	return binary.NativeEndian.Uint32(shm[16:]), binary.NativeEndian.Uint32(shm[96:])
}

// writeLog commits 40 documents of 40 KB each, one at a time: with the
// table and its index, about 500 pages of log.
func writeLog(t *testing.T, c *mongo.Collection, round int) {
	t.Helper()
	big := strings.Repeat("x", 40<<10)
	for i := range 40 {
		if _, err := c.InsertOne(context.Background(), bson.D{{Key: "round", Value: round}, {Key: "i", Value: i},
			{Key: "pad", Value: big}}); err != nil {
			t.Fatal(err)
		}
	}
}

func startFerret(t *testing.T, dir string) *mongo.Collection {
	t.Helper()
	m, err := embedded.StartMongo(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	client, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database("kincare").Collection("pages")
}

// A commit does not copy the log into the database file below the
// backstop (SQLite's own checkpoint, which the commit passing 1,000
// pages ran, stalled every write behind it for up to half a second at a
// real district's size; mongo.Store.Checkpoints copies it instead):
// 2,000 pages of commits leave everything in the log.
func TestCommitsOnlyAppendToTheLog(t *testing.T) {
	dir := t.TempDir()
	c := startFerret(t, dir)
	for round := range 4 {
		writeLog(t, c, round)
	}
	logged, copied := walIndex(t, filepath.Join(dir, "kincare.sqlite"))
	if logged < 1500 || copied != 0 {
		t.Fatalf("log: %d frames, %d copied; want over 1,500 frames, none copied by a commit", logged, copied)
	}
}
