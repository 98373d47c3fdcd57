package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

const sessionsColl = "sessions"

type sessionDoc struct {
	ID           string    `bson:"_id"`
	UserID       string    `bson:"userId"`
	Generation   int       `bson:"generation"`
	CreatedAt    time.Time `bson:"createdAt"`
	LastUsedAt   time.Time `bson:"lastUsedAt,omitempty"`
	ExpiresAt    time.Time `bson:"expiresAt"`
	RevokedAt    time.Time `bson:"revokedAt,omitempty"`
	RevokeReason string    `bson:"revokeReason,omitempty"`
}

// Sessions implements auth.Sessions. A session is one document, so
// rotation and revocation are single-document atomic updates.
type Sessions struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) Sessions() *Sessions {
	return &Sessions{coll: s.collection(sessionsColl), guard: s.guard}
}

func (r *Sessions) Create(ctx context.Context, s identity.Session) error {
	_, err := r.coll.InsertOne(ctx, sessionDoc{ID: s.ID, UserID: s.UserID, Generation: s.Generation,
		CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt})
	if err != nil {
		return fmt.Errorf("mongo: insert session: %w", err)
	}
	return nil
}

func (r *Sessions) Get(ctx context.Context, id string) (identity.Session, error) {
	var d sessionDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return identity.Session{}, fault.ErrNotFound
	}
	if err != nil {
		return identity.Session{}, fmt.Errorf("mongo: find session: %w", err)
	}
	return identity.Session{ID: d.ID, UserID: d.UserID, Generation: d.Generation,
		CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(), RevokedAt: d.RevokedAt}, nil
}

// Rotate is conditional on the generation presented, so of two refreshes
// with one token exactly one matches.
func (r *Sessions) Rotate(ctx context.Context, id string, from int, now, expiresAt time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, sessionsColl, id)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx,
		bson.D{
			{Key: "_id", Value: id},
			{Key: "generation", Value: from},
			{Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}},
			{Key: "expiresAt", Value: bson.D{{Key: "$gt", Value: now}}},
		},
		bson.D{
			{Key: "$inc", Value: bson.D{{Key: "generation", Value: 1}}},
			{Key: "$set", Value: bson.D{{Key: "lastUsedAt", Value: now}, {Key: "expiresAt", Value: expiresAt}}},
		})
	if err != nil {
		return false, fmt.Errorf("mongo: rotate session: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// Revoke is idempotent: the first reason and time are kept.
func (r *Sessions) Revoke(ctx context.Context, id string, now time.Time, reason string) error {
	ctx, unlock := r.guard.lock(ctx, sessionsColl, id)
	defer unlock()
	_, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: now}, {Key: "revokeReason", Value: reason}}}})
	if err != nil {
		return fmt.Errorf("mongo: revoke session: %w", err)
	}
	return nil
}

// PurgeExpired deletes sessions that ended before cutoff. FerretDB has no
// TTL indexes, so a periodic job does what MongoDB's TTL monitor would.
func (r *Sessions) PurgeExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := r.coll.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge sessions: %w", err)
	}
	return res.DeletedCount, nil
}

// RevokeAllForUser ends every session of a user, e.g. at account deletion.
func (r *Sessions) RevokeAllForUser(ctx context.Context, userID string, now time.Time, reason string) error {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "userId", Value: userID}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}})
	if err != nil {
		return fmt.Errorf("mongo: find sessions: %w", err)
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return fmt.Errorf("mongo: read sessions: %w", err)
	}
	for _, d := range docs {
		if err := r.Revoke(ctx, d.ID, now, reason); err != nil {
			return err
		}
	}
	return nil
}
