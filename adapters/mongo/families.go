package mongo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
)

const familiesColl = "families"

// maxFamiliesListed bounds the families one user belongs to.
const maxFamiliesListed = 100

type familyDoc struct {
	ID        string       `bson:"_id"`
	Name      string       `bson:"name"`
	TimeZone  string       `bson:"timeZone"`
	Members   []memberDoc  `bson:"members"`
	Consents  []consentDoc `bson:"consents"`
	CreatedBy string       `bson:"createdBy"`
	CreatedAt time.Time    `bson:"createdAt"`
	Version   int64        `bson:"version"`
	// The family's outbox: events recorded with this version.
	PendingEvents []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
}

type memberDoc struct {
	UserID   string    `bson:"userId"`
	Role     string    `bson:"role"`
	JoinedAt time.Time `bson:"joinedAt"`
}

type consentDoc struct {
	ID            string    `bson:"id"`
	Scope         string    `bson:"scope"`
	SubjectID     string    `bson:"subjectId"`
	GrantedBy     string    `bson:"grantedBy"`
	GrantedAt     time.Time `bson:"grantedAt"`
	PolicyVersion string    `bson:"policyVersion"`
	WithdrawnAt   time.Time `bson:"withdrawnAt,omitempty"`
	WithdrawnBy   string    `bson:"withdrawnBy,omitempty"`
}

func toFamilyDoc(f *family.Family, version int64) familyDoc {
	s := f.Snapshot()
	members := make([]memberDoc, len(s.Members))
	for i, m := range s.Members {
		members[i] = memberDoc{UserID: m.UserID, Role: string(m.Role), JoinedAt: m.JoinedAt}
	}
	consents := make([]consentDoc, len(s.Consents))
	for i, c := range s.Consents {
		consents[i] = consentDoc{ID: c.ID, Scope: string(c.Scope), SubjectID: c.SubjectID, GrantedBy: c.GrantedBy,
			GrantedAt: c.GrantedAt, PolicyVersion: c.PolicyVersion, WithdrawnAt: c.WithdrawnAt, WithdrawnBy: c.WithdrawnBy}
	}
	return familyDoc{ID: s.ID, Name: s.Name, TimeZone: s.TimeZone, Members: members, Consents: consents,
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt, Version: version,
		PendingEvents: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
}

func (d familyDoc) family() *family.Family {
	members := make([]family.Member, len(d.Members))
	for i, m := range d.Members {
		members[i] = family.Member{UserID: m.UserID, Role: family.Role(m.Role), JoinedAt: m.JoinedAt.UTC()}
	}
	consents := make([]consent.Consent, len(d.Consents))
	for i, c := range d.Consents {
		consents[i] = consent.Consent{ID: c.ID, Scope: consent.Scope(c.Scope), SubjectID: c.SubjectID,
			GrantedBy: c.GrantedBy, GrantedAt: c.GrantedAt.UTC(), PolicyVersion: c.PolicyVersion,
			WithdrawnAt: c.WithdrawnAt.UTC(), WithdrawnBy: c.WithdrawnBy}
	}
	return family.Unmarshal(family.Snapshot{ID: d.ID, Name: d.Name, TimeZone: d.TimeZone, Members: members,
		Consents: consents, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), Pending: fromEventDocs(d.PendingEvents)})
}

// Families implements families.Store: a family with its members and
// consents is one document, so they change together atomically.
type Families struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Families() *Families {
	return &Families{coll: s.collection(familiesColl), guard: s.guard, bell: s.bell}
}

func (r *Families) Create(ctx context.Context, f *family.Family) error {
	if _, err := r.coll.InsertOne(ctx, toFamilyDoc(f, 1)); err != nil {
		return fmt.Errorf("mongo: insert family: %w", err)
	}
	if len(f.Pending()) > 0 {
		r.bell.ring(familiesColl, f.ID())
	}
	return nil
}

func (r *Families) Get(ctx context.Context, id string) (*family.Family, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.family(), nil
}

func (r *Families) find(ctx context.Context, id string) (familyDoc, error) {
	return findByID[familyDoc](ctx, r.coll, id, "family", family.ErrNotFound)
}

// Update is optimistic: the write is conditional on the version read, and
// a lost race reloads and applies fn again. fn's errors come back as they are.
func (r *Families) Update(ctx context.Context, id string, fn func(*family.Family) error) (*family.Family, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "family", id, r.find,
		func(d familyDoc) (*family.Family, int64, error) {
			f := d.family()
			if err := fn(f); err != nil {
				return nil, 0, err
			}
			if f.ID() != id {
				return nil, 0, fmt.Errorf("mongo: update family %s: the id changed to %s", id, f.ID())
			}
			return f, d.Version, nil
		}, toFamilyDoc)
}

func (d familyDoc) pendingEvents() int { return len(d.PendingEvents) }

// Delete returns family.ErrNotFound when there was no such family.
func (r *Families) Delete(ctx context.Context, id string) error {
	ctx, unlock := r.guard.lock(ctx, familiesColl, id)
	defer unlock()
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("mongo: delete family: %w", err)
	}
	if res.DeletedCount == 0 {
		return family.ErrNotFound
	}
	return nil
}

// ListByMember returns the families userID belongs to, oldest first.
func (r *Families) ListByMember(ctx context.Context, userID string) ([]*family.Family, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "members.userId", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(maxFamiliesListed))
	if err != nil {
		return nil, fmt.Errorf("mongo: list families: %w", err)
	}
	var docs []familyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read families: %w", err)
	}
	out := make([]*family.Family, len(docs))
	for i, d := range docs {
		out[i] = d.family()
	}
	return out, nil
}

// conflictBackoff waits a random while after a lost optimistic race: up
// to as long as the lost attempt took, doubled at each attempt, so the
// losers of one round spread out over the server's own pace (slower under
// load, or the race detector) instead of colliding again at once.
func conflictBackoff(ctx context.Context, attempt int, took time.Duration) error {
	if attempt+1 >= maxUpdateTries {
		return nil // no try follows
	}
	window := min(max(took, time.Millisecond)<<attempt, time.Second)
	t := time.NewTimer(rand.N(window))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ListEmpty returns families nobody belongs to any more whose dissolution
// did not finish, for the job that finishes it.
func (r *Families) ListEmpty(ctx context.Context, limit int) ([]string, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "members", Value: bson.D{{Key: "$size", Value: 0}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("mongo: find empty families: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read empty families: %w", err)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
