package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// cursor reads a find's documents: the driver's cursor against MongoDB
// (and for what FerretDB answers), SQL rows from ferretsql on the
// embedded store, or documents already read (when verifying).
type cursor struct {
	mc   *mongo.Cursor
	rows *ferretsql.Rows
	docs []bson.Raw
	cur  bson.Raw
	err  error
}

// Next moves to the next document.
func (c *cursor) Next(ctx context.Context) bool {
	if c.mc != nil {
		return c.mc.Next(ctx)
	}
	// Rows are read one by one from SQLite: a walk must stop when its
	// context ends, as the driver's cursor stops at its next batch.
	if err := ctx.Err(); err != nil {
		c.err = err
		return false
	}
	switch {
	case c.rows != nil:
		if !c.rows.Next() {
			return false
		}
		c.cur = c.rows.Doc()
		return true
	case len(c.docs) > 0:
		c.cur, c.docs = c.docs[0], c.docs[1:]
		return true
	}
	return false
}

// Decode decodes the current document into v.
func (c *cursor) Decode(v any) error {
	if c.mc != nil {
		return c.mc.Decode(v)
	}
	if err := bson.Unmarshal(c.cur, v); err != nil {
		return fmt.Errorf("mongo: decode: %w", err)
	}
	return nil
}

// Err is the error that stopped Next.
func (c *cursor) Err() error {
	switch {
	case c.err != nil:
		return c.err
	case c.mc != nil:
		return c.mc.Err()
	case c.rows != nil:
		return c.rows.Err()
	}
	return nil
}

// Close releases the cursor.
func (c *cursor) Close(ctx context.Context) error {
	switch {
	case c.mc != nil:
		return c.mc.Close(ctx)
	case c.rows != nil:
		return c.rows.Close()
	}
	return nil
}

// All decodes every remaining document into results, a pointer to a
// slice, as the driver's All does, and closes the cursor.
func (c *cursor) All(ctx context.Context, results any) error {
	if c.mc != nil {
		return c.mc.All(ctx, results)
	}
	docs := c.docs
	if c.rows != nil {
		var err error
		if docs, err = collect(c.rows); err != nil {
			return fmt.Errorf("mongo: read: %w", err)
		}
	}
	all := make([]any, len(docs))
	for i, d := range docs {
		all[i] = d
	}
	mc, err := mongo.NewCursorFromDocuments(all, nil, nil)
	if err != nil {
		return err
	}
	return mc.All(ctx, results)
}
