package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/region"
)

const usersColl = "users"

type userDoc struct {
	ID       string   `bson:"_id"`
	Phone    string   `bson:"phone"`
	Roles    []string `bson:"roles"`
	Password string   `bson:"passwordHash,omitempty"`
	Locale   string   `bson:"locale"`
	// Regions are a regulator's jurisdiction (GB/T 2260 codes).
	Regions []string `bson:"regions,omitempty"`
	// ElderID is the elder whose own account this is.
	ElderID   string    `bson:"elderId,omitempty"`
	CreatedAt time.Time `bson:"createdAt"`
	DeletedAt time.Time `bson:"deletedAt,omitempty"`
	// PendingDeletion marks a deletion begun but not finished, for the
	// job that finishes it.
	PendingDeletion bool  `bson:"pendingDeletion,omitempty"`
	Version         int64 `bson:"version"`
}

func toUserDoc(u *identity.User, version int64) userDoc {
	s := u.Snapshot()
	return userDoc{ID: s.ID, Phone: s.Phone.String(), Roles: s.Roles.Strings(), Password: string(s.Password),
		Locale: string(s.Locale), Regions: s.Regions.Strings(), ElderID: s.ElderID, CreatedAt: s.CreatedAt, DeletedAt: s.DeletedAt, Version: version,
		PendingDeletion: u.Deleted() && !u.Erased()}
}

func (d userDoc) user() *identity.User {
	roles := make([]identity.Role, len(d.Roles))
	for i, r := range d.Roles {
		roles[i] = identity.Role(r)
	}
	return identity.UnmarshalUser(identity.UserSnapshot{ID: d.ID, Phone: identity.Phone(d.Phone),
		Roles: roles, Password: identity.PasswordHash(d.Password), Locale: identity.Locale(d.Locale),
		Regions: region.UnmarshalScope(d.Regions), ElderID: d.ElderID, CreatedAt: d.CreatedAt.UTC(), DeletedAt: d.DeletedAt})
}

// Users implements auth.Users.
type Users struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) Users() *Users { return &Users{coll: s.collection(usersColl), guard: s.guard} }

func (r *Users) ByID(ctx context.Context, id string) (*identity.User, error) {
	d, err := r.find(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, err
	}
	return d.user(), nil
}

func (r *Users) ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error) {
	d, err := r.find(ctx, bson.D{{Key: "phone", Value: phone.String()}})
	if err != nil {
		return nil, err
	}
	return d.user(), nil
}

func (r *Users) find(ctx context.Context, filter bson.D) (userDoc, error) {
	var d userDoc
	err := r.coll.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, identity.ErrUserNotFound
	}
	if err != nil {
		return d, fmt.Errorf("mongo: find user: %w", err)
	}
	return d, nil
}

// FirstOrCreate relies on the unique phone index: of two first logins at
// once, one insert wins and the other reads the winner.
func (r *Users) FirstOrCreate(ctx context.Context, u *identity.User) (*identity.User, bool, error) {
	_, err := r.coll.InsertOne(ctx, toUserDoc(u, 1))
	if err == nil {
		return u, true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return nil, false, fmt.Errorf("mongo: insert user: %w", err)
	}
	existing, err := r.ByPhone(ctx, u.Phone())
	return existing, false, err
}

// Update is optimistic: the write is conditional on the version read, and
// a lost race reloads and applies fn again.
func (r *Users) Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error) {
	find := func(ctx context.Context, id string) (userDoc, error) {
		return r.find(ctx, bson.D{{Key: "_id", Value: id}})
	}
	return versionedUpdate(ctx, r.coll, r.guard, nil, "user", id, find,
		func(d userDoc) (*identity.User, int64, error) {
			u := d.user()
			return u, d.Version, fn(u)
		}, toUserDoc)
}

// ListPendingDeletion returns accounts whose deletion began but did not
// finish (a crash, a store that failed mid-way), oldest first.
func (r *Users) ListPendingDeletion(ctx context.Context, limit int) ([]*identity.User, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "pendingDeletion", Value: true}},
		options.Find().SetSort(bson.D{{Key: "deletedAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("mongo: find pending deletions: %w", err)
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read pending deletions: %w", err)
	}
	out := make([]*identity.User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}

// WithRole lists the ids of live users holding role, at most limit.
func (r *Users) WithRole(ctx context.Context, role identity.Role, limit int) ([]string, error) {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	return findAll(ctx, r.coll, "users with a role", bson.D{{Key: "roles", Value: string(role)},
		{Key: "deletedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}}),
		func(d idDoc) string { return d.ID })
}
