// Package mongo implements app's storage ports on MongoDB through
// mongo-driver v2. It relies only on what both MongoDB and FerretDB offer:
// single-document atomic updates, unique indexes, no transactions, no
// TTL indexes, no 2dsphere.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Store is a connected database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	guard  *writeGuard
	bell   *outboxBell
	// deviceLists is the embedded store's device cache; nil otherwise.
	deviceLists *deviceLists
}

// Options fit a Store to its server.
type Options struct {
	Database string
	MaxPool  uint64
	// SerializeWrites is for the embedded FerretDB: see writeGuard.
	SerializeWrites bool
}

// Connect opens a pool and waits until the server answers.
func Connect(ctx context.Context, uri string, o Options) (*Store, error) {
	opts := options.Client().ApplyURI(uri).
		SetMaxPoolSize(o.MaxPool).
		SetServerSelectionTimeout(10 * time.Second).
		SetAppName("kincare")
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	s := &Store{client: client, db: client.Database(o.Database), guard: newWriteGuard(o.SerializeWrites),
		bell: newOutboxBell()}
	if o.SerializeWrites {
		s.deviceLists = newDeviceLists()
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// Ping is the readiness check.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("mongo: ping: %w", err)
	}
	return nil
}

func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// EnsureIndexes creates every index kincare needs. Creating an existing
// index with the same definition is a no-op, so this runs at each start.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for coll, models := range indexes {
		// One at a time: FerretDB 1.24 crashes the connection when one
		// createIndexes command re-creates several existing indexes.
		for _, m := range models {
			if _, err := s.db.Collection(coll).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("mongo: indexes on %s: %w", coll, err)
			}
		}
	}
	return nil
}

