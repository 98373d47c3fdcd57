package mongo

import (
	"context"
	"fmt"
	"reflect"

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
// slice, as the driver's All does (reusing the slice's elements, and
// setting its length to the documents read), and closes the cursor. On
// the embedded store each row is decoded as it is read: collecting the
// rows and handing them to the driver's cursor copied and re-encoded
// every document of a page first.
func (c *cursor) All(ctx context.Context, results any) error {
	if c.mc != nil {
		return c.mc.All(ctx, results)
	}
	defer func() { _ = c.Close(ctx) }()
	rv := reflect.ValueOf(results)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("mongo: All needs a pointer to a slice, not %T", results)
	}
	list := rv.Elem()
	n := 0
	for c.Next(ctx) {
		if n == list.Len() {
			list = reflect.Append(list, reflect.Zero(list.Type().Elem()))
		}
		if err := c.Decode(list.Index(n).Addr().Interface()); err != nil {
			return err
		}
		n++
	}
	if err := c.Err(); err != nil {
		return fmt.Errorf("mongo: read: %w", err)
	}
	rv.Elem().Set(list.Slice(0, n))
	return nil
}
