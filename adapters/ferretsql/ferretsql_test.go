package ferretsql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/ferretsql"
)

// ferret is an embedded FerretDB on a directory of its own, with a
// driver connected to it.
type ferret struct {
	dir    string
	server *embedded.Mongo
	client *mongo.Client
	db     *mongo.Database
}

func startFerret(t *testing.T, dir string) *ferret {
	t.Helper()
	m, err := embedded.StartMongo(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
	if err != nil {
		t.Fatal(err)
	}
	f := &ferret{dir: dir, server: m, client: c, db: c.Database("kc")}
	t.Cleanup(f.stop)
	return f
}

func (f *ferret) stop() {
	_ = f.client.Disconnect(context.Background())
	_ = f.server.Close(context.Background())
}

func (f *ferret) file() string { return filepath.Join(f.dir, "kc.sqlite") }

func (f *ferret) open(t *testing.T) *ferretsql.DB {
	t.Helper()
	d, err := ferretsql.Open(f.file())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func (f *ferret) insert(t *testing.T, coll string, docs ...any) {
	t.Helper()
	if _, err := f.db.Collection(coll).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// ferretPlan asks FerretDB itself, through its explain command, how
// SQLite runs its find by _id: the statement FerretDB really sends.
func ferretPlan(t *testing.T, db *mongo.Database, coll string) string {
	t.Helper()
	var res bson.M
	err := db.RunCommand(context.Background(), bson.D{{Key: "explain", Value: bson.D{
		{Key: "find", Value: coll}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "o-1"}}}}}}).Decode(&res)
	if err != nil {
		t.Fatal(err)
	}
	if res["filterPushdown"] != true {
		t.Fatalf("FerretDB no longer pushes {_id: <string>} down to SQL: %v", res)
	}
	return fmt.Sprint(res["queryPlanner"])
}

