package mongo

import (
	"context"
	"fmt"
	"time"

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
	// The record's outbox.
	PendingEvents []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
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
	// ExpiresAt ends a one-time authorization.
	ExpiresAt *time.Time `bson:"expiresAt,omitempty"`
}

func toChildDoc(c child.Child, version int64) childDoc {
	pickups := make([]pickupDoc, len(c.PickupPersons))
	for i, p := range c.PickupPersons {
		pickups[i] = pickupDoc{ID: p.ID, Name: p.Name, Relation: p.Relation, Phone: p.Phone.String(),
			IDLast4: p.IDLast4, PhotoRef: p.PhotoRef, AddedBy: p.AddedBy, AddedAt: p.AddedAt, ExpiresAt: optTime(p.ExpiresAt)}
	}
	p := c.Profile
	return childDoc{ID: c.ID, FamilyID: c.FamilyID,
		Profile: childProfileDoc{Name: p.Name, BirthDate: dateString(p.BirthDate), Gender: string(p.Gender),
			Allergies: p.Allergies, HealthNotes: p.HealthNotes},
		PickupPersons: pickups, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, Version: version,
		PendingEvents: toEventDocs(c.Events), OutboxSince: outboxSince(c.Events)}
}

func (d childDoc) child() (child.Child, error) {
	var dates dateParser
	pickups := make([]child.PickupPerson, len(d.PickupPersons))
	for i, p := range d.PickupPersons {
		pickups[i] = child.PickupPerson{ID: p.ID, Name: p.Name, Relation: p.Relation, Phone: identity.Phone(p.Phone),
			IDLast4: p.IDLast4, PhotoRef: p.PhotoRef, AddedBy: p.AddedBy, AddedAt: p.AddedAt.UTC(),
			ExpiresAt: fromOptTime(p.ExpiresAt)}
	}
	p := d.Profile
	c := child.Child{ID: d.ID, FamilyID: d.FamilyID,
		Profile: child.Profile{Name: p.Name, BirthDate: dates.parse(p.BirthDate), Gender: child.Gender(p.Gender),
			Allergies: p.Allergies, HealthNotes: p.HealthNotes},
		PickupPersons: pickups, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), Events: fromEventDocs(d.PendingEvents)}
	if dates.err != nil {
		return child.Child{}, fmt.Errorf("mongo: child %s: %w", d.ID, dates.err)
	}
	return c, nil
}

// Children implements the child store, one document per child.
type Children struct {
	r familyRecords[child.Child, childDoc]
}

func (s *Store) Children() *Children {
	return &Children{r: familyRecords[child.Child, childDoc]{
		coll: s.collection(childrenColl), guard: s.guard, bell: s.bell, name: "child", notFound: child.ErrNotFound,
		toDoc: toChildDoc, fromDoc: childDoc.child,
		keys:    func(e child.Child) (string, string) { return e.ID, e.FamilyID },
		docKeys: func(d childDoc) (string, string, int64) { return d.ID, d.FamilyID, d.Version },
	}}
}

func (s *Children) Create(ctx context.Context, e child.Child) error { return s.r.create(ctx, e) }

// Get returns child.ErrNotFound for an unknown id.
func (s *Children) Get(ctx context.Context, id string) (child.Child, error) { return s.r.get(ctx, id) }

// Update may not change the id or the family: a record never moves.
func (s *Children) Update(ctx context.Context, id string, fn func(*child.Child) error) (child.Child, error) {
	return s.r.update(ctx, id, fn)
}

// Delete returns child.ErrNotFound when there was no such child.
func (s *Children) Delete(ctx context.Context, id string) error { return s.r.delete(ctx, id) }

// ListByFamily pages through a family's records in id order.
func (s *Children) ListByFamily(ctx context.Context, familyID string, p page.Request) ([]child.Child, bool, error) {
	return s.r.listByFamily(ctx, familyID, p)
}

func (s *Children) DeleteByFamily(ctx context.Context, familyID string) error {
	return s.r.deleteByFamily(ctx, familyID)
}

func (d childDoc) pendingEvents() int { return len(d.PendingEvents) }
