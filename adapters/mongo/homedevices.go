package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/domain/homedevice"
)

const (
	homeDevicesColl  = "home_devices"
	deviceEventsColl = "device_events"
)

// homeDeviceDoc is a registered device; its _id is vendor:serial, so an
// event finds it by id alone.
type homeDeviceDoc struct {
	ID           string    `bson:"_id"`
	ElderID      string    `bson:"elderId"`
	FamilyID     string    `bson:"familyId"`
	Kind         string    `bson:"kind"`
	Vendor       string    `bson:"vendor"`
	Serial       string    `bson:"serial"`
	RegisteredBy string    `bson:"registeredBy"`
	RegisteredAt time.Time `bson:"registeredAt"`
	LastSeenAt   time.Time `bson:"lastSeenAt"`
	LastOpenedAt time.Time `bson:"lastOpenedAt,omitempty"`
	// Written by the watch (MarkDoorHandled, MarkOffline) only.
	DoorHandledFor time.Time  `bson:"doorHandledFor,omitempty"`
	OfflineFor     time.Time  `bson:"offlineFor,omitempty"`
	PendingEvents  []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince    *time.Time `bson:"outboxSince,omitempty"`
}

func toHomeDeviceDoc(d homedevice.Device) homeDeviceDoc {
	return homeDeviceDoc{ID: d.ID, ElderID: d.ElderID, FamilyID: d.FamilyID, Kind: string(d.Kind), Vendor: d.Vendor,
		Serial: d.Serial, RegisteredBy: d.RegisteredBy, RegisteredAt: d.RegisteredAt, LastSeenAt: d.LastSeenAt,
		LastOpenedAt: d.LastOpenedAt}
}

func (d homeDeviceDoc) device() homedevice.Device {
	out := homedevice.Device{ID: d.ID, ElderID: d.ElderID, FamilyID: d.FamilyID, Kind: homedevice.Kind(d.Kind),
		Vendor: d.Vendor, Serial: d.Serial, RegisteredBy: d.RegisteredBy, RegisteredAt: d.RegisteredAt.UTC(),
		LastSeenAt: d.LastSeenAt.UTC()}
	if !d.LastOpenedAt.IsZero() {
		out.LastOpenedAt = d.LastOpenedAt.UTC()
	}
	if !d.DoorHandledFor.IsZero() {
		out.DoorHandledFor = d.DoorHandledFor.UTC()
	}
	if !d.OfflineFor.IsZero() {
		out.OfflineFor = d.OfflineFor.UTC()
	}
	return out
}

// HomeDevices implements homedevices.Devices.
type HomeDevices struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) HomeDevices() *HomeDevices {
	return &HomeDevices{coll: s.collection(homeDevicesColl), guard: s.guard, bell: s.bell}
}

func (r *HomeDevices) Create(ctx context.Context, d homedevice.Device) error {
	if _, err := r.coll.InsertOne(ctx, toHomeDeviceDoc(d)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return homedevice.ErrExists
		}
		return fmt.Errorf("mongo: insert home device: %w", err)
	}
	return nil
}

func (r *HomeDevices) Get(ctx context.Context, id string) (homedevice.Device, error) {
	d, err := findByID[homeDeviceDoc](ctx, r.coll, id, "home device", homedevice.ErrNotFound)
	if err != nil {
		return homedevice.Device{}, err
	}
	return d.device(), nil
}

func (r *HomeDevices) ForElder(ctx context.Context, elderID string) ([]homedevice.Device, error) {
	return findAll(ctx, r.coll, "home devices", bson.D{{Key: "elderId", Value: elderID}},
		options.Find().SetSort(bson.D{{Key: "registeredAt", Value: 1}}).SetLimit(100), homeDeviceDoc.device)
}

func (r *HomeDevices) Delete(ctx context.Context, id string) error {
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("mongo: delete home device: %w", err)
	}
	if res.DeletedCount == 0 {
		return homedevice.ErrNotFound
	}
	return nil
}

// Touch moves the device's times forward, never back ($max), so two
// replicas touching it at once keep the later.
func (r *HomeDevices) Touch(ctx context.Context, d homedevice.Device) error {
	set := bson.D{{Key: "lastSeenAt", Value: d.LastSeenAt}}
	if !d.LastOpenedAt.IsZero() {
		set = append(set, bson.E{Key: "lastOpenedAt", Value: d.LastOpenedAt})
	}
	if _, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{{Key: "$max", Value: set}}); err != nil {
		return fmt.Errorf("mongo: touch home device: %w", err)
	}
	return nil
}

// deviceEventDoc is one vendor event; its _id is vendor:eventId, so a
// second delivery of the same event cannot be stored.
type deviceEventDoc struct {
	ID         string    `bson:"_id"`
	Vendor     string    `bson:"vendor"`
	EventID    string    `bson:"eventId"`
	Serial     string    `bson:"serial"`
	DeviceID   string    `bson:"deviceId"`
	ElderID    string    `bson:"elderId"`
	Type       string    `bson:"type"`
	OccurredAt time.Time `bson:"occurredAt"`
	ReceivedAt time.Time `bson:"receivedAt"`
	// Unraised marks an alarm whose incident is not recorded yet; absent
	// otherwise, so its sparse index holds only those.
	Unraised *bool `bson:"unraised,omitempty"`
}

