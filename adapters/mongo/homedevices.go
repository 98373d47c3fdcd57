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

	"github.com/kincare/kincare/adapters/groupcommit"
	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/domain/event"
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
	DoorHandledFor time.Time `bson:"doorHandledFor,omitempty"`
	OfflineFor     time.Time `bson:"offlineFor,omitempty"`
	// RemovedAt marks a device removed: its document stays, so that the
	// write removing it can carry its announcement (an outbox cannot be
	// in a document that is gone); a removed device is found by nothing
	// but the indicators, and registering its serial again revives it.
	RemovedAt *time.Time `bson:"removedAt,omitempty"`
	// Version counts registrations and removals: the indicators keep the
	// newest state of a device.
	Version       int64      `bson:"version"`
	PendingEvents []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
}

// deviceRegistered excludes removed devices from a filter.
var deviceRegistered = bson.E{Key: "removedAt", Value: bson.D{{Key: "$exists", Value: false}}}

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

// HomeDevices implements homedevices.Devices. Lookups by id arriving
// together are read together (groupcommit): vendors' events look their
// devices up all day, each again when the ingest's cache forgets it.
type HomeDevices struct {
	coll    *collection
	guard   *writeGuard
	bell    *outboxBell
	lookups *groupcommit.Batcher[string, lookedUp]
}

// lookedUp is one id's answer in a batch of lookups.
type lookedUp struct {
	d     homedevice.Device
	found bool
}

// maxLookupBatch bounds the ids of one read.
const maxLookupBatch = 200

func (s *Store) HomeDevices() *HomeDevices {
	r := &HomeDevices{coll: s.collection(homeDevicesColl), guard: s.guard, bell: s.bell}
	r.lookups = groupcommit.New(maxLookupBatch, r.getAll)
	return r
}

// Create stores d and its announcement in one write; a serial removed
// before is registered again over its removed document, keeping any of
// its announcements not handed on yet.
func (r *HomeDevices) Create(ctx context.Context, d homedevice.Device, e event.Event) error {
	doc := toHomeDeviceDoc(d)
	doc.Version = 1
	doc.PendingEvents, doc.OutboxSince = toEventDocs([]event.Event{e}), outboxSince([]event.Event{e})
	_, err := r.coll.InsertOne(ctx, doc)
	switch {
	case err == nil:
	case mongo.IsDuplicateKeyError(err):
		if err := r.revive(ctx, doc, e); err != nil {
			return err
		}
	default:
		return fmt.Errorf("mongo: insert home device: %w", err)
	}
	r.bell.ring(homeDevicesColl, d.ID)
	return nil
}

// revive registers a removed device's serial again (homedevice.ErrExists
// while it is registered).
func (r *HomeDevices) revive(ctx context.Context, doc homeDeviceDoc, e event.Event) error {
	ctx, unlock := r.guard.lock(ctx, homeDevicesColl, doc.ID)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: doc.ID},
		{Key: "removedAt", Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "elderId", Value: doc.ElderID}, {Key: "familyId", Value: doc.FamilyID},
				{Key: "kind", Value: doc.Kind}, {Key: "vendor", Value: doc.Vendor}, {Key: "serial", Value: doc.Serial},
				{Key: "registeredBy", Value: doc.RegisteredBy}, {Key: "registeredAt", Value: doc.RegisteredAt},
				{Key: "lastSeenAt", Value: doc.LastSeenAt}}},
			{Key: "$unset", Value: bson.D{{Key: "removedAt", Value: ""}, {Key: "lastOpenedAt", Value: ""},
				{Key: "doorHandledFor", Value: ""}, {Key: "offlineFor", Value: ""}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$min", Value: bson.D{{Key: "outboxSince", Value: e.At}}},
			{Key: "$push", Value: bson.D{{Key: "pendingEvents", Value: toEventDocs([]event.Event{e})[0]}}},
		})
	if err != nil {
		return fmt.Errorf("mongo: register home device again: %w", err)
	}
	if res.MatchedCount == 0 {
		return homedevice.ErrExists
	}
	return nil
}

func (r *HomeDevices) Get(ctx context.Context, id string) (homedevice.Device, error) {
	l, err := r.lookups.Do(ctx, id)
	if err != nil {
		return homedevice.Device{}, err
	}
	if !l.found {
		return homedevice.Device{}, homedevice.ErrNotFound
	}
	return l.d, nil
}

