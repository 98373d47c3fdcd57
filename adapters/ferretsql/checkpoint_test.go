package ferretsql_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A checkpoint that starts the log again waits for a reader of an
// older snapshot only as long as it is told to, not the connection's
// 10 s, copies what it can, and says the log is not copied whole; once
// the reader is gone the same checkpoint copies everything.
func TestARestartingCheckpointWaitsForReadersOnlyItsPatience(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	f.insert(t, "pages", bson.D{{Key: "n", Value: 0}})
	d := f.open(t)
	if _, _, err := d.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}

	reader, err := sql.Open("sqlite", "file:"+f.file()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM _ferretdb_collections`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Commits after the reader's snapshot: the log holds frames it
	// may not see copied over its pages.
	for i := range 20 {
		f.insert(t, "pages", bson.D{{Key: "n", Value: i + 1}})
	}

	held := 0
	hold := func() (func(), error) { held++; return func() {}, nil }
	start := time.Now()
	logged, copied, err := d.RestartLog(ctx, 20*time.Millisecond, hold)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if took > 2*time.Second || logged == 0 || copied == logged || held != 1 {
		t.Fatalf("with a reader in the way: %d of %d frames copied in %s, the caller's writers held %d times; "+
			"want fewer than all, within well under 10 s, held once", copied, logged, took, held)
	}

	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	logged, copied, err = d.RestartLog(ctx, 20*time.Millisecond, hold)
	if err != nil || copied != logged {
		t.Fatalf("the reader gone: %d of %d frames copied (%v); want all", copied, logged, err)
	}
}
