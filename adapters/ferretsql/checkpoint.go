package ferretsql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
)

// Checkpoint copies the file's write-ahead log into the database file
// (https://www.sqlite.org/wal.html#checkpointing) and reports how many
// frames the log holds and how many of them are copied.
//
// Without restart it is PASSIVE: it copies what no reader still needs
// and takes no lock a writer needs, so writes go on meanwhile. With
// restart it waits for the writer and for readers of older snapshots,
// keeps new writers out until it has copied everything, and so lets the
// next write start the log again from its beginning; it waits at most
// patience for them, then copies what it can and leaves the log as it
// is (copied < logged). A caller should hold its own writers back while
// it runs: SQLite's busy handler has them sleep in steps of up to 100 ms.
func (d *DB) Checkpoint(ctx context.Context, restart bool, patience time.Duration) (logged, copied int, err error) {
	if !restart {
		if logged, copied, err = checkpoint(ctx, d.db.QueryRowContext, "PASSIVE"); err != nil {
			err = fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
		}
		return logged, copied, err
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
	}
	defer conn.Close()
	// The connection's busy timeout (10 s, as FerretDB's) is how long
	// the checkpoint would wait for a reader; it goes back before the
	// connection returns to the pool.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, patience.Milliseconds())); err != nil {
		return 0, 0, fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`); rerr != nil {
			// Not back to the pool with the short timeout.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	logged, copied, err = checkpoint(ctx, conn.QueryRowContext, "RESTART")
	if err != nil {
		err = fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
	}
	return logged, copied, err
}

func checkpoint(ctx context.Context, query func(context.Context, string, ...any) *sql.Row, mode string) (logged, copied int, err error) {
	var busy int
	if err := query(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &logged, &copied); err != nil {
		return 0, 0, err
	}
	return logged, copied, nil
}
