package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/kincare/kincare/app/page"
)

// familyRecords is the storage elders and children share: one versioned
// document per record, owned for life by one family. E is the domain
// value, D its document.
type familyRecords[E any, D any] struct {
	coll     *collection
	guard    *writeGuard
	name     string // "elder", for messages
	notFound error
	toDoc    func(E, int64) D
	fromDoc  func(D) (E, error)
	// keys are a record's id and family, of the value and of the document.
	keys    func(E) (id, familyID string)
	docKeys func(D) (id, familyID string, version int64)
	bell    *outboxBell // rung by writes of documents with an outbox
}

func (r familyRecords[E, D]) create(ctx context.Context, e E) error {
	if _, err := r.coll.InsertOne(ctx, r.toDoc(e, 1)); err != nil {
		return fmt.Errorf("mongo: insert %s: %w", r.name, err)
	}
	return nil
}

func (r familyRecords[E, D]) find(ctx context.Context, id string) (D, error) {
	var d D
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, r.notFound
	}
	if err != nil {
		return d, fmt.Errorf("mongo: find %s: %w", r.name, err)
	}
	return d, nil
}

func (r familyRecords[E, D]) get(ctx context.Context, id string) (E, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		var zero E
		return zero, err
	}
	return r.fromDoc(d)
}

// update is optimistic like Families.Update. fn may not change the id or
// the family: a record never moves.
func (r familyRecords[E, D]) update(ctx context.Context, id string, fn func(*E) error) (E, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, r.name, id, r.find,
		func(d D) (E, int64, error) {
			var zero E
			e, err := r.fromDoc(d)
			if err != nil {
				return zero, 0, err
			}
			if err := fn(&e); err != nil {
				return zero, 0, err
			}
			docID, docFamily, version := r.docKeys(d)
			if gotID, gotFamily := r.keys(e); gotID != docID || gotFamily != docFamily {
				return zero, 0, fmt.Errorf("mongo: update %s %s: id or family changed", r.name, id)
			}
			return e, version, nil
		}, r.toDoc)
}

// delete reports notFound when there was no such record.
func (r familyRecords[E, D]) delete(ctx context.Context, id string) error {
	ctx, unlock := r.guard.lock(ctx, r.coll.Name(), id)
	defer unlock()
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("mongo: delete %s: %w", r.name, err)
	}
	if res.DeletedCount == 0 {
		return r.notFound
	}
	return nil
}

// listByFamily pages through a family's records in id order.
func (r familyRecords[E, D]) listByFamily(ctx context.Context, familyID string, p page.Request) ([]E, bool, error) {
	docs, more, err := findPage[D](ctx, r.coll, familyID, p, 1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: list %s: %w", r.name, err)
	}
	out := make([]E, len(docs))
	for i, d := range docs {
		if out[i], err = r.fromDoc(d); err != nil {
			return nil, false, err
		}
	}
	return out, more, nil
}

func (r familyRecords[E, D]) deleteByFamily(ctx context.Context, familyID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "familyId", Value: familyID}}); err != nil {
		return fmt.Errorf("mongo: delete family's %s records: %w", r.name, err)
	}
	return nil
}
