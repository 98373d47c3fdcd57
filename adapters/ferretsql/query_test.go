package ferretsql_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// Every BSON type FerretDB stores comes back from the SQL read path as
// the very bytes FerretDB sends for it: the decoder reads FerretDB's
// storage format exactly (an upgrade that changes it fails here).
// calendar-safe: the dates are data stored and read back, never compared
// with a clock.
func TestDecodeMatchesFerretDB(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	at := time.Date(2026, 12, 2, 9, 30, 15, 123_000_000, time.UTC)
	docs := []any{
		bson.D{{Key: "_id", Value: "everything"},
			{Key: "s", Value: "王秀兰 <script>&\u2028\"quoted\"\\ \t\n"},
			{Key: "i32", Value: int32(-7)}, {Key: "i64", Value: int64(1) << 53},
			{Key: "f", Value: 3.25}, {Key: "whole", Value: 2.0}, {Key: "tiny", Value: 1e-300},
			{Key: "neg0", Value: math.Copysign(0, -1)}, {Key: "big", Value: math.MaxFloat64},
			{Key: "t", Value: true}, {Key: "no", Value: false}, {Key: "date", Value: at},
			{Key: "old", Value: time.Date(1921, 1, 1, 0, 0, 0, 0, time.UTC)},
			{Key: "nil", Value: nil}, {Key: "bin", Value: bson.Binary{Subtype: 0, Data: []byte{0, 1, 2, 255}}},
			{Key: "uuid", Value: bson.Binary{Subtype: 4, Data: bytes.Repeat([]byte{7}, 16)}},
			{Key: "empty", Value: []byte{}},
			{Key: "oid", Value: bson.NewObjectID()}, {Key: "re", Value: bson.Regex{Pattern: "^a.c$", Options: "i"}},
			{Key: "ts", Value: bson.Timestamp{T: 1_700_000_000, I: 3}},
			{Key: "doc", Value: bson.D{{Key: "z", Value: 1}, {Key: "a", Value: bson.D{{Key: "deep", Value: "x"}}}}},
			{Key: "emptyDoc", Value: bson.D{}}, {Key: "emptyArr", Value: bson.A{}},
			{Key: "mixed", Value: bson.A{"a", int32(1), int64(2), 2.5, nil, true, at,
				bson.D{{Key: "k", Value: "v"}}}},
		},
		bson.D{{Key: "_id", Value: "plain"}, {Key: "n", Value: int32(1)}},
	}
	f.insert(t, "all", docs...)
	d := f.open(t)
	for _, id := range []string{"everything", "plain"} {
		want, err := f.db.Collection("all").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := d.Find(ctx, "all", ferretsql.Query{Filter: bson.D{{Key: "_id", Value: id}}})
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatalf("%s: no row (%v)", id, rows.Err())
		}
		if got := rows.Doc(); !bytes.Equal(got, want) {
			t.Fatalf("%s decoded differently:\n got %s\nwant %s", id, got, want)
		}
		_ = rows.Close()
	}
}

