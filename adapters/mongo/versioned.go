package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// versionedUpdate is how every aggregate is changed: load the document,
// let the domain change the value (apply), and write it back only if
// nobody wrote since (the version filter), under the embedded store's
// write guard; a lost race backs off, reloads and applies again. apply
// returns the changed value and the version it was read at; its errors
// come back unchanged.
func versionedUpdate[E, D any](ctx context.Context, coll *mongo.Collection, guard *writeGuard, name, id string,
	find func(context.Context, string) (D, error),
	apply func(D) (E, int64, error),
	store func(E, int64) D,
) (E, error) {
	var zero E
	for attempt := range maxUpdateTries {
		start := time.Now()
		d, err := find(ctx, id)
		if err != nil {
			return zero, err
		}
		e, version, err := apply(d)
		if err != nil {
			return zero, err
		}
		unlock := guard.lock(coll.Name(), id)
		res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}},
			store(e, version+1))
		unlock()
		if err != nil {
			return zero, fmt.Errorf("mongo: update %s: %w", name, err)
		}
		if res.MatchedCount == 1 {
			return e, nil
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return zero, fmt.Errorf("mongo: update %s: %w", name, err)
		}
	}
	return zero, fmt.Errorf("update %s %s: %w", name, id, errConflict)
}
