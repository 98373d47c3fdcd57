// Package mongo implements app's storage ports on MongoDB through
// mongo-driver v2. It relies only on what both MongoDB and FerretDB offer:
// single-document atomic updates, unique indexes, no transactions, no
// TTL indexes, no 2dsphere.
//
// Every collection is declared in collections (indexes.go) with the
// indexes its queries need; on the embedded store the same declaration
// gives FerretDB's SQLite files the indexes that answer those queries
// without reading every document (see collection.go and
// adapters/ferretsql). A new repository adds its collection there and
// uses Store.collection, never the driver's collection directly.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// Store is a connected database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	guard  *writeGuard
	bell   *outboxBell
	// deviceLists is the embedded store's device cache; nil otherwise.
	deviceLists *deviceLists
	// emb is the embedded store's SQL read path; nil against MongoDB.
	emb      *embeddedReads
	sqlFile  string
	database string
}

// Options fit a Store to its server.
type Options struct {
	Database string
	MaxPool  uint64
	// SerializeWrites is for the embedded FerretDB: see writeGuard.
	SerializeWrites bool
	// SQLiteDir is the embedded FerretDB's directory of SQLite files
	// (embedded.Mongo.Dir); with it, queries are answered through
	// indexes in those files (collection.go). Empty against MongoDB.
	SQLiteDir string
	// VerifyEmbeddedQueries compares every answer of that SQL path with
	// FerretDB's own and fails queries it cannot answer: for tests.
	VerifyEmbeddedQueries bool
	// Log receives the embedded store's warnings; nil discards them.
	Log *slog.Logger
}

// Connect opens a pool and waits until the server answers.
func Connect(ctx context.Context, uri string, o Options) (*Store, error) {
	opts := options.Client().ApplyURI(uri).
		SetMaxPoolSize(o.MaxPool).
		SetServerSelectionTimeout(10 * time.Second).
		SetAppName("kincare")
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	s := &Store{client: client, db: client.Database(o.Database), guard: newWriteGuard(o.SerializeWrites),
		bell: newOutboxBell(), database: o.Database}
	if o.SerializeWrites {
		s.deviceLists = newDeviceLists()
	}
	if o.SQLiteDir != "" {
		if !o.SerializeWrites {
			_ = client.Disconnect(context.Background())
			return nil, errors.New("mongo: the embedded store's SQL path needs SerializeWrites")
		}
		log := o.Log
		if log == nil {
			log = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		s.sqlFile = filepath.Join(o.SQLiteDir, o.Database+".sqlite")
		s.emb = &embeddedReads{guard: s.guard, log: log, verify: o.VerifyEmbeddedQueries,
			fellBack: map[string]bool{}, known: map[string]bool{}}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// Ping is the readiness check.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("mongo: ping: %w", err)
	}
	return nil
}

func (s *Store) Close(ctx context.Context) error {
	return errors.Join(s.closeSQL(), s.client.Disconnect(ctx))
}

func (s *Store) closeSQL() error {
	if s.emb == nil {
		return nil
	}
	s.emb.mu.Lock()
	defer s.emb.mu.Unlock()
	if s.emb.files == nil {
		return nil
	}
	err := s.emb.files.Close()
	s.emb.files = nil
	return err
}

// EnsureIndexes creates every collection and index kincare needs.
// Creating an existing index with the same definition is a no-op, so
// this runs at each start. On the embedded store it then opens the
// database's SQLite file and gives it the indexes the same declarations
// ask for there (ferretsql.Ensure), before any query needs them.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for coll, c := range collections {
		if err := s.db.CreateCollection(ctx, coll); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("mongo: create collection %s: %w", coll, err)
		}
		// One at a time: FerretDB 1.24 crashes the connection when one
		// createIndexes command re-creates several existing indexes.
		if s.emb != nil {
			if err := s.dropUnreadIndexes(ctx, coll); err != nil {
				return err
			}
		}
		for _, m := range c.indexes {
			if s.emb != nil && !isUnique(m) {
				continue // see dropUnreadIndexes
			}
			// The driver appends the index's name to the options builder
			// it is given: each call gets its own copy, so the declared
			// models neither grow nor race between stores in one process.
			if m.Options != nil {
				m.Options = &options.IndexOptionsBuilder{Opts: slices.Clone(m.Options.Opts)}
			}
			if _, err := s.db.Collection(coll).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("mongo: indexes on %s: %w", coll, err)
			}
		}
	}
	if s.emb == nil {
		return nil
	}
	files := s.emb.db()
	if files == nil {
		var err error
		if files, err = ferretsql.Open(s.sqlFile); err != nil {
			return fmt.Errorf("mongo: embedded store: %w", err)
		}
	}
	specs, err := embeddedSpecs()
	if err != nil {
		_ = files.Close()
		return err
	}
	start := time.Now()
	if err := files.Ensure(ctx, specs); err != nil {
		_ = files.Close()
		return fmt.Errorf("mongo: embedded store: %w", err)
	}
	s.emb.mu.Lock()
	s.emb.files = files
	s.emb.mu.Unlock()
	s.emb.log.Debug("embedded store indexed", "file", s.sqlFile, "took", time.Since(start).String())
	return nil
}

// dropUnreadIndexes drops from an embedded collection the indexes
// FerretDB made for MongoDB's non-unique index declarations, and
// EnsureIndexes no longer makes them there. FerretDB 1.24 reads none of
// them (it finds by _id alone; ferretsql's own indexes answer the rest),
// yet SQLite updated every one at every write: an order's write kept 18
// JSON expression indexes, 8 of them these. Unique indexes stay: they
// are the constraints.
func (s *Store) dropUnreadIndexes(ctx context.Context, coll string) error {
	specs, err := s.db.Collection(coll).Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongo: list indexes of %s: %w", coll, err)
	}
	for _, spec := range specs {
		if spec.Name == "_id_" || spec.Unique != nil && *spec.Unique {
			continue
		}
		if err := s.db.Collection(coll).Indexes().DropOne(ctx, spec.Name); err != nil {
			return fmt.Errorf("mongo: drop index %s of %s: %w", spec.Name, coll, err)
		}
	}
	return nil
}

func isUnique(m mongo.IndexModel) bool {
	if m.Options == nil {
		return false
	}
	var o options.IndexOptions
	for _, set := range m.Options.List() {
		if err := set(&o); err != nil {
			return false
		}
	}
	return o.Unique != nil && *o.Unique
}

// Empty reports whether no collection kincare declares holds a
// document.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	for name := range collections {
		err := s.collection(name).FindOne(ctx, bson.D{}).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("mongo: look into %s: %w", name, err)
		}
		return false, nil
	}
	return true, nil
}

// isNamespaceExists reports the error of creating a collection that exists.
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

// errConflict reports that a versioned write lost to a concurrent one.
var errConflict = errors.New("mongo: concurrent update")

// maxUpdateTries bounds the optimistic-concurrency retries of Update.
const maxUpdateTries = 8

// Drop deletes the whole database; tests use it to clean up. The SQL
// path's connections close first: FerretDB removes the file.
func (s *Store) Drop(ctx context.Context) error {
	return errors.Join(s.closeSQL(), s.db.Drop(ctx))
}