// The SQL read path answers every filter of the subset as FerretDB
// itself does, over documents built to tell the cases apart.
// calendar-safe: the dates are data both sides compare, never a clock.
func TestFiltersAnswerAsFerretDBDoes(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var docs []any
	for i := range 40 {
		d := bson.D{{Key: "_id", Value: fmt.Sprintf("o-%02d", i)},
			{Key: "familyId", Value: fmt.Sprintf("f-%d", i%4)},
			{Key: "status", Value: []string{"created", "offered", "accepted", "completed", "cancelled"}[i%5]},
			{Key: "n", Value: int64(i % 7)},
			{Key: "score", Value: float64(i) / 4},
			{Key: "window", Value: bson.D{{Key: "start", Value: base.Add(time.Duration(i) * time.Hour)}}},
			{Key: "offeredTo", Value: bson.A{fmt.Sprintf("cg-%d", i%3), fmt.Sprintf("cg-%d", (i+1)%3)}},
			{Key: "members", Value: bson.A{bson.D{{Key: "userId", Value: fmt.Sprintf("u-%d", i%5)}, {Key: "role", Value: "owner"}},
				bson.D{{Key: "userId", Value: fmt.Sprintf("u-%d", (i+2)%5)}}}},
		}
		if i%3 == 0 {
			d = append(d, bson.E{Key: "outboxSince", Value: base.Add(time.Duration(40-i) * time.Minute)})
		}
		if i%4 == 0 {
			d = append(d, bson.E{Key: "waiting", Value: true})
		}
		if i%10 == 0 {
			d = append(d, bson.E{Key: "tags", Value: bson.A{}})
		}
		docs = append(docs, d)
	}
	f.insert(t, "orders", docs...)
	f.insert(t, "orders", bson.D{{Key: "_id", Value: "scalar"}, {Key: "offeredTo", Value: "cg-9"},
		{Key: "members", Value: bson.A{"not a document", bson.D{{Key: "userId", Value: "u-9"}}}}})
	d := f.open(t)
	spec := ferretsql.Spec{
		Indexes: []ferretsql.Index{
			{Name: "family_id", Keys: []ferretsql.Key{{Path: "familyId"}, {Path: "_id", Desc: true}}},
			{Name: "status", Keys: []ferretsql.Key{{Path: "status"}, {Path: "_id", Desc: true}}},
			{Name: "outbox", Keys: []ferretsql.Key{{Path: "outboxSince"}}},
		},
		Arrays:   []string{"offeredTo", "members", "tags"},
		Multikey: []string{"offeredTo"},
	}
	if err := d.Ensure(ctx, map[string]ferretsql.Spec{"orders": spec}); err != nil {
		t.Fatal(err)
	}
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	cases := []struct {
		filter bson.D
		sort   bson.D
		limit  int64
	}{
		{filter: bson.D{}},
		{filter: bson.D{{Key: "familyId", Value: "f-1"}}, sort: bson.D{{Key: "_id", Value: -1}}, limit: 5},
		{filter: bson.D{{Key: "familyId", Value: "f-1"}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: "o-21"}}}},
			sort: bson.D{{Key: "_id", Value: -1}}, limit: 3},
		{filter: bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{"offered", "accepted"}}}}},
			sort: bson.D{{Key: "_id", Value: -1}}},
		{filter: bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{}}}}}},
		{filter: bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "cancelled"}}}, {Key: "n", Value: int64(3)}}},
		{filter: bson.D{{Key: "n", Value: bson.D{{Key: "$gte", Value: 2}, {Key: "$lt", Value: int32(5)}}}}},
		{filter: bson.D{{Key: "score", Value: bson.D{{Key: "$gt", Value: 2.5}}}, {Key: "score", Value: bson.D{{Key: "$lte", Value: 6}}}}},
		{filter: bson.D{{Key: "window.start", Value: bson.D{{Key: "$gte", Value: at(5)}, {Key: "$lt", Value: at(9)}}}},
			sort: bson.D{{Key: "window.start", Value: -1}}},
		{filter: bson.D{{Key: "outboxSince", Value: bson.D{{Key: "$exists", Value: true}}}},
			sort: bson.D{{Key: "outboxSince", Value: 1}}, limit: 4},
		{filter: bson.D{{Key: "outboxSince", Value: bson.D{{Key: "$exists", Value: false}}}}},
		{filter: bson.D{{Key: "waiting", Value: true}}},
		{filter: bson.D{{Key: "offeredTo", Value: "cg-1"}}, sort: bson.D{{Key: "_id", Value: 1}}},
		{filter: bson.D{{Key: "offeredTo", Value: "cg-9"}}},
		{filter: bson.D{{Key: "offeredTo", Value: "cg-2"}, {Key: "status", Value: "offered"}}},
		{filter: bson.D{{Key: "offeredTo", Value: bson.D{{Key: "$in", Value: bson.A{"cg-0", "cg-9"}}}}}},
		{filter: bson.D{{Key: "offeredTo", Value: bson.D{{Key: "$ne", Value: "cg-0"}}}}},
		{filter: bson.D{{Key: "members.userId", Value: "u-3"}}, sort: bson.D{{Key: "familyId", Value: 1}}},
		{filter: bson.D{{Key: "members.userId", Value: "u-9"}}},
		{filter: bson.D{{Key: "members", Value: bson.D{{Key: "$size", Value: 2}}}}},
		{filter: bson.D{{Key: "tags", Value: bson.D{{Key: "$size", Value: 0}}}}},
		{filter: bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "window.start", Value: bson.D{{Key: "$lt", Value: at(3)}}}},
			bson.D{{Key: "window.start", Value: at(3)}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: "o-03"}}}},
		}}}, sort: bson.D{{Key: "window.start", Value: -1}, {Key: "_id", Value: -1}}},
		{filter: bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"o-01", "o-07", "nope"}}}}}},
		{filter: bson.D{{Key: "_id", Value: "o-05"}, {Key: "status", Value: "created"}}},
		{filter: bson.D{{Key: "_id", Value: "o-05"}, {Key: "status", Value: "offered"}}},
		{filter: bson.D{{Key: "missing.field", Value: "x"}}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want := ferretFind(t, f, c.filter, c.sort, c.limit)
			rows, err := d.Find(ctx, "orders", ferretsql.Query{Filter: c.filter, Sort: c.sort, Limit: c.limit})
			if err != nil {
				t.Fatalf("%v: %v", c.filter, err)
			}
			var got []string
			for rows.Next() {
				got = append(got, rows.Doc().Lookup("_id").StringValue())
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%v sorted %v limit %d:\n SQL %v\nwant %v", c.filter, c.sort, c.limit, got, want)
			}
			n, err := d.Count(ctx, "orders", c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if all := ferretFind(t, f, c.filter, nil, 0); int(n) != len(all) {
				t.Fatalf("%v: Count %d, FerretDB finds %d", c.filter, n, len(all))
			}
		})
	}
	for _, bad := range []bson.D{
		{{Key: "status", Value: bson.D{{Key: "$regex", Value: "^c"}}}},
		{{Key: "window", Value: bson.D{{Key: "start", Value: at(1)}}}},
		{{Key: "offeredTo", Value: bson.D{{Key: "$gt", Value: "cg-1"}}}},
		{{Key: "$where", Value: "true"}},
		{{Key: "n", Value: bson.D{{Key: "$in", Value: "not a list"}}}},
	} {
		if _, err := d.Find(ctx, "orders", ferretsql.Query{Filter: bad}); !errors.Is(err, ferretsql.ErrUnsupported) {
			t.Fatalf("%v: %v; want ErrUnsupported", bad, err)
		}
	}
	if rows, err := d.Find(ctx, "no_such_collection", ferretsql.Query{Filter: bson.D{{Key: "x", Value: 1}}}); err != nil || rows.Next() {
		t.Fatalf("a missing collection: %v", err)
	}
}

