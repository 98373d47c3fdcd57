// Package ferretsql reads and indexes the SQLite files of the embedded
// FerretDB, beside FerretDB, so the embedded store stays fast at a real
// district's size. It owns three things:
//
//   - the index FerretDB's own lookups by _id need (FerretDB 1.24 pushes
//     {_id: <string>} down as `_ferretdb_sjson->'$._id' = ?`, but its
//     unique _id index is on `_ferretdb_sjson->"_id"`, so every lookup,
//     update and delete by _id scanned the table);
//   - secondary indexes declared per collection (Spec): SQLite expression
//     indexes on scalar fields, and a side table kept by triggers for
//     fields inside arrays, which no expression index can hold;
//   - a read path (Find, Count, IDs) that answers MongoDB filters of a
//     small, checked subset with SQL through those indexes, where
//     FerretDB would read and decode every document of the collection.
//
// Writes stay with FerretDB: it keeps its metadata, unique indexes and
// documents; the triggers and indexes here follow its writes inside its
// own transactions.
//
// What it assumes of FerretDB 1.24.2's SQLite layout (read from its
// source, internal/backends/sqlite, and pinned by this package's tests,
// so an upgrade that changes it fails them loudly): one file per
// database, <dir>/<database>.sqlite; a table _ferretdb_collections(name,
// table_name, settings) naming each collection's table; one column,
// _ferretdb_sjson, holding each document as FerretDB's "SJSON" (JSON
// with a "$s" schema of the BSON types: dates as milliseconds, binaries
// as base64 …; see sjson.go); and the pushdown expression above.
//
// It must not import kincare's app or domain packages: it knows BSON
// filters and FerretDB's files, nothing of the business.
package ferretsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// Names FerretDB 1.24 gives its SQLite objects.
const (
	metadataTable = "_ferretdb_collections"
	docColumn     = "_ferretdb_sjson"
	// idPushdown is the expression FerretDB compares _id with in its
	// queries, updates and deletes by _id (metadata.IDColumn).
	idPushdown = docColumn + "->'$._id'"
)

// prefix starts the name of every SQLite object this package makes.
// FerretDB names its tables <collection>_<8 hex digits> and its indexes
// <table>_<index name>, neither of which can collide with it.
const prefix = "_kincare_"

// DB is one FerretDB database's SQLite file, opened beside FerretDB.
type DB struct {
	path string
	db   *sql.DB

	mu sync.Mutex
	// tables maps collection names to FerretDB's table names, as last
	// read from its metadata.
	tables map[string]string
	// specs are the declarations Ensure was given, compiled; nil until
	// Ensure runs.
	specs map[string]*spec
	// ensured are the tables Ensure, or a query finding a new one, made
	// indexes for.
	ensured map[string]bool
	// schemas are the SJSON schemas documents were decoded with.
	schemas schemaCache
}

// ErrNotFerretDB reports a file in the data directory that is not a
// FerretDB 1.24 SQLite database: corrupted, or something else's.
var ErrNotFerretDB = errors.New("not a FerretDB SQLite database")

// Check reports whether the file at path is a FerretDB SQLite database
// this package can read, without changing it. A data directory holding
// anything else must stop the server with a message naming the file,
// never be rebuilt around it.
func Check(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	header := make([]byte, 16)
	_, err = f.Read(header)
	_ = f.Close()
	if err != nil || string(header) != "SQLite format 3\x00" {
		return fmt.Errorf("%s: %w (no SQLite header)", path, ErrNotFerretDB)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, metadataTable).Scan(&n)
	if err != nil {
		return fmt.Errorf("%s: %w (%v)", path, ErrNotFerretDB, err)
	}
	if n != 1 {
		return fmt.Errorf("%s: %w (no %s table)", path, ErrNotFerretDB, metadataTable)
	}
	if _, err := readTables(context.Background(), db); err != nil {
		return fmt.Errorf("%s: %w (%v)", path, ErrNotFerretDB, err)
	}
	var ok string
	if err := db.QueryRow(`PRAGMA quick_check(1)`).Scan(&ok); err != nil || ok != "ok" {
		if err == nil {
			err = errors.New(ok)
		}
		return fmt.Errorf("%s: %w (quick_check: %v)", path, ErrNotFerretDB, err)
	}
	return nil
}

// Open opens the SQLite file of a database FerretDB serves. FerretDB
// must have created it (any collection does).
func Open(path string) (*DB, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	// busy_timeout as FerretDB sets it: a write here (an index, the
	// triggers) waits for FerretDB's writes instead of failing.
	// secure_delete as kincare sets it for FerretDB: the side table
	// holds phone numbers of staff invites, and an erased one must not
	// survive in a free page.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=secure_delete(1)")
	if err != nil {
		return nil, fmt.Errorf("ferretsql: open %s: %w", path, err)
	}
	// Reads run concurrently (WAL); a handful of connections serve the
	// embedded server's request concurrency.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	d := &DB{path: path, db: db, tables: map[string]string{}, ensured: map[string]bool{}}
	if err := d.refreshTables(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	return d, nil
}

// Path is the file's path.
func (d *DB) Path() string { return d.path }

// Close closes this package's connections; FerretDB's are its own.
func (d *DB) Close() error { return d.db.Close() }

// readTables reads FerretDB's collection → table map.
func readTables(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, table_name FROM `+quote(metadataTable))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			return nil, err
		}
		out[name] = table
	}
	return out, rows.Err()
}

func (d *DB) refreshTables(ctx context.Context) error {
	t, err := readTables(ctx, d.db)
	if err != nil {
		return fmt.Errorf("ferretsql: read %s of %s: %w", metadataTable, d.path, err)
	}
	d.mu.Lock()
	d.tables = t
	d.mu.Unlock()
	return nil
}

// table returns the table of a collection, reading FerretDB's metadata
// again when it does not know the collection (created since, and then
// given its indexes); "" when the collection does not exist.
func (d *DB) table(ctx context.Context, collection string) (string, error) {
	d.mu.Lock()
	t, ok := d.tables[collection]
	d.mu.Unlock()
	if ok {
		return t, nil
	}
	if err := d.EnsureNew(ctx); err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tables[collection], nil
}

// EnsureNew gives collections FerretDB created since the last Ensure
// their indexes (and, if declared, their triggers). It is cheap when
// there are none: one read of FerretDB's metadata. Before Ensure has
// run it only reads the metadata.
func (d *DB) EnsureNew(ctx context.Context) error {
	if err := d.refreshTables(ctx); err != nil {
		return err
	}
	d.mu.Lock()
	if d.specs == nil {
		d.mu.Unlock()
		return nil
	}
	todo := map[string]string{}
	for c, t := range d.tables {
		if !d.ensured[t] {
			todo[c] = t
		}
	}
	d.mu.Unlock()
	for c, t := range todo {
		if err := d.ensureTable(ctx, c, t, d.specOf(c)); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) specOf(collection string) *spec {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.specs[collection]
}

// quote quotes an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// literal quotes an SQL string literal.
func literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
