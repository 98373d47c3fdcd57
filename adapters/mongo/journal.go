package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/event"
)

const eventsColl = "events"

// journalDoc is a handed-on event, kept until delivered and a while after.
type journalDoc struct {
	ID          string    `bson:"_id"`
	Event       eventDoc  `bson:"event"`
	Due         time.Time `bson:"due"`
	DeliveredAt time.Time `bson:"deliveredAt,omitempty"`
}

// Journal implements notify.Journal: the lasting copy of events the job
// queue holds, with the event id as _id so saving twice is harmless.
type Journal struct {
	coll *collection
}

func (s *Store) Journal() *Journal { return &Journal{coll: s.collection(eventsColl)} }

// Save inserts the events not yet journalled; those already there are
// left as they are (delivered or not).
func (j *Journal) Save(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	docs := make([]any, len(events))
	for i, e := range toEventDocs(events) {
		docs[i] = journalDoc{ID: e.ID, Event: e, Due: events[i].Due()}
	}
	_, err := j.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !onlyDuplicates(err) {
		return fmt.Errorf("mongo: journal events: %w", err)
	}
	return nil
}

// onlyDuplicates reports whether every failed insert of a bulk write
// failed because the document was already there.
func onlyDuplicates(err error) bool {
	var bw mongo.BulkWriteException
	if !errors.As(err, &bw) || bw.WriteConcernError != nil || len(bw.WriteErrors) == 0 {
		return mongo.IsDuplicateKeyError(err)
	}
	for _, we := range bw.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return false
		}
	}
	return true
}

func (j *Journal) MarkDelivered(ctx context.Context, id string, at time.Time) error {
	// By _id alone: FerretDB looks that up without decoding every event,
	// and a second delivery moving the time a little is harmless.
	_, err := j.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "deliveredAt", Value: at}}}})
	if err != nil {
		return fmt.Errorf("mongo: mark event delivered: %w", err)
	}
	return nil
}

func (j *Journal) Undelivered(ctx context.Context, after string, limit int) ([]event.Event, error) {
	filter := bson.D{{Key: "deliveredAt", Value: bson.D{{Key: "$exists", Value: false}}}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	return findAll(ctx, j.coll, "undelivered events", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)),
		func(d journalDoc) event.Event { return d.Event.event() })
}

func (j *Journal) PurgeDelivered(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := j.coll.DeleteMany(ctx, bson.D{{Key: "deliveredAt", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge delivered events: %w", err)
	}
	return res.DeletedCount, nil
}
