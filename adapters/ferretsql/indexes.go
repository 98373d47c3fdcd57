package ferretsql

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
)

// Spec is what one collection needs indexed on the embedded store.
// adapters/mongo derives it from the collection's MongoDB indexes (see
// its collection declarations), so a repository declares its indexes once.
type Spec struct {
	// Indexes become SQLite expression indexes. Their keys must be
	// scalar paths: none may lie inside one of Arrays.
	Indexes []Index
	// Arrays are the paths of the arrays filters reach into ("members",
	// "offeredTo"). A filter on a path inside one of them is evaluated
	// with MongoDB's array semantics (any element matches); on any other
	// path it is taken as a scalar.
	Arrays []string
	// Multikey are paths inside Arrays whose values are indexed in the
	// side table ("members.userId", "offeredTo"): an equality or $in on
	// them is a lookup there instead of a scan of every array.
	Multikey []string
}

// Index is an expression index on one or more scalar paths.
type Index struct {
	Name string
	Keys []Key
	// Sparse marks the mirror of a MongoDB sparse index, which holds only
	// the documents that have one of its keys. Besides the index on its
	// keys, such a set gets a partial index of those documents alone in
	// _id order (see sparseIDIndexSQL).
	Sparse bool
}

// Key is one path of an index, descending or not.
type Key struct {
	Path string
	Desc bool
}

// spec is a Spec checked and ready for queries.
type spec struct {
	Spec
	// arrays maps an array path to itself, for prefix lookups.
	arrays map[string]bool
	// multikey holds the indexed paths.
	multikey map[string]bool
}

func compile(collection string, s Spec) (*spec, error) {
	c := &spec{Spec: s, arrays: map[string]bool{}, multikey: map[string]bool{}}
	for _, a := range s.Arrays {
		if err := checkPath(a); err != nil {
			return nil, fmt.Errorf("ferretsql: %s: array %q: %w", collection, a, err)
		}
		c.arrays[a] = true
	}
	for _, m := range s.Multikey {
		if _, _, ok := c.inArray(m); !ok {
			return nil, fmt.Errorf("ferretsql: %s: multikey path %q is not in a declared array", collection, m)
		}
		c.multikey[m] = true
	}
	for _, ix := range s.Indexes {
		if ix.Name == "" || len(ix.Keys) == 0 {
			return nil, fmt.Errorf("ferretsql: %s: an index needs a name and keys", collection)
		}
		for _, k := range ix.Keys {
			if err := checkPath(k.Path); err != nil {
				return nil, fmt.Errorf("ferretsql: %s: index %s: %w", collection, ix.Name, err)
			}
			if _, _, ok := c.inArray(k.Path); ok {
				return nil, fmt.Errorf("ferretsql: %s: index %s: %q lies in an array; declare it multikey",
					collection, ix.Name, k.Path)
			}
		}
	}
	return c, nil
}

// inArray splits a path inside a declared array into the array's path
// and the path within each element ("" for the element itself).
func (s *spec) inArray(path string) (array, within string, ok bool) {
	if s == nil {
		return "", "", false
	}
	parts := strings.Split(path, ".")
	for i := range parts {
		a := strings.Join(parts[:i+1], ".")
		if s.arrays[a] {
			return a, strings.Join(parts[i+1:], "."), true
		}
	}
	return "", "", false
}

// Ensure creates what the store needs in the file and may be run any
// number of times: the _id pushdown index on every FerretDB table, and
// for each declared collection its expression indexes and multikey
// triggers. Indexes and triggers this package made that a declaration no
// longer names are dropped. Declared collections must exist (the caller
// creates them through FerretDB); a collection FerretDB creates later is
// ensured by the next call, or by the first query that needs it.
func (d *DB) Ensure(ctx context.Context, specs map[string]Spec) error {
	compiled := make(map[string]*spec, len(specs))
	for coll, s := range specs {
		c, err := compile(coll, s)
		if err != nil {
			return err
		}
		compiled[coll] = c
	}
	if err := d.refreshTables(ctx); err != nil {
		return err
	}
	d.mu.Lock()
	d.specs = compiled
	tables := make(map[string]string, len(d.tables))
	for c, t := range d.tables {
		tables[c] = t
	}
	d.mu.Unlock()
	if _, err := d.db.ExecContext(ctx, multikeyTableSQL); err != nil {
		return fmt.Errorf("ferretsql: %s: create multikey table: %w", d.path, err)
	}
	for _, s := range multikeyIndexesSQL {
		if _, err := d.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("ferretsql: %s: create multikey index: %w", d.path, err)
		}
	}
	for coll, table := range tables {
		if err := d.ensureTable(ctx, coll, table, compiled[coll]); err != nil {
			return err
		}
	}
	return d.dropOrphanedKeys(ctx, tables)
}

