package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
)

const devicesColl = "devices"

// maxDevicesListed bounds one user's device list; nobody has more phones.
const maxDevicesListed = 100

type deviceDoc struct {
	Token      string    `bson:"_id"`
	UserID     string    `bson:"userId"`
	Platform   string    `bson:"platform"`
	App        string    `bson:"app"`
	Locale     string    `bson:"locale,omitempty"`
	AppVersion string    `bson:"appVersion,omitempty"`
	UpdatedAt  time.Time `bson:"updatedAt"`
	// RegisteredAt is set when the token is new or changes hands;
	// CreatedAt stands in for it on devices stored before it existed.
	RegisteredAt time.Time `bson:"registeredAt,omitempty"`
	CreatedAt    time.Time `bson:"createdAt,omitempty"`
}

// Devices implements devices.Store with the token as _id, so an upsert is
// one atomic write and a token can only ever belong to one user.
type Devices struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
	lists *deviceLists // nil unless embedded
}

func (s *Store) Devices() *Devices {
	return &Devices{coll: s.collection(devicesColl), guard: s.guard, bell: s.bell, lists: s.deviceLists}
}

// Put records d. When the token is new, or moves to d's user from
// another, the same write records registered in the device's outbox:
// the user should hear of a device they did not have before, not of
// every app start.
func (r *Devices) Put(ctx context.Context, d device.Device, registered event.Event) (created bool, err error) {
	touched := []string{d.UserID}
	err = r.lists.write(&touched, func() error {
		created, err = r.put(ctx, d, registered, &touched)
		return err
	})
	return created, err
}

func (r *Devices) put(ctx context.Context, d device.Device, registered event.Event, touched *[]string) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, devicesColl, d.Token)
	defer unlock()
	fields := bson.D{
		{Key: "userId", Value: d.UserID}, {Key: "platform", Value: string(d.Platform)},
		{Key: "app", Value: string(d.App)}, {Key: "locale", Value: d.Locale},
		{Key: "appVersion", Value: d.AppVersion}, {Key: "updatedAt", Value: d.UpdatedAt},
	}
	same, err := r.refresh(ctx, d, fields, touched)
	if err != nil {
		return false, err
	}
	if same {
		return false, nil
	}
	// The token is new, or moves to d's user. On MongoDB the filter
	// says so too: of two concurrent first registrations by one user,
	// the second finds the token theirs, its upsert collides on _id, and
	// it announces nothing. (Under the embedded guard refresh has just
	// read the owner.)
	filter := bson.D{{Key: "_id", Value: d.Token}}
	if !r.guard.on {
		filter = append(filter, bson.E{Key: "userId", Value: bson.D{{Key: "$ne", Value: d.UserID}}})
	}
	res, err := r.coll.UpdateOne(ctx, filter,
		bson.D{
			{Key: "$set", Value: append(fields, bson.E{Key: "registeredAt", Value: d.RegisteredAt})},
			{Key: "$min", Value: bson.D{{Key: "outboxSince", Value: registered.At}}},
			{Key: "$push", Value: bson.D{{Key: "pendingEvents", Value: toEventDocs([]event.Event{registered})[0]}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "createdAt", Value: d.UpdatedAt}}},
		},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil // registered by the same user a moment ago
	}
	if err != nil {
		return false, fmt.Errorf("mongo: put device: %w", err)
	}
	r.bell.ring(devicesColl, d.Token)
	return res.UpsertedCount == 1, nil
}

// refresh updates the token if d's user already has it: every app start
// does this. Under the embedded store's guard (held by Put) the owner is
// compared here, because FerretDB finds a document by _id alone without
// decoding the whole collection; elsewhere the server compares it.
func (r *Devices) refresh(ctx context.Context, d device.Device, fields bson.D, touched *[]string) (bool, error) {
	filter := bson.D{{Key: "_id", Value: d.Token}, {Key: "userId", Value: d.UserID}}
	if r.guard.on {
		var cur struct {
			UserID string `bson:"userId"`
		}
		err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: d.Token}},
			options.FindOne().SetProjection(bson.D{{Key: "userId", Value: 1}})).Decode(&cur)
		if err == nil && cur.UserID != d.UserID {
			*touched = append(*touched, cur.UserID) // the token leaves them
			return false, nil
		}
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("mongo: find device: %w", err)
		}
		filter = filter[:1]
	}
	res, err := r.coll.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: fields}})
	if err != nil {
		return false, fmt.Errorf("mongo: put device: %w", err)
	}
	return res.MatchedCount == 1, nil
}

func (r *Devices) DeleteOwned(ctx context.Context, token, userID string) (deleted bool, err error) {
	err = r.lists.write(&[]string{userID}, func() error {
		ctx, unlock := r.guard.lock(ctx, devicesColl, token)
		defer unlock()
		res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: token}, {Key: "userId", Value: userID}})
		if err != nil {
			return fmt.Errorf("mongo: delete device: %w", err)
		}
		deleted = res.DeletedCount == 1
		return nil
	})
	return deleted, err
}

func (r *Devices) ListByUser(ctx context.Context, userID string) ([]device.Device, error) {
	if r.lists == nil {
		return r.listByUser(ctx, userID)
	}
	ds, ok, gen := r.lists.get(userID)
	if ok {
		return ds, nil
	}
	ds, err := r.listByUser(ctx, userID)
	if err == nil {
		r.lists.fill(userID, ds, gen)
	}
	return ds, err
}

func (r *Devices) listByUser(ctx context.Context, userID string) ([]device.Device, error) {
	return findAll(ctx, r.coll, "devices", bson.D{{Key: "userId", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "updatedAt", Value: -1}}).SetLimit(maxDevicesListed), deviceDoc.device)
}

func (d deviceDoc) device() device.Device {
	registered := d.RegisteredAt
	if registered.IsZero() {
		registered = d.CreatedAt
	}
	return device.Device{Token: d.Token, UserID: d.UserID, Platform: device.Platform(d.Platform),
		App: device.App(d.App), Locale: d.Locale, AppVersion: d.AppVersion, UpdatedAt: d.UpdatedAt.UTC(),
		RegisteredAt: registered.UTC()}
}

// DeleteByUser forgets every token of a deleted account.
func (r *Devices) DeleteByUser(ctx context.Context, userID string) error {
	return r.lists.write(&[]string{userID}, func() error {
		if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}}); err != nil {
			return fmt.Errorf("mongo: delete devices: %w", err)
		}
		return nil
	})
}
