package ferretsql

import (
	"context"
	"fmt"
)

// Checkpoint copies the file's write-ahead log into the database file
// (https://www.sqlite.org/wal.html#checkpointing) and reports how many
// frames the log holds and how many of them are copied.
//
// Without restart it is PASSIVE: it copies what no reader still needs
// and takes no lock a writer needs, so writes go on meanwhile. With
// restart it waits for the writer and for readers of older snapshots,
// keeps new writers out until it has copied everything, and so lets the
// next write start the log again from its beginning; a caller that can
// should hold its own writers back while it runs (SQLite's busy handler
// has them sleep in steps of up to 100 ms).
func (d *DB) Checkpoint(ctx context.Context, restart bool) (logged, copied int, err error) {
	mode := "PASSIVE"
	if restart {
		mode = "RESTART"
	}
	var busy int
	if err := d.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &logged, &copied); err != nil {
		return 0, 0, fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
	}
	return logged, copied, nil
}