// ensureTable makes one table's indexes and triggers what s declares.
func (d *DB) ensureTable(ctx context.Context, coll, table string, s *spec) error {
	want := map[string]string{idIndexName(table): idIndexSQL(table)}
	if s != nil {
		for _, ix := range s.Indexes {
			name, stmt := expressionIndexSQL(table, ix)
			want[name] = stmt
			if ix.Sparse {
				name, stmt := sparseIDIndexSQL(table, ix)
				want[name] = stmt
			}
		}
	}
	have, err := d.kincareObjects(ctx, "index", table)
	if err != nil {
		return err
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			if _, err := d.db.ExecContext(ctx, `DROP INDEX IF EXISTS `+quote(name)); err != nil {
				return fmt.Errorf("ferretsql: %s: drop index %s: %w", d.path, name, err)
			}
		}
	}
	for name, stmt := range want {
		if have[name] {
			continue
		}
		if _, err := d.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("ferretsql: %s: index %s of collection %s: %w", d.path, name, coll, err)
		}
	}
	if err := d.ensureTriggers(ctx, coll, table, s); err != nil {
		return err
	}
	d.mu.Lock()
	d.ensured[table] = true
	d.mu.Unlock()
	return nil
}

// kincareObjects lists this package's indexes or triggers on a table.
func (d *DB) kincareObjects(ctx context.Context, kind, table string) (map[string]bool, error) {
	rows, err := d.db.QueryContext(ctx,
		`SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = ? AND name LIKE '\_kincare\_%' ESCAPE '\'`,
		kind, table)
	if err != nil {
		return nil, fmt.Errorf("ferretsql: %s: list %ss of %s: %w", d.path, kind, table, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

func idIndexName(table string) string { return prefix + table + "_id_pushdown" }

// idIndexSQL indexes exactly the expression FerretDB compares _id with,
// so its lookups, updates and deletes by _id search instead of scan.
func idIndexSQL(table string) string {
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s)`, quote(idIndexName(table)), quote(table), idPushdown)
}

// expressionIndexSQL names an index after its definition, so a changed
// declaration makes a new index (and Ensure drops the old one).
func expressionIndexSQL(table string, ix Index) (string, string) {
	cols := make([]string, len(ix.Keys))
	for i, k := range ix.Keys {
		cols[i] = valueExpr(docColumn, k.Path)
		if k.Desc {
			cols[i] += " DESC"
		}
	}
	def := strings.Join(cols, ", ")
	name := fmt.Sprintf("%s%s_%s_%s", prefix, table, ix.Name, shortHash(def))
	return name, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s)`, quote(name), quote(table), def)
}

// sparseIDIndexSQL indexes, in _id order, only the documents a sparse
// index holds: those with one of its keys. A pager walking such a set by
// _id (the ratings' recount over rated orders, the ledger's reconciler
// over unjournaled accounts: a filter on the key, _id after the last
// seen, sorted by _id) is served on MongoDB by its _id index, stopping
// after a page; SQLite's file has no index in _id order, so it read and
// sorted the whole set for every page (every order, as "exists" reads
// the document), quadratic in the collection: at 19,388 orders the
// recount kept a core busy for minutes. SQLite uses a partial index when
// the query's WHERE has its condition as a term, which the translated
// $exists is exactly, and which a comparison on the key implies.
func sparseIDIndexSQL(table string, ix Index) (string, string) {
	present := make([]string, len(ix.Keys))
	for i, k := range ix.Keys {
		present[i] = valueExpr(docColumn, k.Path) + " IS NOT NULL"
	}
	where := strings.Join(present, " OR ")
	def := valueExpr(docColumn, "_id") + " WHERE " + where
	name := fmt.Sprintf("%s%s_%s_by_id_%s", prefix, table, ix.Name, shortHash(def))
	return name, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s) WHERE %s`, quote(name), quote(table),
		valueExpr(docColumn, "_id"), where)
}

func shortHash(s string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}

// The multikey side table: one row per value found at a declared
// multikey path of a document, kept by triggers on the document's table
// within FerretDB's own write. id is the document's _id as FerretDB's
// pushdown expression renders it, so a lookup joins through the _id
// index; it is declared ANY, without the TEXT affinity that would keep
// SQLite from comparing it with that index's expression.
var (
	multikeyTable    = prefix + "multikey"
	multikeyTableSQL = fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
		tbl TEXT NOT NULL, path TEXT NOT NULL, value ANY, id ANY NOT NULL) STRICT`, quote(multikeyTable))
	multikeyIndexesSQL = []string{
		fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (tbl, path, value, id)`,
			quote(multikeyTable+"_value"), quote(multikeyTable)),
		fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (tbl, id)`,
			quote(multikeyTable+"_doc"), quote(multikeyTable)),
	}
)

// multikeyRows selects the side table's rows for the document in column
// doc (NEW._ferretdb_sjson, or a table's column for a backfill).
// json_each of a missing path yields nothing and of a scalar the scalar
// itself, as MongoDB matches a scalar field; an element that is not an
// object has no fields, so nothing is read from it.
func multikeyRows(s *spec, table, doc, from string) string {
	var selects []string
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range s.multikey {
			if !yield(p) {
				return
			}
		}
	})
	for _, p := range paths {
		array, within, _ := s.inArray(p)
		value := "j.atom"
		if within != "" {
			value = fmt.Sprintf("(CASE WHEN j.type = 'object' THEN json_extract(j.value, %s) END)",
				literal(jsonPath(within)))
		}
		selects = append(selects, fmt.Sprintf(
			`SELECT %s, %s, %s, %s->'$._id' FROM %sjson_each(%s, %s) AS j WHERE %s IS NOT NULL`,
			literal(table), literal(p), value, doc, from, doc, literal(jsonPath(array)), value))
	}
	return strings.Join(selects, " UNION ALL ")
}

