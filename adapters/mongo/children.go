package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/identity"
)

const childrenColl = "children"

type childDoc struct {
	ID            string          `bson:"_id"`
	FamilyID      string          `bson:"familyId"`
	Profile       childProfileDoc `bson:"profile"`
	PickupPersons []pickupDoc     `bson:"pickupPersons"`
	CreatedBy     string          `bson:"createdBy"`
	CreatedAt     time.Time       `bson:"createdAt"`
	Version       int64           `bson:"version"`
}

type childProfileDoc struct {
	Name        string `bson:"name"`
	BirthDate   string `bson:"birthDate"` // YYYY-MM-DD
	Gender      string `bson:"gender"`
	Allergies   string `bson:"allergies"`
	HealthNotes string `bson:"healthNotes"`
}

type pickupDoc struct {
	ID       string    `bson:"id"`
	Name     string    `bson:"name"`
	Relation string    `bson:"relation"`
	Phone    string    `bson:"phone"`
	IDLast4  string    `bson:"idLast4"`
	PhotoRef string    `bson:"photoRef"`
	AddedBy  string    `bson:"addedBy"`
	AddedAt  time.Time `bson:"addedAt"`
}

func toChildDoc(c child.Child, version int64) childDoc {
	pickups := make([]pickupDoc, len(c.PickupPersons))
	for i, p := range c.PickupPersons {
		pickups[i] = pickupDoc{ID: p.ID, Name: p.Name, Relation: p.Relation, Phone: p.Phone.String(),
			IDLast4: p.IDLast4, PhotoRef: p.PhotoRef, AddedBy: p.AddedBy, AddedAt: p.AddedAt}
	}
	p := c.Profile
	return childDoc{ID: c.ID, FamilyID: c.FamilyID,
		Profile: childProfileDoc{Name: p.Name, BirthDate: dateString(p.BirthDate), Gender: string(p.Gender),
			Allergies: p.Allergies, HealthNotes: p.HealthNotes},
		PickupPersons: pickups, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, Version: version}
}

func (d childDoc) child() (child.Child, error) {
	var dates dateParser
	pickups := make([]child.PickupPerson, len(d.PickupPersons))
	for i, p := range d.PickupPersons {
		pickups[i] = child.PickupPerson{ID: p.ID, Name: p.Name, Relation: p.Relation, Phone: identity.Phone(p.Phone),
			IDLast4: p.IDLast4, PhotoRef: p.PhotoRef, AddedBy: p.AddedBy, AddedAt: p.AddedAt.UTC()}
	}
	p := d.Profile
	c := child.Child{ID: d.ID, FamilyID: d.FamilyID,
		Profile: child.Profile{Name: p.Name, BirthDate: dates.parse(p.BirthDate), Gender: child.Gender(p.Gender),
			Allergies: p.Allergies, HealthNotes: p.HealthNotes},
		PickupPersons: pickups, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
	if dates.err != nil {
		return child.Child{}, fmt.Errorf("mongo: child %s: %w", d.ID, dates.err)
	}
	return c, nil
}

// Children implements children.Store: a child and their pickup persons
// are one document.
type Children struct {
	coll  *mongo.Collection
	guard *writeGuard
}

func (s *Store) Children() *Children {
	return &Children{coll: s.db.Collection(childrenColl), guard: s.guard}
}

func (r *Children) Create(ctx context.Context, c child.Child) error {
	if _, err := r.coll.InsertOne(ctx, toChildDoc(c, 1)); err != nil {
		return fmt.Errorf("mongo: insert child: %w", err)
	}
	return nil
}

func (r *Children) Get(ctx context.Context, id string) (child.Child, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return child.Child{}, err
	}
	return d.child()
}

func (r *Children) find(ctx context.Context, id string) (childDoc, error) {
	var d childDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, child.ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("mongo: find child: %w", err)
	}
	return d, nil
}

// Update is optimistic like Families.Update. fn may not change the id or
// the family.
func (r *Children) Update(ctx context.Context, id string, fn func(*child.Child) error) (child.Child, error) {
	for attempt := range maxUpdateTries {
		start := time.Now()
		d, err := r.find(ctx, id)
		if err != nil {
			return child.Child{}, err
		}
		c, err := d.child()
		if err != nil {
			return child.Child{}, err
		}
		if err := fn(&c); err != nil {
			return child.Child{}, err
		}
		if c.ID != d.ID || c.FamilyID != d.FamilyID {
			return child.Child{}, fmt.Errorf("mongo: update child %s: id or family changed", id)
		}
		unlock := r.guard.lock(childrenColl, id)
		res, err := r.coll.ReplaceOne(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "version", Value: d.Version}},
			toChildDoc(c, d.Version+1))
		unlock()
		if err != nil {
			return child.Child{}, fmt.Errorf("mongo: update child: %w", err)
		}
		if res.MatchedCount == 1 {
			return c, nil
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return child.Child{}, fmt.Errorf("mongo: update child: %w", err)
		}
	}
	return child.Child{}, fmt.Errorf("update child %s: %w", id, errConflict)
}

// Delete returns child.ErrNotFound when there was no such child.
func (r *Children) Delete(ctx context.Context, id string) error {
	defer r.guard.lock(childrenColl, id)()
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("mongo: delete child: %w", err)
	}
	if res.DeletedCount == 0 {
		return child.ErrNotFound
	}
	return nil
}

// ListByFamily pages through a family's children in id order.
func (r *Children) ListByFamily(ctx context.Context, familyID string, p page.Request) ([]child.Child, bool, error) {
	docs, more, err := findPage[childDoc](ctx, r.coll, familyID, p, 1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: list children: %w", err)
	}
	out := make([]child.Child, len(docs))
	for i, d := range docs {
		if out[i], err = d.child(); err != nil {
			return nil, false, err
		}
	}
	return out, more, nil
}

func (r *Children) DeleteByFamily(ctx context.Context, familyID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "familyId", Value: familyID}}); err != nil {
		return fmt.Errorf("mongo: delete family children: %w", err)
	}
	return nil
}
