package mongo

import (
	"bytes"
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// Verification (Options.VerifyEmbeddedQueries, for tests): every answer
// of the SQL read path is compared with FerretDB's answer to the same
// query (filter, sort then _id, limit, projection), document by document
// and byte by byte. Writes go on meanwhile, so FerretDB is asked before
// and after SQL: an SQL answer equal to either is right; when those two
// are equal and SQL differs, SQL is wrong; when they differ, the data
// moved under the reads and it is all asked again, a few times, before
// the check is given up as undecidable (and the SQL answer used).
// Queries that come while one is verified are not (see verified).

const verifyTries = 8

func verified[T any](c *collection, ctx context.Context, filter bson.D, sql, ferret func() (T, error),
	equal func(a, b T) bool, show func(T) string) (T, error) {
	var zero T
	// One query is verified at a time; one that comes meanwhile has SQL's
	// answer alone. Verifying reads FerretDB twice, often the whole
	// collection, and verifying all of a crowd's queries held every
	// connection of the pool for seconds: requests queued behind them
	// timed out (CI's 10,000 holds).
	if !c.emb.verifying.TryLock() {
		return sql()
	}
	defer c.emb.verifying.Unlock()
	for range verifyTries {
		before, err := ferret()
		if err != nil {
			return zero, fmt.Errorf("mongo: verify %s: %w", c.name, err)
		}
		got, err := sql()
		if err != nil {
			return zero, err
		}
		after, err := ferret()
		if err != nil {
			return zero, fmt.Errorf("mongo: verify %s: %w", c.name, err)
		}
		switch {
		case equal(got, before) || equal(got, after):
			return got, nil
		case equal(before, after):
			return zero, fmt.Errorf("mongo: the embedded store's SQL answers %s on %s %v where FerretDB answers %s",
				show(got), c.name, filter, show(before))
		}
	}
	got, err := sql()
	c.emb.log.Warn("embedded store: a query could not be verified while its documents kept changing",
		"collection", c.name, "filter", shapeOf(filter))
	return got, err
}

func (c *collection) verifiedDocs(ctx context.Context, f *ferretsql.DB, q ferretsql.Query) ([]bson.Raw, error) {
	return verified(c, ctx, q.Filter,
		func() ([]bson.Raw, error) { return c.sqlDocs(ctx, f, q) },
		func() ([]bson.Raw, error) { return c.ferretDocs(ctx, q) },
		sameDocs, func(docs []bson.Raw) string { return fmt.Sprint(ids(docs)) })
}

func (c *collection) ferretDocs(ctx context.Context, q ferretsql.Query) ([]bson.Raw, error) {
	full := append(bson.D{}, q.Sort...)
	hasID := false
	for _, e := range q.Sort {
		hasID = hasID || e.Key == "_id"
	}
	if !hasID {
		full = append(full, bson.E{Key: "_id", Value: 1})
	}
	opts := options.Find().SetSort(full).SetLimit(q.Limit)
	if len(q.Projection) > 0 {
		opts.SetProjection(q.Projection)
	}
	cur, err := c.c.Find(ctx, q.Filter, opts)
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	var docs []bson.Raw
	for cur.Next(ctx) {
		docs = append(docs, append(bson.Raw(nil), cur.Current...))
	}
	return docs, cur.Err()
}

func sameDocs(a, b []bson.Raw) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func ids(docs []bson.Raw) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Lookup("_id").String()
	}
	return out
}
