package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
)

const invitesColl = "invites"

// maxInvitesListed bounds one family's or one phone's live invites.
const maxInvitesListed = 100

// inviteDoc omits zero times, so "not used" is {usedAt: {$exists: false}}.
type inviteDoc struct {
	Digest   string `bson:"_id"`
	Code     string `bson:"code,omitempty"`
	FamilyID string `bson:"familyId"`
	Phone    string `bson:"phone,omitempty"`
	Role     string `bson:"role"`
	// ElderID is the elder an elder-account invite links its addressee to.
	ElderID   string    `bson:"elderId,omitempty"`
	CreatedBy string    `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
	UsedAt    time.Time `bson:"usedAt,omitempty"`
	UsedBy    string    `bson:"usedBy,omitempty"`
	RevokedAt time.Time `bson:"revokedAt,omitempty"`
	// The invite's outbox.
	PendingEvents []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
}

func toInviteDoc(i family.Invite) inviteDoc {
	return inviteDoc{Digest: i.Digest, Code: i.Code, FamilyID: i.FamilyID, Phone: i.Phone.String(),
		Role: string(i.Role), ElderID: i.ElderID, CreatedBy: i.CreatedBy, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt,
		UsedAt: i.UsedAt, UsedBy: i.UsedBy, RevokedAt: i.RevokedAt,
		PendingEvents: toEventDocs(i.Events), OutboxSince: outboxSince(i.Events)}
}

func (d inviteDoc) invite() family.Invite {
	return family.Invite{Digest: d.Digest, Code: d.Code, FamilyID: d.FamilyID, Phone: identity.Phone(d.Phone),
		Role: family.Role(d.Role), ElderID: d.ElderID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(),
		ExpiresAt: d.ExpiresAt.UTC(), UsedAt: d.UsedAt.UTC(), UsedBy: d.UsedBy, RevokedAt: d.RevokedAt.UTC()}
}

// Invites implements families.Invites with the code's digest as _id, so
// spending, giving back and revoking are single-document conditional
// updates.
type Invites struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Invites() *Invites {
	return &Invites{coll: s.collection(invitesColl), guard: s.guard, bell: s.bell}
}

// Create fails with a duplicate-key error (mongo.IsDuplicateKeyError)
// when an invite with the same code exists.
func (r *Invites) Create(ctx context.Context, inv family.Invite) error {
	if _, err := r.coll.InsertOne(ctx, toInviteDoc(inv)); err != nil {
		return fmt.Errorf("mongo: insert invite: %w", err)
	}
	if len(inv.Events) > 0 {
		r.bell.ring(invitesColl, inv.Digest)
	}
	return nil
}

func (r *Invites) Get(ctx context.Context, digest string) (family.Invite, error) {
	var d inviteDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: digest}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return family.Invite{}, family.ErrInviteNotFound
	}
	if err != nil {
		return family.Invite{}, fmt.Errorf("mongo: find invite: %w", err)
	}
	return d.invite(), nil
}

var (
	notUsed    = bson.E{Key: "usedAt", Value: bson.D{{Key: "$exists", Value: false}}}
	notRevoked = bson.E{Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}
)

func unexpired(now time.Time) bson.E {
	return bson.E{Key: "expiresAt", Value: bson.D{{Key: "$gt", Value: now}}}
}

// MarkUsed is conditional on the invite being live, so of two
// acceptances of one code exactly one matches.
func (r *Invites) MarkUsed(ctx context.Context, digest, userID string, now time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, invitesColl, digest)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: digest}, notUsed, notRevoked, unexpired(now)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "usedAt", Value: now}, {Key: "usedBy", Value: userID}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: use invite: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// Unuse gives the invite back only if userID is the one who spent it.
func (r *Invites) Unuse(ctx context.Context, digest, userID string) error {
	ctx, unlock := r.guard.lock(ctx, invitesColl, digest)
	defer unlock()
	_, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: digest}, {Key: "usedBy", Value: userID}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "usedAt", Value: ""}, {Key: "usedBy", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("mongo: unuse invite: %w", err)
	}
	return nil
}

// Revoke ends an unused invite of familyID; false if there is none.
func (r *Invites) Revoke(ctx context.Context, familyID, digest string, now time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, invitesColl, digest)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: digest}, {Key: "familyId", Value: familyID}, notUsed, notRevoked},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: now}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: revoke invite: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// ListLive returns a family's live invites, newest first.
func (r *Invites) ListLive(ctx context.Context, familyID string, now time.Time) ([]family.Invite, error) {
	return r.listLive(ctx, bson.E{Key: "familyId", Value: familyID}, now)
}

// ListForPhone returns the live invites addressed to phone, newest first.
func (r *Invites) ListForPhone(ctx context.Context, phone identity.Phone, now time.Time) ([]family.Invite, error) {
	if phone == "" {
		return []family.Invite{}, nil
	}
	return r.listLive(ctx, bson.E{Key: "phone", Value: phone.String()}, now)
}

func (r *Invites) listLive(ctx context.Context, by bson.E, now time.Time) ([]family.Invite, error) {
	return findAll(ctx, r.coll, "invites", bson.D{by, notUsed, notRevoked, unexpired(now)},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
			SetLimit(maxInvitesListed), inviteDoc.invite)
}

// DeleteByFamily removes every invite of a family, spent or not.
func (r *Invites) DeleteByFamily(ctx context.Context, familyID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "familyId", Value: familyID}}); err != nil {
		return fmt.Errorf("mongo: delete family invites: %w", err)
	}
	return nil
}

// DeleteForPhone removes every invite addressed to phone.
func (r *Invites) DeleteForPhone(ctx context.Context, phone identity.Phone) error {
	if phone == "" {
		return nil // code invites have no phone; never delete them all
	}
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "phone", Value: phone.String()}}); err != nil {
		return fmt.Errorf("mongo: delete phone invites: %w", err)
	}
	return nil
}