func TestFerretDBsLookupsByIDUseTheIndex(t *testing.T) {
	ctx := context.Background()
	f := startFerret(t, t.TempDir())
	for i := range 50 {
		f.insert(t, "orders", bson.D{{Key: "_id", Value: fmt.Sprintf("o-%d", i)}, {Key: "n", Value: i}})
	}
	d := f.open(t)

	before, err := d.ExplainByID(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(before, "\n"), "SCAN") {
		t.Fatalf("before Ensure FerretDB's lookup by _id should scan, the plan is %q", before)
	}
	if p := ferretPlan(t, f.db, "orders"); !strings.Contains(p, "SCAN") {
		t.Fatalf("FerretDB's explain before Ensure: %s", p)
	}
	if err := d.Ensure(ctx, nil); err != nil {
		t.Fatal(err)
	}
	after, err := d.ExplainByID(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if want := "SEARCH"; !strings.Contains(strings.Join(after, "\n"), want) ||
		!strings.Contains(strings.Join(after, "\n"), "_id_pushdown") {
		t.Fatalf("after Ensure the plan is %q; want a SEARCH using the _id index", after)
	}
	// FerretDB's own statement, as its explain command reports it, is
	// what uses the index: its pushdown expression is still the one the
	// index was made on. (Asked after a restart: an EXPLAIN never checks
	// the schema, so a connection that read it before the index existed
	// explains the old plan, while its queries, which do check, are
	// prepared again with the index.)
	_ = d.Close()
	f.stop()
	f = startFerret(t, f.dir)
	d = f.open(t)
	if p := ferretPlan(t, f.db, "orders"); !strings.Contains(p, "SEARCH") || !strings.Contains(p, "_id_pushdown") {
		t.Fatalf("FerretDB's explain after Ensure: %s", p)
	}

	// Idempotent: a second Ensure makes nothing twice.
	count := func() int {
		var n int
		if err := sqlCount(d, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE '\_kincare\_%' ESCAPE '\'`, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := count()
	if err := d.Ensure(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if count() != n {
		t.Fatalf("a second Ensure changed the indexes: %d, then %d", n, count())
	}
}

func sqlCount(d *ferretsql.DB, q string, n *int) error {
	plan, err := ferretsql.QueryInt(d, q)
	*n = plan
	return err
}

// The indexes and triggers are invisible to FerretDB and do not get in
// its way: its index list, index creation and removal, writes, dropping
// a collection or the database, and a restart on the same files.
func TestFerretDBKeepsWorking(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := startFerret(t, dir)
	f.insert(t, "families", bson.D{{Key: "_id", Value: "f1"}, {Key: "name", Value: "王家"},
		{Key: "members", Value: bson.A{bson.D{{Key: "userId", Value: "u1"}}}}})
	d := f.open(t)
	spec := map[string]ferretsql.Spec{"families": {
		Indexes:  []ferretsql.Index{{Name: "name", Keys: []ferretsql.Key{{Path: "name"}}}},
		Arrays:   []string{"members"},
		Multikey: []string{"members.userId"},
	}}
	if err := d.Ensure(ctx, spec); err != nil {
		t.Fatal(err)
	}
	coll := f.db.Collection("families")

	names := func() []string {
		specs, err := coll.Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range specs {
			out = append(out, s.Name)
		}
		slices.Sort(out)
		return out
	}
	if got := names(); !slices.Equal(got, []string{"_id_"}) {
		t.Fatalf("FerretDB lists %v", got)
	}
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}},
		Options: options.Index().SetName("by_name")}); err != nil {
		t.Fatal(err)
	}
	if err := coll.Indexes().DropOne(ctx, "by_name"); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "f1"}},
		bson.D{{Key: "$push", Value: bson.D{{Key: "members", Value: bson.D{{Key: "userId", Value: "u2"}}}}}}); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, d, "u2"); !slices.Equal(ids, []string{"f1"}) {
		t.Fatalf("after FerretDB's update the side table finds %v", ids)
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: "f1"}}); err != nil {
		t.Fatal(err)
	}
	if ids := members(t, d, "u2"); len(ids) != 0 {
		t.Fatalf("after FerretDB's delete the side table finds %v", ids)
	}

	// Dropping the collection takes its indexes and triggers along; the
	// side rows left behind are not read: the next query finds no
	// triggers, and rebuilds them from the documents.
	f.insert(t, "families", bson.D{{Key: "_id", Value: "f2"}, {Key: "members", Value: bson.A{bson.D{{Key: "userId", Value: "u3"}}}}})
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	f.insert(t, "families", bson.D{{Key: "_id", Value: "f3"}, {Key: "members", Value: bson.A{bson.D{{Key: "userId", Value: "u3"}}}}})
	if ids := members(t, d, "u3"); !slices.Equal(ids, []string{"f3"}) {
		t.Fatalf("after a drop and a new insert the side table finds %v", ids)
	}
	f.insert(t, "families", bson.D{{Key: "_id", Value: "f4"}, {Key: "members", Value: bson.A{bson.D{{Key: "userId", Value: "u3"}}}}})
	if ids := members(t, d, "u3"); !slices.Equal(ids, []string{"f3", "f4"}) {
		t.Fatalf("the re-created table's triggers keep the side table: %v", ids)
	}

	// A restart on the same files: FerretDB reads its metadata, not
	// ours, and our indexes are still there and used.
	_ = d.Close()
	f.stop()
	f = startFerret(t, dir)
	var got bson.M
	if err := f.db.Collection("families").FindOne(ctx, bson.D{{Key: "_id", Value: "f3"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	d = f.open(t)
	if err := d.Ensure(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if plan, _ := d.ExplainByID(ctx, "families"); !strings.Contains(strings.Join(plan, " "), "_id_pushdown") {
		t.Fatalf("after a restart: %v", plan)
	}
	if ids := members(t, d, "u3"); !slices.Equal(ids, []string{"f3", "f4"}) {
		t.Fatalf("after a restart the side table finds %v", ids)
	}
	_ = d.Close()
	if err := f.db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.file()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("FerretDB did not remove the dropped database's file: %v", err)
	}
}

func members(t *testing.T, d *ferretsql.DB, user string) []string {
	t.Helper()
	ids, err := d.IDs(context.Background(), "families", bson.D{{Key: "members.userId", Value: user}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestCheckRefusesWhatIsNotFerretDBs(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.sqlite")
	if err := os.WriteFile(garbage, []byte("this is not a database at all, not even close"), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.sqlite")
	db, err := sql.Open("sqlite", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes (text TEXT)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	for _, path := range []string{garbage, foreign, filepath.Join(dir, "missing.sqlite")} {
		err := ferretsql.Check(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("Check(%s) = %v; want an error naming the file", path, err)
		}
		if !strings.HasSuffix(path, "missing.sqlite") && !errors.Is(err, ferretsql.ErrNotFerretDB) {
			t.Fatalf("Check(%s) = %v; want ErrNotFerretDB", path, err)
		}
	}
}