// getAll reads a batch of lookups: one id by _id alone (the store's
// fastest read), more with $in.
func (r *HomeDevices) getAll(ctx context.Context, ids []string) ([]lookedUp, error) {
	out := make([]lookedUp, len(ids))
	if len(ids) == 1 {
		d, err := findByID[homeDeviceDoc](ctx, r.coll, ids[0], "home device", homedevice.ErrNotFound)
		if errors.Is(err, homedevice.ErrNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out[0] = lookedUp{d: d.device(), found: d.RemovedAt == nil}
		return out, nil
	}
	ds, err := findAll(ctx, r.coll, "home devices by id", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find(), func(d homeDeviceDoc) homeDeviceDoc { return d })
	if err != nil {
		return nil, err
	}
	byID := make(map[string]homedevice.Device, len(ds))
	for _, d := range ds {
		if d.RemovedAt == nil {
			byID[d.ID] = d.device()
		}
	}
	for i, id := range ids {
		d, ok := byID[id]
		out[i] = lookedUp{d: d, found: ok}
	}
	return out, nil
}

func (r *HomeDevices) ForElder(ctx context.Context, elderID string) ([]homedevice.Device, error) {
	return findAll(ctx, r.coll, "home devices", bson.D{{Key: "elderId", Value: elderID}, deviceRegistered},
		options.Find().SetSort(bson.D{{Key: "registeredAt", Value: 1}}).SetLimit(100), homeDeviceDoc.device)
}

// Delete marks a registered device removed and announces it with e, in
// one write.
func (r *HomeDevices) Delete(ctx context.Context, id string, e event.Event) error {
	ctx, unlock := r.guard.lock(ctx, homeDevicesColl, id)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, deviceRegistered},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "removedAt", Value: e.At.UTC()}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			{Key: "$min", Value: bson.D{{Key: "outboxSince", Value: e.At}}},
			{Key: "$push", Value: bson.D{{Key: "pendingEvents", Value: toEventDocs([]event.Event{e})[0]}}},
		})
	if err != nil {
		return fmt.Errorf("mongo: remove home device: %w", err)
	}
	if res.MatchedCount == 0 {
		return homedevice.ErrNotFound
	}
	r.bell.ring(homeDevicesColl, id)
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

// DeviceEvents implements homedevices.Events. Inserts are written in
// batches (one insertMany, unordered), one batch at a time: the first
// insert to find no write going is written at once, and those arriving
// while a write goes gather into the next (groupcommit). Vendors post
// thousands of events a second; one write per event would bound them by
// the store's latency — on FerretDB, one SQLite transaction and fsync
// each — while the batches grow with the load and a lone event waits for
// nothing.
//
// A second copy of an event whose first is still being written (a
// vendor's retry that overtook it) waits for the first and is answered
// as a duplicate, rather than sent to the store beside it: FerretDB
// writes a batch in one transaction, and a batch with a duplicate key in
// it is written again one document (one transaction, one fsync) at a
// time.
type DeviceEvents struct {
	coll   *collection
	writes *groupcommit.Batcher[deviceEventDoc, bool]
	mu     sync.Mutex
	// inflight holds the keys being written, until their write returned.
	inflight map[string]*inflightEvent
}

type inflightEvent struct {
	done chan struct{}
	err  error
}

// maxEventBatch bounds a batch (one insertMany).
const maxEventBatch = 500

func (s *Store) DeviceEvents() *DeviceEvents {
	r := &DeviceEvents{coll: s.collection(deviceEventsColl), inflight: map[string]*inflightEvent{}}
	r.writes = groupcommit.New(maxEventBatch, r.insertAll)
	return r
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
	if first, ok := r.inflight[doc.ID]; ok {
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
	w := &inflightEvent{done: make(chan struct{})}
	r.inflight[doc.ID] = w
	r.mu.Unlock()
	stored, err := r.writes.Do(ctx, doc)
	w.err = err
	r.mu.Lock()
	delete(r.inflight, doc.ID)
	r.mu.Unlock()
	close(w.done)
	return stored, err
}

// insertAll writes a batch and says which documents it stored: a
// duplicate key is an event stored before, any other error fails all.
func (r *DeviceEvents) insertAll(ctx context.Context, docs []deviceEventDoc) ([]bool, error) {
	stored := make([]bool, len(docs))
	all := make([]any, len(docs))
	for i, d := range docs {
		stored[i], all[i] = true, d
	}
	_, err := r.coll.InsertMany(ctx, all, options.InsertMany().SetOrdered(false))
	if err == nil {
		return stored, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, fmt.Errorf("mongo: insert device events: %w", err)
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return nil, fmt.Errorf("mongo: insert device events: %w", err)
		}
		stored[we.Index] = false
	}
	return stored, nil
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
