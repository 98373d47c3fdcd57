package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
)

const auditColl = "audit"

// maxActorEntries bounds what ListByActor returns: a data export lists a
// user's accesses, and nobody makes this many.
const maxActorEntries = 10_000

type auditDoc struct {
	ID         string    `bson:"_id"` // UUIDv7: id order is time order
	FamilyID   string    `bson:"familyId"`
	ActorID    string    `bson:"actorId"`
	Action     string    `bson:"action"`
	Resource   string    `bson:"resource"`
	ResourceID string    `bson:"resourceId"`
	RequestID  string    `bson:"requestId"`
	At         time.Time `bson:"at"`
}

func toAuditDoc(e audit.Entry) auditDoc {
	return auditDoc{ID: e.ID, FamilyID: e.FamilyID, ActorID: e.ActorID, Action: string(e.Action),
		Resource: e.Resource, ResourceID: e.ResourceID, RequestID: e.RequestID, At: e.At}
}

func (d auditDoc) entry() audit.Entry {
	return audit.Entry{ID: d.ID, FamilyID: d.FamilyID, ActorID: d.ActorID, Action: audit.Action(d.Action),
		Resource: d.Resource, ResourceID: d.ResourceID, RequestID: d.RequestID, At: d.At.UTC()}
}

// Audit implements privacy.AuditLog (and the Record ports of families,
// elders and children). Entries are never changed, only added and erased
// with their family.
type Audit struct {
	coll *collection
}

func (s *Store) Audit() *Audit { return &Audit{coll: s.collection(auditColl)} }

func (r *Audit) Record(ctx context.Context, e audit.Entry) error {
	if _, err := r.coll.InsertOne(ctx, toAuditDoc(e)); err != nil {
		return fmt.Errorf("mongo: insert audit entry: %w", err)
	}
	return nil
}

// ListByFamily pages through a family's entries newest first: p.After is
// the last (oldest) id of the previous page.
func (r *Audit) ListByFamily(ctx context.Context, familyID string, p page.Request) ([]audit.Entry, bool, error) {
	docs, more, err := findPage[auditDoc](ctx, r.coll, familyID, p, -1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: list audit: %w", err)
	}
	return entries(docs), more, nil
}

// ListByActor returns what actorID did, newest first, up to maxActorEntries.
func (r *Audit) ListByActor(ctx context.Context, actorID string) ([]audit.Entry, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "actorId", Value: actorID}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(maxActorEntries))
	if err != nil {
		return nil, fmt.Errorf("mongo: list audit by actor: %w", err)
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read audit: %w", err)
	}
	return entries(docs), nil
}

func (r *Audit) DeleteByFamily(ctx context.Context, familyID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "familyId", Value: familyID}}); err != nil {
		return fmt.Errorf("mongo: delete family audit: %w", err)
	}
	return nil
}

func entries(docs []auditDoc) []audit.Entry {
	out := make([]audit.Entry, len(docs))
	for i, d := range docs {
		out[i] = d.entry()
	}
	return out
}
