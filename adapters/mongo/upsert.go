package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// upsertVersioned is versionedUpdate for an aggregate that may not exist
// yet, whose id derives from what it is about (a provider's setup, a
// room's day, a child's month of reports): a missing one is started with
// fresh (nil: notFound comes back), changed by apply and inserted at
// version 1; of two inserting at once, one wins and the other applies
// again to what the first wrote. An existing one is loaded, changed and
// written back only if nobody wrote since, exactly as versionedUpdate.
func upsertVersioned[E, D any](ctx context.Context, coll *collection, guard *writeGuard, bell *outboxBell,
	name, id string, notFound error,
	find func(context.Context, string) (D, error),
	decode func(D) (E, int64, error),
	fresh func() E,
	apply func(E) error,
	store func(E, int64) D,
) (E, error) {
	var zero E
	for attempt := range maxUpdateTries {
		start := time.Now()
		e, done, err := upsertTry(ctx, coll, guard, bell, name, id, notFound, find, decode, fresh, apply, store)
		if err != nil || done {
			return e, err
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return zero, fmt.Errorf("mongo: update %s: %w", name, err)
		}
	}
	return zero, fmt.Errorf("update %s %s: %w", name, id, errConflict)
}

func upsertTry[E, D any](ctx context.Context, coll *collection, guard *writeGuard, bell *outboxBell,
	name, id string, notFound error,
	find func(context.Context, string) (D, error),
	decode func(D) (E, int64, error),
	fresh func() E,
	apply func(E) error,
	store func(E, int64) D,
) (E, bool, error) {
	var zero E
	ctx, unlock := guard.lock(ctx, coll.Name(), id) // a no-op against MongoDB
	defer unlock()
	d, err := find(ctx, id)
	if errors.Is(err, notFound) {
		if fresh == nil {
			return zero, false, notFound
		}
		e := fresh()
		if err := apply(e); err != nil {
			return zero, false, err
		}
		doc := store(e, 1)
		if _, err := coll.InsertOne(ctx, doc); mongo.IsDuplicateKeyError(err) {
			return zero, false, nil // another writer started it first: apply again to theirs
		} else if err != nil {
			return zero, false, fmt.Errorf("mongo: insert %s: %w", name, err)
		}
		ringIfEvents(bell, coll.Name(), id, doc)
		return e, true, nil
	}
	if err != nil {
		return zero, false, err
	}
	e, version, err := decode(d)
	if err != nil {
		return zero, false, err
	}
	if err := apply(e); err != nil {
		return zero, false, err
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
	if guard.on {
		filter = filter[:1] // held since the load, the lock is the version check (see versionedTry)
	}
	doc := store(e, version+1)
	res, err := coll.ReplaceOne(ctx, filter, doc)
	if err != nil {
		return zero, false, fmt.Errorf("mongo: update %s: %w", name, err)
	}
	if res.MatchedCount != 1 {
		return zero, false, nil
	}
	ringIfEvents(bell, coll.Name(), id, doc)
	return e, true, nil
}

func ringIfEvents(bell *outboxBell, coll, id string, doc any) {
	if o, ok := doc.(carriesEvents); ok && o.pendingEvents() > 0 {
		bell.ring(coll, id)
	}
}
