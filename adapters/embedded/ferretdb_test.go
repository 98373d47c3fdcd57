package embedded_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/ferretsql"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A data directory holding a file FerretDB cannot read stops the start
// with an error naming it, and the file is left exactly as it was: data
// is never rebuilt around something that may be someone's.
func TestStartRefusesWhatIsNotAFerretDBDatabase(t *testing.T) {
	foreign := func(path string) {
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE TABLE accounts (id TEXT, balance INTEGER); INSERT INTO accounts VALUES ('a', 1)`); err != nil {
			t.Fatal(err)
		}
	}
	for name, write := range map[string]func(path string){
		"garbage":   func(path string) { _ = os.WriteFile(path, []byte("not a database, just bytes in a file"), 0o600) },
		"truncated": func(path string) { _ = os.WriteFile(path, []byte("SQLite format 3\x00"), 0o600) },
		"foreign":   foreign,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "kincare.sqlite")
			write(path)
			before, _ := os.ReadFile(path)
			m, err := embedded.StartMongo(dir, quiet)
			if err == nil {
				_ = m.Close(context.Background())
				t.Fatal("started on a file that is not FerretDB's")
			}
			if !strings.Contains(err.Error(), path) || !errors.Is(err, ferretsql.ErrNotFerretDB) {
				t.Fatalf("error %q; want ErrNotFerretDB naming %s", err, path)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("the file was changed")
			}
		})
	}
}

// Files a clean shutdown left (no -wal, no -shm) are FerretDB's and
// start again with their data.
func TestStartAgainOnItsOwnFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for round := range 2 {
		m, err := embedded.StartMongo(dir, quiet)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		c, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
		if err != nil {
			t.Fatal(err)
		}
		coll := c.Database("kincare").Collection("families")
		if round == 0 {
			if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "f1"}}); err != nil {
				t.Fatal(err)
			}
		} else if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
			t.Fatalf("after a restart: %d documents, %v", n, err)
		}
		_ = c.Disconnect(ctx)
		if err := m.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := embedded.StartMongo(filepath.Join(dir, "kincare.sqlite"), quiet); err == nil {
		_ = m.Close(ctx)
		t.Fatal("started on a file given as the directory")
	}
}
