package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// findAll runs a query and turns each stored document D into the value
// E the port returns. what names the documents in errors.
func findAll[D, E any](ctx context.Context, coll *collection, what string, filter bson.D,
	opts *options.FindOptionsBuilder, conv func(D) E) ([]E, error) {
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: find %s: %w", what, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read %s: %w", what, err)
	}
	out := make([]E, len(docs))
	for i, d := range docs {
		out[i] = conv(d)
	}
	return out, nil
}

// findByID reads the document with _id id, or answers notFound.
func findByID[D any](ctx context.Context, coll *collection, id, what string, notFound error) (D, error) {
	var d D
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, notFound
	}
	if err != nil {
		return d, fmt.Errorf("mongo: find %s: %w", what, err)
	}
	return d, nil
}
