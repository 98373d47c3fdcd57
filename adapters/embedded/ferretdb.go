// Package embedded starts the stores kincare uses when no MONGODB_URI or
// REDIS_URL is given: FerretDB on SQLite files and miniredis, in-process,
// so the server runs on a machine with nothing installed. The rest of the
// code talks to them exactly as to MongoDB and Redis, over the network.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// Mongo is a FerretDB server on 127.0.0.1 backed by SQLite files.
type Mongo struct {
	uri    string
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartMongo serves the data under dir, creating it if needed. It
// refuses a directory it cannot write to, and any *.sqlite file there
// that is not a FerretDB database, naming it: data is never rebuilt
// around what it cannot read.
func StartMongo(dir string, log *slog.Logger) (*Mongo, error) {
	return StartMongoWith(dir, log, MongoOptions{})
}

// MongoOptions tune the embedded FerretDB for a use other than serving.
type MongoOptions struct {
	// Unsynced commits without waiting for the disk (SQLite
	// synchronous=OFF). A crash of the machine may lose the last writes
	// or the file: only for filling a store that is made again if that
	// happens (kincare demo), never for the server's data.
	Unsynced bool
}

// WALBackstopPages is the size of a database's write-ahead log, in pages
// of 4 KiB, at which a commit copies the log into the database file
// itself, SQLite's automatic checkpoint. SQLite's default is 1,000
// pages: the commit passing them copied about 4 MB into a file of
// hundreds of megabytes and waited for the disk while every other write
// waited behind it (at 20,000 orders, one write in about a hundred
// stalled for 50–450 ms). The store's own loop does that beside the
// writer instead (mongo.Store.Checkpoints); this is the bound on the log
// should it not run.
const WALBackstopPages = 16384

// StartMongoWith is StartMongo with options.
func StartMongoWith(dir string, log *slog.Logger, o MongoOptions) (*Mongo, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded mongo: create %s: %w", dir, err)
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	pragmas := fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", WALBackstopPages)
	if o.Unsynced {
		pragmas += "&_pragma=synchronous(0)"
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:  "sqlite",
		// secure_delete: SQLite otherwise leaves deleted rows readable in
		// free pages, and an erased account's phone must not survive on disk.
		SQLiteURL: "file:" + dir + "/?_pragma=secure_delete(1)" + pragmas,
		// FerretDB logs every connection at info and every unsupported command
		// (endSessions at each disconnect) as a warning; only its errors matter to us.
		Logger: slog.New(levelFloor{Handler: log.Handler(), min: slog.LevelError}),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Mongo{dir: dir, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		if err := f.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("embedded mongo stopped", "err", err)
		}
	}()
	m.uri = f.MongoDBURI()
	return m, nil
}

// URI is the mongodb:// address to connect to.
func (m *Mongo) URI() string { return m.uri }

// Dir is the directory of the SQLite files, one per database
// (<database>.sqlite), for adapters/ferretsql.
func (m *Mongo) Dir() string { return m.dir }

// checkDir finds out at start, with a message naming the file, what
// FerretDB would otherwise report later or not at all: a directory or a
// database file it cannot write (a read-only disk), and a *.sqlite file
// that is corrupted or not FerretDB's.
func checkDir(dir string) error {
	probe, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return fmt.Errorf("embedded mongo: cannot write to the data directory %s: %w", dir, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("embedded mongo: list %s: %w", dir, err)
	}
	for _, f := range files {
		w, err := os.OpenFile(f, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("embedded mongo: cannot write to the database file %s: %w", f, err)
		}
		_ = w.Close()
		if err := ferretsql.Check(f); err != nil {
			return fmt.Errorf("embedded mongo: %w; kincare never rebuilds over a file it cannot read: "+
				"move it out of %s, or set DATA_DIR to another directory", err, dir)
		}
	}
	return nil
}

// Close stops the server and waits for SQLite to be closed cleanly.
func (m *Mongo) Close(ctx context.Context) error {
	m.cancel()
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("embedded mongo: stop: %w", ctx.Err())
	case <-time.After(10 * time.Second):
		return errors.New("embedded mongo: did not stop within 10s")
	}
}

// levelFloor drops records below min, whatever the wrapped handler allows.
// FerretDB derives a logger with attributes for every connection and
// command, and the wrapped JSON handler formats them at once (2 % of the
// demo's CPU); records reaching it are rare (errors), so the attributes
// and groups wait in pending until one does.
type levelFloor struct {
	slog.Handler
	min     slog.Level
	pending []func(slog.Handler) slog.Handler
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) Handle(ctx context.Context, r slog.Record) error {
	next := h.Handler
	for _, apply := range h.pending {
		next = apply(next)
	}
	return next.Handle(ctx, r)
}

func (h levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return h.with(func(next slog.Handler) slog.Handler { return next.WithAttrs(as) })
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return h.with(func(next slog.Handler) slog.Handler { return next.WithGroup(name) })
}

func (h levelFloor) with(apply func(slog.Handler) slog.Handler) slog.Handler {
	h.pending = append(slices.Clip(h.pending), apply)
	return h
}
