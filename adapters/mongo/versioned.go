package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// versionedUpdate is how every aggregate is changed: load the document,
// let the domain change the value (apply), and write it back only if
// nobody wrote since (the version filter); a lost race backs off,
// reloads and applies again. apply
// returns the changed value and the version it was read at; its errors
// come back unchanged.
func versionedUpdate[E, D any](ctx context.Context, coll *collection, guard *writeGuard, bell *outboxBell,
	name, id string,
	find func(context.Context, string) (D, error),
	apply func(D) (E, int64, error),
	store func(E, int64) D,
) (E, error) {
	var zero E
	for attempt := range maxUpdateTries {
		start := time.Now()
		e, matched, err := versionedTry(ctx, coll, guard, bell, name, id, find, apply, store)
		if err != nil || matched {
			return e, err
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return zero, fmt.Errorf("mongo: update %s: %w", name, err)
		}
	}
	return zero, fmt.Errorf("update %s %s: %w", name, id, errConflict)
}

// versionedTry is one load, apply and conditional write. Under the
// embedded store's guard the whole try holds the document's lock: the
// process owns the database, so contenders queue for the lock instead of
// all loading the same version and all but one writing in vain (200
// caregivers accepting one order made 199 wasted writes a round). Apply
// functions change values only, so holding the lock through them
// cannot deadlock.
func versionedTry[E, D any](ctx context.Context, coll *collection, guard *writeGuard, bell *outboxBell,
	name, id string,
	find func(context.Context, string) (D, error),
	apply func(D) (E, int64, error),
	store func(E, int64) D,
) (E, bool, error) {
	var zero E
	ctx, unlock := guard.lock(ctx, coll.Name(), id) // a no-op against MongoDB
	defer unlock()
	d, err := find(ctx, id)
	if err != nil {
		return zero, false, err
	}
	e, version, err := apply(d)
	if err != nil {
		return zero, false, err
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
	if guard.on {
		// Held since the load, the lock is the version check; and
		// FerretDB finds a document by _id alone through its pushdown
		// (and ferretsql's index) but decodes the whole collection for
		// any other filter (measured: accepting an order among 1,700
		// took 90 ms, most of it that).
		filter = filter[:1]
	}
	doc := store(e, version+1)
	res, err := coll.ReplaceOne(ctx, filter, doc)
	if err != nil {
		return zero, false, fmt.Errorf("mongo: update %s: %w", name, err)
	}
	if res.MatchedCount != 1 {
		return e, false, nil
	}
	if o, ok := any(doc).(carriesEvents); ok && o.pendingEvents() > 0 {
		bell.ring(coll.Name(), id)
	}
	return e, true, nil
}

// carriesEvents is a document with an outbox: writing one with pending
// events rings the relay.
type carriesEvents interface{ pendingEvents() int }