var indexes = map[string][]mongo.IndexModel{
	usersColl: {
		{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetUnique(true).SetName("phone_unique")},
		{Keys: bson.D{{Key: "pendingDeletion", Value: 1}}, Options: options.Index().SetName("pending_deletion")},
		{Keys: bson.D{{Key: "roles", Value: 1}}, Options: options.Index().SetName("roles")},
	},
	sessionsColl: {
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiry")},
	},
	devicesColl: {
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		outboxIndex,
	},
	familiesColl: {
		{Keys: bson.D{{Key: "members.userId", Value: 1}}, Options: options.Index().SetName("member")},
		outboxIndex,
	},
	invitesColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}}, Options: options.Index().SetName("family")},
		{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetName("phone")},
		outboxIndex,
	},
	ordersColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("family_id")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("provider_id")},
		{Keys: bson.D{{Key: "caregiverId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("caregiver_id")},
		{Keys: bson.D{{Key: "offeredTo", Value: 1}}, Options: options.Index().SetName("offered_to")},
		// Only rated orders: the ratings' recount reads them alone.
		{Keys: bson.D{{Key: "rating.at", Value: 1}}, Options: options.Index().SetSparse(true).SetName("rated")},
		outboxIndex,
	},
	eventsColl: {
		{Keys: bson.D{{Key: "deliveredAt", Value: 1}}, Options: options.Index().SetName("delivered")},
	},
	notificationsColl: {
		{Keys: bson.D{{Key: "eventId", Value: 1}, {Key: "userId", Value: 1}},
			Options: options.Index().SetUnique(true).SetName("event_user_unique")},
		{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("user_id")},
		{Keys: bson.D{{Key: "push.state", Value: 1}}, Options: options.Index().SetName("push_state")},
	},
	eldersColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
	},
	childrenColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		outboxIndex,
	},
	auditColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		{Keys: bson.D{{Key: "actorId", Value: 1}}, Options: options.Index().SetName("actor")},
	},
	providersColl: {
		{Keys: bson.D{{Key: "admins", Value: 1}}, Options: options.Index().SetName("admin")},
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "credit", Value: 1}}, Options: options.Index().SetName("status_credit")},
		{Keys: bson.D{{Key: "staffInvites.phone", Value: 1}}, Options: options.Index().SetName("staff_invite_phone")},
		{Keys: bson.D{{Key: "staff.userId", Value: 1}}, Options: options.Index().SetName("staff_user")},
		outboxIndex,
	},
	slotsColl: {
		{Keys: bson.D{{Key: "resourceId", Value: 1}, {Key: "window.start", Value: 1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName("resource_start")},
		{Keys: bson.D{{Key: "window.end", Value: 1}}, Options: options.Index().SetName("end")},
		{Keys: bson.D{{Key: "waiting", Value: 1}}, Options: options.Index().SetSparse(true).SetName("waiting")},
		outboxIndex,
	},
	bookingsColl: {
		{Keys: bson.D{{Key: "slotId", Value: 1}}, Options: options.Index().SetName("slot")},
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("family_at")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("provider_at")},
		{Keys: bson.D{{Key: "recipientId", Value: 1}, {Key: "window.start", Value: 1}},
			Options: options.Index().SetName("recipient_start")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "window.end", Value: 1}},
			Options: options.Index().SetName("provider_end")},
		outboxIndex,
	},
	complaintsColl: {
		{Keys: bson.D{{Key: "subjectKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("subject_unique")},
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("family_id")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("provider_id")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "filedAt", Value: -1}}, Options: options.Index().SetName("provider_filed")},
		// The response timer: open complaints by deadline.
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "respondBy", Value: 1}}, Options: options.Index().SetName("status_respond_by")},
		// The regulator's list: escalated ones only, in a region or all.
		{Keys: bson.D{{Key: "escalation.at", Value: 1}}, Options: options.Index().SetSparse(true).SetName("escalated")},
		{Keys: bson.D{{Key: "regions", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("region_id")},
		{Keys: bson.D{{Key: "creditPending", Value: 1}}, Options: options.Index().SetSparse(true).SetName("credit_pending")},
		outboxIndex,
	},
	incidentsColl: {
		{Keys: bson.D{{Key: "windowKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("window_unique")},
		{Keys: bson.D{{Key: "elderId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("elder_id")},
		{Keys: bson.D{{Key: "called", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("called_id")},
		// The ladder's timers, rebuilt from here when Redis lost them.
		{Keys: bson.D{{Key: "dueAt", Value: 1}}, Options: options.Index().SetSparse(true).SetName("due")},
		{Keys: bson.D{{Key: "untexted", Value: 1}}, Options: options.Index().SetSparse(true).SetName("untexted")},
		outboxIndex,
	},
	homeDevicesColl: {
		{Keys: bson.D{{Key: "elderId", Value: 1}}, Options: options.Index().SetName("elder")},
	},
	deviceEventsColl: {
		{Keys: bson.D{{Key: "unraised", Value: 1}}, Options: options.Index().SetSparse(true).SetName("unraised")},
	},
	coursesColl: {
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("provider_id")},
	},
	classSessionsColl: {
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "start", Value: 1}}, Options: options.Index().SetName("status_start")},
		{Keys: bson.D{{Key: "courseId", Value: 1}, {Key: "start", Value: 1}}, Options: options.Index().SetName("course_start")},
	},
	offeringsColl: {
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("provider_id")},
	},
	ledgerAccountsColl: {
		{Keys: bson.D{{Key: "journalSince", Value: 1}}, Options: options.Index().SetSparse(true).SetName("journal_since")},
		{Keys: bson.D{{Key: "holdsSince", Value: 1}}, Options: options.Index().SetSparse(true).SetName("holds_since")},
		outboxIndex,
	},
	ledgerEntriesColl: {
		{Keys: bson.D{{Key: "account", Value: 1}, {Key: "seq", Value: -1}},
			Options: options.Index().SetUnique(true).SetName("account_seq_unique")},
		{Keys: bson.D{{Key: "party", Value: 1}, {Key: "month", Value: 1}, {Key: "kind", Value: 1}},
			Options: options.Index().SetName("party_month_kind")},
	},
	// The childcare day reads its documents by id; these serve a month's
	// statement, erasure, and the relay.
	roomDaysColl: {
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "date", Value: 1}}, Options: options.Index().SetName("provider_date")},
		{Keys: bson.D{{Key: "children.familyId", Value: 1}}, Options: options.Index().SetName("family")},
		outboxIndex,
	},
	dailyReportsColl: {
		{Keys: bson.D{{Key: "familyId", Value: 1}}, Options: options.Index().SetName("family")},
		{Keys: bson.D{{Key: "childId", Value: 1}}, Options: options.Index().SetName("child")},
		outboxIndex,
	},
}

// outboxIndex finds documents with events to hand on; sparse, so it
// holds only those few.
var outboxIndex = mongo.IndexModel{Keys: bson.D{{Key: "outboxSince", Value: 1}},
	Options: options.Index().SetSparse(true).SetName("outbox")}

// errConflict reports that a versioned write lost to a concurrent one.
var errConflict = errors.New("mongo: concurrent update")

// maxUpdateTries bounds the optimistic-concurrency retries of Update.
const maxUpdateTries = 8

// Drop deletes the whole database; tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error { return s.db.Drop(ctx) }
