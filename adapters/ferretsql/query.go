package ferretsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// statement is a translated query on one collection's table; "" table
// when the collection does not exist (FerretDB answers nothing then).
type statement struct {
	table string
	where string
	order string
	args  []any
}

func (d *DB) translate(ctx context.Context, collection string, filter, sort bson.D, ordered bool) (statement, error) {
	table, err := d.table(ctx, collection)
	if err != nil || table == "" {
		return statement{}, err
	}
	s := d.specOf(collection)
	t := &translator{s: s, table: table}
	where, err := t.where(filter)
	if err != nil {
		return statement{}, err
	}
	st := statement{table: table, where: where}
	if ordered {
		if st.order, err = t.orderBy(sort); err != nil {
			return statement{}, err
		}
	}
	st.args = t.args
	if t.multikey {
		if err := d.checkTriggers(ctx, collection, table, s); err != nil {
			return statement{}, err
		}
	}
	return st, nil
}

// checkTriggers makes sure the side table is kept for this table before
// a query reads it: a table re-created since Ensure (a dropped
// collection written again) has no triggers, and its side rows would be
// stale. The check is one lookup in sqlite_master.
func (d *DB) checkTriggers(ctx context.Context, collection, table string, s *spec) error {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?`,
		triggerBase(table, s)+"_ins").Scan(&n)
	if err != nil {
		return fmt.Errorf("ferretsql: %s: %w", d.path, err)
	}
	if n == 1 {
		return nil
	}
	return d.ensureTable(ctx, collection, table, s)
}

// Query is a find: which documents, in what order (then by _id), how
// many (0: all), and which of their fields (nil: all).
type Query struct {
	Filter, Sort, Projection bson.D
	Limit                    int64
}

// Rows are the documents a Find matched, decoded one at a time.
type Rows struct {
	rows    *sql.Rows
	schemas *schemaCache
	proj    bson.D
	raw     sql.RawBytes
	doc     bson.Raw
	err     error
}

// Next moves to the next document; false at the end or on an error.
func (r *Rows) Next() bool {
	if r.rows == nil || r.err != nil || !r.rows.Next() {
		return false
	}
	// Scanned into a buffer kept across rows: decoding copies out what
	// it keeps, so a row's text needs no string and no copy of its own.
	if r.err = r.rows.Scan(&r.raw); r.err != nil {
		return false
	}
	if r.doc, r.err = r.schemas.decode(r.raw); r.err == nil {
		r.doc, r.err = project(r.doc, r.proj)
	}
	return r.err == nil
}

// Doc is the current document. Its bytes are its own: a later Next
// does not reuse them.
func (r *Rows) Doc() bson.Raw { return r.doc }

// Err is the error that stopped Next, if any.
func (r *Rows) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.rows != nil {
		return r.rows.Err()
	}
	return nil
}

// Close releases the statement.
func (r *Rows) Close() error {
	if r.rows == nil {
		return nil
	}
	return r.rows.Close()
}

// Find returns the documents of collection q asks for. It answers
// ErrUnsupported (wrapped) for what it does not translate.
func (d *DB) Find(ctx context.Context, collection string, q Query) (*Rows, error) {
	if len(q.Projection) > 0 {
		if _, _, err := projectionMode(q.Projection); err != nil {
			return nil, err
		}
	}
	st, err := d.translate(ctx, collection, q.Filter, q.Sort, true)
	if err != nil {
		return nil, err
	}
	if st.table == "" {
		return &Rows{}, nil
	}
	stmt := "SELECT " + docColumn + " FROM " + quote(st.table) + " WHERE " + st.where + st.order
	if q.Limit > 0 {
		stmt += " LIMIT ?"
		st.args = append(st.args, q.Limit)
	}
	rows, err := d.query(ctx, st.table, stmt, st.args)
	if err != nil {
		return nil, err
	}
	return &Rows{rows: rows, schemas: &d.schemas, proj: q.Projection}, nil
}

// Count counts the documents of collection matching filter.
func (d *DB) Count(ctx context.Context, collection string, filter bson.D) (int64, error) {
	st, err := d.translate(ctx, collection, filter, nil, false)
	if err != nil || st.table == "" {
		return 0, err
	}
	rows, err := d.query(ctx, st.table, "SELECT count(*) FROM "+quote(st.table)+" WHERE "+st.where, st.args)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("ferretsql: count %s: %w", collection, err)
		}
	}
	return n, rows.Err()
}

// IDs returns the _ids of the documents matching filter, in _id order,
// at most limit of them (0: all). Every _id must be a string.
func (d *DB) IDs(ctx context.Context, collection string, filter bson.D, limit int64) ([]string, error) {
	st, err := d.translate(ctx, collection, filter, bson.D{{Key: "_id", Value: 1}}, true)
	if err != nil || st.table == "" {
		return nil, err
	}
	q := "SELECT " + valueExpr(docColumn, "_id") + ", " + valueExpr(docColumn, `"$s".p._id.t`) +
		" FROM " + quote(st.table) + " WHERE " + st.where + st.order
	if limit > 0 {
		q += " LIMIT ?"
		st.args = append(st.args, limit)
	}
	rows, err := d.query(ctx, st.table, q, st.args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, typ sql.NullString
		if err := rows.Scan(&id, &typ); err != nil {
			return nil, fmt.Errorf("ferretsql: ids of %s: %w", collection, err)
		}
		if typ.String != "string" {
			return nil, unsupported("%s has an _id of type %q", collection, typ.String)
		}
		ids = append(ids, id.String)
	}
	return ids, rows.Err()
}

// query runs a statement; a table dropped under it answers nothing, as
// FerretDB answers for a collection that does not exist.
func (d *DB) query(ctx context.Context, table, q string, args []any) (*sql.Rows, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		if strings.Contains(err.Error(), "no such table: "+table) {
			_ = d.refreshTables(ctx)
			return d.db.QueryContext(ctx, "SELECT NULL WHERE 0")
		}
		return nil, fmt.Errorf("ferretsql: %s: %w", d.path, err)
	}
	return rows, nil
}

// Explain returns SQLite's plan for the statement Find would run, one
// line per step, for tests and benchmarks that check an index is used.
func (d *DB) Explain(ctx context.Context, collection string, q Query) ([]string, error) {
	st, err := d.translate(ctx, collection, q.Filter, q.Sort, true)
	if err != nil {
		return nil, err
	}
	if st.table == "" {
		return nil, errors.New("ferretsql: no such collection")
	}
	stmt := "EXPLAIN QUERY PLAN SELECT " + docColumn + " FROM " + quote(st.table) + " WHERE " + st.where + st.order
	if q.Limit > 0 {
		stmt += " LIMIT ?"
		st.args = append(st.args, q.Limit)
	}
	return d.explain(ctx, stmt, st.args...)
}

// ExplainByID returns SQLite's plan for FerretDB's own statement finding
// a document of collection by _id (its pushdown, metadata.IDColumn).
func (d *DB) ExplainByID(ctx context.Context, collection string) ([]string, error) {
	table, err := d.table(ctx, collection)
	if err != nil {
		return nil, err
	}
	if table == "" {
		return nil, errors.New("ferretsql: no such collection")
	}
	return d.explain(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT %s FROM %s WHERE %s = ?`, docColumn, quote(table), idPushdown),
		`"x"`)
}

func (d *DB) explain(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ferretsql: explain: %w", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}