// triggerBase names a table's triggers after what they maintain, and
// how (a table with older triggers gets these at the next start).
func triggerBase(table string, s *spec) string {
	return fmt.Sprintf("%s%s_mk_%s", prefix, table,
		shortHash(multikeyRows(s, table, "NEW."+docColumn, "")+arraysChanged(s)))
}

// arraysChanged is the update trigger's condition: a declared array
// differs between the old and the new document. Most writes change
// something else (an order's status, a provider's stats), and rewriting
// the side rows each time was most of what an update cost in SQLite (a
// provider's update, measured: 1.5 ms with the rows rewritten, 0.4 ms
// without).
func arraysChanged(s *spec) string {
	seen := map[string]bool{}
	var parts []string
	for _, p := range slices.Sorted(maps.Keys(s.multikey)) {
		array, _, _ := s.inArray(p)
		if seen[array] {
			continue
		}
		seen[array] = true
		path := literal(jsonPath(array))
		parts = append(parts, fmt.Sprintf("OLD.%s->%s IS NOT NEW.%s->%s", docColumn, path, docColumn, path))
	}
	return strings.Join(parts, " OR ")
}

// ensureTriggers gives a table the triggers its multikey paths need. A
// table without them (new, re-created after a drop, or declared
// differently) has its side rows rebuilt from its documents in the same
// transaction that creates them, so no write falls in between.
func (d *DB) ensureTriggers(ctx context.Context, coll, table string, s *spec) error {
	have, err := d.kincareObjects(ctx, "trigger", table)
	if err != nil {
		return err
	}
	var base string
	if s != nil && len(s.multikey) > 0 {
		base = triggerBase(table, s)
		if have[base+"_ins"] && have[base+"_upd"] && have[base+"_del"] && len(have) == 3 {
			return nil
		}
	} else if len(have) == 0 {
		return nil
	}
	return d.immediate(ctx, func(tx *sql.Conn) error {
		for name := range have {
			if _, err := tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS `+quote(name)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE tbl = ?`, quote(multikeyTable)), table); err != nil {
			return err
		}
		if base == "" {
			return nil
		}
		cols := fmt.Sprintf(`INSERT INTO %s (tbl, path, value, id) `, quote(multikeyTable))
		backfill := cols + multikeyRows(s, table, "src."+docColumn, quote(table)+" AS src, ")
		if _, err := tx.ExecContext(ctx, backfill); err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
		forget := func(doc string) string {
			return fmt.Sprintf(`DELETE FROM %s WHERE tbl = %s AND id = %s->'$._id';`,
				quote(multikeyTable), literal(table), doc)
		}
		for _, stmt := range []string{
			fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s BEGIN %s; END`, quote(base+"_ins"), quote(table),
				cols+multikeyRows(s, table, "NEW."+docColumn, "")),
			fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s WHEN %s BEGIN %s %s; END`, quote(base+"_upd"),
				quote(table), arraysChanged(s), forget("OLD."+docColumn), cols+multikeyRows(s, table, "NEW."+docColumn, "")),
			fmt.Sprintf(`CREATE TRIGGER %s AFTER DELETE ON %s BEGIN %s END`, quote(base+"_del"), quote(table),
				forget("OLD."+docColumn)),
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}, "triggers of collection "+coll)
}

// dropOrphanedKeys forgets the side rows of tables that are gone (a
// dropped collection takes its triggers along, not its rows).
func (d *DB) dropOrphanedKeys(ctx context.Context, tables map[string]string) error {
	live := make([]any, 0, len(tables))
	marks := make([]string, 0, len(tables))
	for _, t := range tables {
		live = append(live, t)
		marks = append(marks, "?")
	}
	q := fmt.Sprintf(`DELETE FROM %s`, quote(multikeyTable))
	if len(live) > 0 {
		q += ` WHERE tbl NOT IN (` + strings.Join(marks, ", ") + `)`
	}
	if _, err := d.db.ExecContext(ctx, q, live...); err != nil {
		return fmt.Errorf("ferretsql: %s: forget side rows of dropped collections: %w", d.path, err)
	}
	return nil
}

// immediate runs fn in a write transaction taken at its start, so
// FerretDB's writes wait for it rather than interleave.
func (d *DB) immediate(ctx context.Context, fn func(*sql.Conn) error, what string) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ferretsql: %s: %s: %w", d.path, what, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("ferretsql: %s: %s: %w", d.path, what, err)
	}
	if err := fn(conn); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return fmt.Errorf("ferretsql: %s: %s: %w", d.path, what, err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return fmt.Errorf("ferretsql: %s: %s: %w", d.path, what, err)
	}
	return nil
}
