package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/homedevice"
)

// QuietDoors lists door sensors, after the id after in id order, whose
// last opening (or registration, if never opened) is at or before
// cutoff: the candidates of the door rule, which skips the spells it
// dealt with. Two plain queries rather than an $or, which every store
// serves from an index.
func (r *HomeDevices) QuietDoors(ctx context.Context, cutoff time.Time, after string, limit int) ([]homedevice.Device, error) {
	page := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit))
	kind := bson.E{Key: "kind", Value: string(homedevice.DoorSensor)}
	next := bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}
	opened, err := findAll(ctx, r.coll, "quiet doors", bson.D{kind, deviceRegistered,
		{Key: "lastOpenedAt", Value: bson.D{{Key: "$lte", Value: cutoff}}}, next}, page, homeDeviceDoc.device)
	if err != nil {
		return nil, err
	}
	never, err := findAll(ctx, r.coll, "never-opened doors", bson.D{kind, deviceRegistered,
		{Key: "lastOpenedAt", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "registeredAt", Value: bson.D{{Key: "$lte", Value: cutoff}}}, next}, page, homeDeviceDoc.device)
	if err != nil {
		return nil, err
	}
	return mergeByID(opened, never, limit), nil
}

// Silent lists devices, after the id after in id order, last seen at or
// before cutoff.
func (r *HomeDevices) Silent(ctx context.Context, cutoff time.Time, after string, limit int) ([]homedevice.Device, error) {
	return findAll(ctx, r.coll, "silent devices", bson.D{deviceRegistered,
		{Key: "lastSeenAt", Value: bson.D{{Key: "$lte", Value: cutoff}}},
		{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)), homeDeviceDoc.device)
}

// MarkDoorHandled records that the door rule dealt with the quiet spell
// that began at since; false when it had already.
func (r *HomeDevices) MarkDoorHandled(ctx context.Context, id string, since time.Time) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, homeDevicesColl, id)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id},
		{Key: "doorHandledFor", Value: bson.D{{Key: "$ne", Value: since}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "doorHandledFor", Value: since}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: mark door handled: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// MarkOffline records that d fell silent and announces it with e, in one
// write: only while d was last seen when the watch saw it, and once per
// silence (false otherwise: seen since, or reported already).
func (r *HomeDevices) MarkOffline(ctx context.Context, d homedevice.Device, e event.Event) (bool, error) {
	ctx, unlock := r.guard.lock(ctx, homeDevicesColl, d.ID)
	defer unlock()
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID},
		{Key: "lastSeenAt", Value: d.LastSeenAt},
		{Key: "offlineFor", Value: bson.D{{Key: "$ne", Value: d.LastSeenAt}}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "offlineFor", Value: d.LastSeenAt}}},
			{Key: "$min", Value: bson.D{{Key: "outboxSince", Value: e.At}}},
			{Key: "$push", Value: bson.D{{Key: "pendingEvents", Value: toEventDocs([]event.Event{e})[0]}}},
		})
	if err != nil {
		return false, fmt.Errorf("mongo: mark device offline: %w", err)
	}
	if res.ModifiedCount == 1 {
		r.bell.ring(homeDevicesColl, d.ID)
	}
	return res.ModifiedCount == 1, nil
}

// mergeByID merges two id-ordered lists into the first limit by id.
func mergeByID(a, b []homedevice.Device, limit int) []homedevice.Device {
	out := make([]homedevice.Device, 0, min(limit, len(a)+len(b)))
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || len(a) > 0 && a[0].ID < b[0].ID {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}