// ferretFind asks FerretDB, with _id as the last sort key as the SQL
// path sorts.
func ferretFind(t *testing.T, f *ferret, filter, sort bson.D, limit int64) []string {
	t.Helper()
	full := append(bson.D{}, sort...)
	hasID := false
	for _, e := range sort {
		hasID = hasID || e.Key == "_id"
	}
	if !hasID {
		full = append(full, bson.E{Key: "_id", Value: 1})
	}
	cur, err := f.db.Collection("orders").Find(context.Background(), filter, options.Find().SetSort(full).SetLimit(limit))
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// Declared indexes are what SQLite uses: a family's page of orders is a
// search of its index in order, with no sort step, and a multikey
// equality reads the side table's index.
func TestQueriesUseTheDeclaredIndexes(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	for i := range 200 {
		f.insert(t, "orders", bson.D{{Key: "_id", Value: fmt.Sprintf("o-%03d", i)}, {Key: "familyId", Value: fmt.Sprintf("f-%d", i%20)},
			{Key: "offeredTo", Value: bson.A{fmt.Sprintf("cg-%d", i%7)}}})
	}
	d := f.open(t)
	if err := d.Ensure(ctx, map[string]ferretsql.Spec{"orders": {
		Indexes: []ferretsql.Index{{Name: "family_id", Keys: []ferretsql.Key{{Path: "familyId"}, {Path: "_id", Desc: true}}}},
		Arrays:  []string{"offeredTo"}, Multikey: []string{"offeredTo"},
	}}); err != nil {
		t.Fatal(err)
	}
	plan, err := d.Explain(ctx, "orders", ferretsql.Query{
		Filter: bson.D{{Key: "familyId", Value: "f-3"}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: "o-100"}}}},
		Sort:   bson.D{{Key: "_id", Value: -1}}, Limit: 21})
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Join(plan, "\n")
	if !strings.Contains(p, "SEARCH") || !strings.Contains(p, "family_id") || strings.Contains(p, "TEMP B-TREE") {
		t.Fatalf("a family's page:\n%s", p)
	}
	plan, err = d.Explain(ctx, "orders", ferretsql.Query{Filter: bson.D{{Key: "offeredTo", Value: "cg-3"}},
		Sort: bson.D{{Key: "_id", Value: -1}}, Limit: 21})
	if err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "_kincare_multikey_value") || strings.Contains(p, "SCAN orders") {
		t.Fatalf("a caregiver's offers:\n%s", p)
	}
}

