package ferretsql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
)

// Checkpoint copies the file's write-ahead log into the database file
// (https://www.sqlite.org/wal.html#checkpointing) without waiting for
// readers or the writer (PASSIVE): it copies what no reader still needs
// and takes no lock a writer needs, so writes go on meanwhile. It
// reports how many frames the log holds and how many of them are copied.
func (d *DB) Checkpoint(ctx context.Context) (logged, copied int, err error) {
	if logged, copied, err = checkpoint(ctx, d.db.QueryRowContext, "PASSIVE"); err != nil {
		err = fmt.Errorf("ferretsql: checkpoint %s: %w", d.path, err)
	}
	return logged, copied, err
}

// RestartLog copies all of the log into the database file and lets the
// next write start the log again from its beginning (a RESTART
// checkpoint): it waits for the writer and for readers of older
// snapshots, and keeps new writers out until it is done. It waits at
// most patience for them, then copies what it can and leaves the log as
// it is (copied < logged). hold is called once its connection is ready,
// just before the checkpoint, and what hold returns just after: the
// caller keeps its own writers back in between, which otherwise sleep in
// SQLite's busy handler (in steps of up to 100 ms).
func (d *DB) RestartLog(ctx context.Context, patience time.Duration, hold func() (release func(), err error)) (logged, copied int, err error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("ferretsql: restart the log of %s: %w", d.path, err)
	}
	defer conn.Close()
	// The connection's busy timeout (10 s, as FerretDB's) is how long the
	// checkpoint would wait for a reader. It goes back before the
	// connection returns to the pool, or the connection is dropped.
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(context.WithoutCancel(ctx),
		fmt.Sprintf(`PRAGMA busy_timeout = %d`, patience.Milliseconds())); err != nil {
		return 0, 0, fmt.Errorf("ferretsql: restart the log of %s: %w", d.path, err)
	}
	release, err := hold()
	if err != nil {
		return 0, 0, err
	}
	defer release()
	if logged, copied, err = checkpoint(ctx, conn.QueryRowContext, "RESTART"); err != nil {
		err = fmt.Errorf("ferretsql: restart the log of %s: %w", d.path, err)
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
