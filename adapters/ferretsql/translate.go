package ferretsql

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrUnsupported reports a filter, sort or value this package does not
// translate to SQL exactly; the caller asks FerretDB instead.
var ErrUnsupported = errors.New("ferretsql: not answered by SQL")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// The subset answered, with MongoDB's meaning under two assumptions
// kincare's documents satisfy (they are written from Go structs): a
// field holds values of one BSON type in every document of a collection,
// and an empty field is left out rather than stored as null (a JSON null
// reads as missing here, where $exists would count it).
//
//	{f: v}                 v a string, bool, integer, double or date
//	{f: {$in: [v…]}}       and $ne, $lt, $lte, $gt, $gte, $exists
//	{f: {$size: n}}        an array's length
//	{$or: […]}, {$and: […]}
//
// Paths are dotted ("window.start"). On a path inside a declared array
// (Spec.Arrays) equality and $in match any element, as in MongoDB, and
// $ne matches when no element is equal; other operators there are not
// answered. Sorts are on scalar paths.

// translator builds one statement's WHERE and ORDER BY.
type translator struct {
	s     *spec
	table string
	args  []any
	// multikey records that the side table is read, whose triggers the
	// query must first know to be in place.
	multikey bool
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func checkPath(path string) error {
	for _, p := range strings.Split(path, ".") {
		if !plainKey.MatchString(p) {
			return unsupported("path %q", path)
		}
	}
	return nil
}

// jsonPath is an SQLite JSON path for a checked dotted path.
func jsonPath(path string) string { return "$." + path }

// valueExpr is the SQL value at path of the document in col: text for
// strings, an integer for integers, dates (milliseconds) and booleans, a
// real for doubles, JSON text for documents and arrays, NULL when
// missing. Indexes are made on exactly this expression.
func valueExpr(col, path string) string { return col + "->>" + literal(jsonPath(path)) }

func (t *translator) where(f bson.D) (string, error) {
	if len(f) == 0 {
		return "1", nil
	}
	parts := make([]string, 0, len(f))
	for _, e := range f {
		var (
			sql string
			err error
		)
		switch {
		case e.Key == "$or" || e.Key == "$and":
			sql, err = t.logical(e.Key, e.Value)
		case strings.HasPrefix(e.Key, "$"):
			err = unsupported("operator %s", e.Key)
		default:
			sql, err = t.field(e.Key, e.Value)
		}
		if err != nil {
			return "", err
		}
		parts = append(parts, sql)
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func (t *translator) logical(op string, v any) (string, error) {
	list, ok := v.(bson.A)
	if !ok || len(list) == 0 {
		return "", unsupported("%s of %T", op, v)
	}
	parts := make([]string, len(list))
	for i, item := range list {
		d, ok := item.(bson.D)
		if !ok {
			return "", unsupported("%s item of %T", op, item)
		}
		sql, err := t.where(d)
		if err != nil {
			return "", err
		}
		parts[i] = sql
	}
	join := " OR "
	if op == "$and" {
		join = " AND "
	}
	return "(" + strings.Join(parts, join) + ")", nil
}

func (t *translator) field(path string, v any) (string, error) {
	if err := checkPath(path); err != nil {
		return "", err
	}
	ops, ok := v.(bson.D)
	if !ok {
		return t.equal(path, v)
	}
	if len(ops) == 0 || !strings.HasPrefix(ops[0].Key, "$") {
		return "", unsupported("document equality on %s", path)
	}
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		sql, err := t.operator(path, op.Key, op.Value)
		if err != nil {
			return "", err
		}
		parts = append(parts, sql)
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func (t *translator) equal(path string, v any) (string, error) {
	if path == "_id" {
		return t.idIn([]any{v})
	}
	if _, _, ok := t.s.inArray(path); ok {
		return t.anyElement(path, []any{v})
	}
	arg, err := sqlValue(v)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	t.args = append(t.args, arg)
	return valueExpr(docColumn, path) + " = ?", nil
}

func (t *translator) operator(path, op string, v any) (string, error) {
	array, within, inArray := t.s.inArray(path)
	switch op {
	case "$in":
		vals, err := list(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if len(vals) == 0 {
			return "0", nil // matches nothing, as in MongoDB
		}
		if path == "_id" {
			return t.idIn(vals)
		}
		if inArray {
			return t.anyElement(path, vals)
		}
		return t.scalarIn(path, vals)
	case "$ne":
		if inArray {
			sql, err := t.anyElement(path, []any{v})
			if err != nil {
				return "", err
			}
			return "NOT " + sql, nil
		}
		arg, err := sqlValue(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		t.args = append(t.args, arg)
		e := valueExpr(docColumn, path)
		return "(" + e + " IS NULL OR " + e + " != ?)", nil
	case "$exists":
		b, ok := v.(bool)
		if !ok {
			return "", unsupported("$exists: %T", v)
		}
		if inArray && within != "" {
			return "", unsupported("$exists inside array %s", array)
		}
		if b {
			return valueExpr(docColumn, path) + " IS NOT NULL", nil
		}
		return valueExpr(docColumn, path) + " IS NULL", nil
	case "$lt", "$lte", "$gt", "$gte":
		if inArray {
			return "", unsupported("%s inside array %s", op, array)
		}
		arg, err := sqlValue(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		t.args = append(t.args, arg)
		return valueExpr(docColumn, path) + " " + map[string]string{"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}[op] + " ?", nil
	case "$size":
		var n int64
		switch v := v.(type) {
		case int:
			n = int64(v)
		case int32:
			n = int64(v)
		case int64:
			n = v
		default:
			return "", unsupported("$size: %T", v)
		}
		if inArray && within != "" {
			return "", unsupported("$size inside array %s", array)
		}
		t.args = append(t.args, n)
		p := literal(jsonPath(path))
		return fmt.Sprintf("(json_type(%s, %s) = 'array' AND json_array_length(%s, %s) = ?)", docColumn, p, docColumn, p), nil
	}
	return "", unsupported("operator %s on %s", op, path)
}

// idIn compares _id through FerretDB's own pushdown expression (and so
// its index): the JSON text of a string _id, as FerretDB renders it.
func (t *translator) idIn(vals []any) (string, error) {
	marks := make([]string, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			return "", unsupported("_id of %T", v)
		}
		b, err := json.Marshal(s)
		if err != nil {
			return "", err
		}
		t.args = append(t.args, string(b))
		marks[i] = "?"
	}
	return idPushdown + " IN (" + strings.Join(marks, ", ") + ")", nil
}

func (t *translator) scalarIn(path string, vals []any) (string, error) {
	marks := make([]string, len(vals))
	for i, v := range vals {
		arg, err := sqlValue(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		t.args = append(t.args, arg)
		marks[i] = "?"
	}
	return valueExpr(docColumn, path) + " IN (" + strings.Join(marks, ", ") + ")", nil
}

// anyElement matches documents with an element equal to one of vals at
// a path inside a declared array: through the side table when the path
// is multikey, else by reading the arrays (json_each).
func (t *translator) anyElement(path string, vals []any) (string, error) {
	array, within, _ := t.s.inArray(path)
	marks := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		arg, err := sqlValue(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		args[i] = arg
		marks[i] = "?"
	}
	in := strings.Join(marks, ", ")
	if t.s.multikey[path] {
		t.multikey = true
		t.args = append(append(t.args, t.table, path), args...)
		return fmt.Sprintf("%s IN (SELECT id FROM %s WHERE tbl = ? AND path = ? AND value IN (%s))",
			idPushdown, quote(multikeyTable), in), nil
	}
	t.args = append(t.args, args...)
	elem := "j.atom"
	if within != "" {
		elem = fmt.Sprintf("(CASE WHEN j.type = 'object' THEN json_extract(j.value, %s) END)", literal(jsonPath(within)))
	}
	return fmt.Sprintf("EXISTS (SELECT 1 FROM json_each(%s, %s) AS j WHERE %s IN (%s))",
		docColumn, literal(jsonPath(array)), elem, in), nil
}

// orderBy translates a sort, with _id last so ties come out in one
// order every time.
func (t *translator) orderBy(sort bson.D) (string, error) {
	parts := make([]string, 0, len(sort)+1)
	hasID := false
	for _, e := range sort {
		if err := checkPath(e.Key); err != nil {
			return "", err
		}
		if _, _, ok := t.s.inArray(e.Key); ok {
			return "", unsupported("sort by array path %s", e.Key)
		}
		dir, err := sqlValue(e.Value)
		if err != nil || (dir != int64(1) && dir != int64(-1)) {
			return "", unsupported("sort direction %v", e.Value)
		}
		p := valueExpr(docColumn, e.Key)
		if dir == int64(-1) {
			p += " DESC"
		}
		parts = append(parts, p)
		hasID = hasID || e.Key == "_id"
	}
	if !hasID {
		parts = append(parts, valueExpr(docColumn, "_id"))
	}
	return " ORDER BY " + strings.Join(parts, ", "), nil
}

func list(v any) ([]any, error) {
	switch l := v.(type) {
	case bson.A:
		return l, nil
	case []any:
		return l, nil
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, nil
	}
	return nil, unsupported("$in of %T", v)
}

// sqlValue is v as the SQL value valueExpr yields for it.
func sqlValue(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case int:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	case float64:
		return v, nil
	case time.Time:
		return v.UnixMilli(), nil
	case bson.DateTime:
		return int64(v), nil
	}
	return nil, unsupported("value of %T", v)
}