func (d deviceEventDoc) stored() homedevices.StoredEvent {
	return homedevices.StoredEvent{Event: homedevice.Event{Vendor: d.Vendor, EventID: d.EventID, Serial: d.Serial,
		Type: homedevice.EventType(d.Type), OccurredAt: d.OccurredAt.UTC(), ReceivedAt: d.ReceivedAt.UTC()},
		DeviceID: d.DeviceID, ElderID: d.ElderID, Unraised: d.Unraised != nil}
}

// DeviceEvents implements homedevices.Events. Inserts arriving together
// are written together (one insertMany, unordered): vendors post
// thousands of events a second, and one round trip per event would bound
// them by the store's latency.
//
// A second copy of an event whose first is still being written (a
// vendor's retry that overtook it) waits for the first and is answered
// as a duplicate, rather than sent to the store beside it: FerretDB
// writes a batch in one transaction, and a batch with a duplicate key in
// it is written again one document (one transaction, one fsync) at a
// time.
type DeviceEvents struct {
	coll *collection
	mu   sync.Mutex
	open *eventBatch
	// writing holds the keys of the open batch and of batches being
	// written, with their batch.
	writing map[string]*eventBatch
}

type eventBatch struct {
	docs   []any
	stored []bool
	err    error
	done   chan struct{}
}

const (
	maxEventBatch = 500
	// eventGather is how long the first insert of a batch waits for
	// others to join it.
	eventGather = 2 * time.Millisecond
)

func (s *Store) DeviceEvents() *DeviceEvents {
	return &DeviceEvents{coll: s.collection(deviceEventsColl), writing: map[string]*eventBatch{}}
}

// Insert stores e, or reports false for a key stored before.
func (r *DeviceEvents) Insert(ctx context.Context, e homedevices.StoredEvent) (bool, error) {
	doc := deviceEventDoc{ID: e.Key(), Vendor: e.Vendor, EventID: e.EventID, Serial: e.Serial, DeviceID: e.DeviceID,
		ElderID: e.ElderID, Type: string(e.Type), OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt}
	if e.Unraised {
		t := true
		doc.Unraised = &t
	}
	r.mu.Lock()
	if first, ok := r.writing[doc.ID]; ok {
		r.mu.Unlock()
		// Stored by the first copy, or found stored before it: either
		// way this one is a duplicate. A failed write fails both; the
		// vendor sends again.
		select {
		case <-first.done:
			return false, first.err
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	b := r.open
	if b == nil {
		b = &eventBatch{done: make(chan struct{})}
		r.open = b
	}
	idx := len(b.docs)
	b.docs = append(b.docs, doc)
	r.writing[doc.ID] = b
	if len(b.docs) >= maxEventBatch {
		r.open = nil // sealed: later inserts start the next batch
	}
	r.mu.Unlock()
	if idx == 0 {
		// The first insert of a batch writes it, after others had a moment
		// to join; its caller's cancellation must not fail theirs.
		time.Sleep(eventGather)
		r.mu.Lock()
		if r.open == b {
			r.open = nil
		}
		r.mu.Unlock()
		r.flush(context.WithoutCancel(ctx), b)
	}
	select {
	case <-b.done:
		return b.stored[idx], b.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (r *DeviceEvents) flush(ctx context.Context, b *eventBatch) {
	defer func() {
		close(b.done)
		r.mu.Lock()
		for _, d := range b.docs {
			delete(r.writing, d.(deviceEventDoc).ID)
		}
		r.mu.Unlock()
	}()
	b.stored = make([]bool, len(b.docs))
	for i := range b.stored {
		b.stored[i] = true
	}
	_, err := r.coll.InsertMany(ctx, b.docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		b.err = fmt.Errorf("mongo: insert device events: %w", err)
		return
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			b.err = fmt.Errorf("mongo: insert device events: %w", err)
			return
		}
		b.stored[we.Index] = false
	}
}

func (r *DeviceEvents) MarkRaised(ctx context.Context, key string) error {
	if _, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "unraised", Value: ""}}}}); err != nil {
		return fmt.Errorf("mongo: mark device event raised: %w", err)
	}
	return nil
}

func (r *DeviceEvents) Unraised(ctx context.Context, before time.Time, limit int) ([]homedevices.StoredEvent, error) {
	return findAll(ctx, r.coll, "unraised device events", bson.D{{Key: "unraised", Value: true},
		{Key: "receivedAt", Value: bson.D{{Key: "$lte", Value: before}}}},
		options.Find().SetLimit(int64(limit)), deviceEventDoc.stored)
}

// Count is how many events a vendor's key holds, for tests and the
// benchmark's check.
func (r *DeviceEvents) Count(ctx context.Context) (int64, error) {
	return r.coll.CountDocuments(ctx, bson.D{})
}