// A sparse index's set paged through by _id (the ratings' recount, the
// ledger's reconciler) is read from its partial index in _id order: one
// page reads one page of rows, not the whole set, and sorts nothing.
func TestPagesOfASparseSetByIDUseItsPartialIndex(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	for i := range 200 {
		d := bson.D{{Key: "_id", Value: fmt.Sprintf("o-%03d", i)}, {Key: "providerId", Value: fmt.Sprintf("p-%d", i%5)}}
		if i%2 == 0 {
			d = append(d, bson.E{Key: "rating", Value: bson.D{{Key: "stars", Value: i % 5}, {Key: "at", Value: int64(1000 + i)}}})
		}
		f.insert(t, "orders", d)
	}
	d := f.open(t)
	if err := d.Ensure(ctx, map[string]ferretsql.Spec{"orders": {Indexes: []ferretsql.Index{
		{Name: "rated", Keys: []ferretsql.Key{{Path: "rating.at"}}, Sparse: true},
	}}}); err != nil {
		t.Fatal(err)
	}
	for _, present := range []bson.D{
		{{Key: "$exists", Value: true}},
		{{Key: "$lt", Value: int64(1150)}},
	} {
		q := ferretsql.Query{Filter: bson.D{{Key: "rating.at", Value: present}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: "o-050"}}}},
			Sort: bson.D{{Key: "_id", Value: 1}}, Limit: 10}
		plan, err := d.Explain(ctx, "orders", q)
		if err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, "SEARCH") || !strings.Contains(p, "rated_by_id") ||
			strings.Contains(p, "TEMP B-TREE") {
			t.Fatalf("rated orders after o-050, %v:\n%s", present, p)
		}
		rows, err := d.Find(ctx, "orders", q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			ids = append(ids, rows.Doc().Lookup("_id").StringValue())
		}
		_ = rows.Close()
		if got := strings.Join(ids, " "); got != "o-052 o-054 o-056 o-058 o-060 o-062 o-064 o-066 o-068 o-070" {
			t.Fatalf("rated orders after o-050, %v: %s (%v)", present, got, rows.Err())
		}
	}
}

// Projections come back as FerretDB's, byte for byte.
func TestProjectionsMatchFerretDB(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	f.insert(t, "complaints",
		bson.D{{Key: "_id", Value: "c1"}, {Key: "text", Value: "浴室没有清洁干净"}, {Key: "providerId", Value: "p1"},
			{Key: "reply", Value: bson.D{{Key: "text", Value: "抱歉"}, {Key: "by", Value: "u"}}},
			{Key: "pendingEvents", Value: bson.A{bson.D{{Key: "id", Value: "e1"}}}}, {Key: "version", Value: int64(2)}},
		bson.D{{Key: "_id", Value: "c2"}, {Key: "providerId", Value: "p1"}, {Key: "reply", Value: "scalar"},
			{Key: "decision", Value: bson.D{{Key: "text", Value: "x"}, {Key: "deep", Value: bson.D{{Key: "text", Value: 1}}}}}})
	d := f.open(t)
	for _, proj := range []bson.D{
		{{Key: "_id", Value: 1}},
		{{Key: "pendingEvents", Value: 1}},
		{{Key: "providerId", Value: 1}, {Key: "version", Value: true}, {Key: "missing", Value: 1}},
		{{Key: "providerId", Value: 1}, {Key: "_id", Value: 0}},
		{{Key: "text", Value: 0}, {Key: "reply.text", Value: 0}, {Key: "decision.text", Value: 0},
			{Key: "decision.deep.text", Value: 0}, {Key: "pendingEvents", Value: 0}},
	} {
		for _, id := range []string{"c1", "c2"} {
			want, err := f.db.Collection("complaints").FindOne(ctx, bson.D{{Key: "_id", Value: id}},
				options.FindOne().SetProjection(proj)).Raw()
			if err != nil {
				t.Fatal(err)
			}
			rows, err := d.Find(ctx, "complaints", ferretsql.Query{Filter: bson.D{{Key: "_id", Value: id}}, Projection: proj})
			if err != nil {
				t.Fatal(err)
			}
			if !rows.Next() {
				t.Fatalf("%v: %v", proj, rows.Err())
			}
			if got := rows.Doc(); !bytes.Equal(got, want) {
				t.Fatalf("%s projected by %v:\n got %s\nwant %s", id, proj, got, want)
			}
			_ = rows.Close()
		}
	}
	for _, bad := range []bson.D{{{Key: "a.b", Value: 1}}, {{Key: "a", Value: 1}, {Key: "b", Value: 0}}, {{Key: "a", Value: "x"}}} {
		if _, err := d.Find(ctx, "complaints", ferretsql.Query{Projection: bad}); !errors.Is(err, ferretsql.ErrUnsupported) {
			t.Fatalf("%v: %v", bad, err)
		}
	}
}
