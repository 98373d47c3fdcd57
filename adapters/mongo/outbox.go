package mongo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
)

// eventDoc is an event as aggregates keep it in their pendingEvents
// array and as the journal keeps it.
type eventDoc struct {
	ID          string            `bson:"id"`
	Type        string            `bson:"type"`
	SubjectKind string            `bson:"subjectKind"`
	SubjectID   string            `bson:"subjectId"`
	At          time.Time         `bson:"at"`
	NotBefore   time.Time         `bson:"notBefore,omitempty"`
	Data        map[string]string `bson:"data,omitempty"`
}

func toEventDocs(es []event.Event) []eventDoc {
	if len(es) == 0 {
		return nil
	}
	out := make([]eventDoc, len(es))
	for i, e := range es {
		out[i] = eventDoc{ID: e.ID, Type: string(e.Type), SubjectKind: e.Subject.Kind, SubjectID: e.Subject.ID,
			At: e.At, NotBefore: e.NotBefore, Data: maps.Clone(e.Data)}
	}
	return out
}

func (d eventDoc) event() event.Event {
	e := event.Event{ID: d.ID, Type: event.Type(d.Type), Subject: event.Subject{Kind: d.SubjectKind, ID: d.SubjectID},
		At: d.At.UTC(), Data: d.Data}
	if !d.NotBefore.IsZero() {
		e.NotBefore = d.NotBefore.UTC()
	}
	return e
}

func fromEventDocs(ds []eventDoc) []event.Event {
	if len(ds) == 0 {
		return nil
	}
	out := make([]event.Event, len(ds))
	for i, d := range ds {
		out[i] = d.event()
	}
	return out
}

// outboxSince is the marker field of a document with pending events: the
// relay finds them through its index instead of scanning every document.
func outboxSince(es []event.Event) *time.Time {
	if len(es) == 0 {
		return nil
	}
	t := es[0].At
	return &t
}

// Outbox implements notify.Outbox over every collection whose documents
// record events.
type Outbox struct {
	db          *mongo.Database
	guard       *writeGuard
	collections []string
}

// outboxCollections are the collections whose documents carry
// pendingEvents; each has an index on outboxSince.
var outboxCollections = []string{familiesColl, invitesColl, devicesColl}

func (s *Store) Outbox() *Outbox {
	return &Outbox{db: s.db, guard: s.guard, collections: outboxCollections}
}

type outboxDoc struct {
	ID     string     `bson:"_id"`
	Events []eventDoc `bson:"pendingEvents"`
}

func (o *Outbox) Pending(ctx context.Context, limit int) ([]notify.Batch, error) {
	var out []notify.Batch
	for _, coll := range o.collections {
		if len(out) >= limit {
			break
		}
		cur, err := o.db.Collection(coll).Find(ctx,
			bson.D{{Key: "outboxSince", Value: bson.D{{Key: "$exists", Value: true}}}},
			options.Find().SetProjection(bson.D{{Key: "pendingEvents", Value: 1}}).
				SetSort(bson.D{{Key: "outboxSince", Value: 1}}).SetLimit(int64(limit-len(out))))
		if err != nil {
			return nil, fmt.Errorf("mongo: find outbox of %s: %w", coll, err)
		}
		var docs []outboxDoc
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("mongo: read outbox of %s: %w", coll, err)
		}
		for _, d := range docs {
			if len(d.Events) > 0 {
				out = append(out, notify.Batch{Source: coll, DocID: d.ID, Events: fromEventDocs(d.Events)})
			}
		}
	}
	return out, nil
}

// Clear removes the batch's events and keeps those recorded since. The
// write is conditional on pendingEvents being what it read, and bumps the
// version, so a concurrent aggregate update that read the old events
// retries instead of writing them back.
func (o *Outbox) Clear(ctx context.Context, b notify.Batch) error {
	coll := o.db.Collection(b.Source)
	handed := make(map[string]bool, len(b.Events))
	for _, e := range b.Events {
		handed[e.ID] = true
	}
	for attempt := range maxUpdateTries {
		start := time.Now()
		// Read raw: the condition must be the stored bytes, and a
		// decoded map's keys would re-encode in random order.
		var d struct {
			Events bson.RawValue `bson:"pendingEvents"`
		}
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: b.DocID}},
			options.FindOne().SetProjection(bson.D{{Key: "pendingEvents", Value: 1}})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil // deleted since; nothing to clear
		}
		if err != nil {
			return fmt.Errorf("mongo: read outbox %s/%s: %w", b.Source, b.DocID, err)
		}
		arr, ok := d.Events.ArrayOK()
		if !ok {
			return nil // no pending events any more
		}
		stored, err := arr.Values()
		if err != nil {
			return fmt.Errorf("mongo: read outbox %s/%s: %w", b.Source, b.DocID, err)
		}
		keep := bson.A{}
		for _, v := range stored {
			doc, ok := v.DocumentOK()
			if id, isString := doc.Lookup("id").StringValueOK(); !ok || !isString || !handed[id] {
				keep = append(keep, v)
			}
		}
		if len(keep) == len(stored) {
			return nil // cleared by another relay
		}
		update := bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
		if len(keep) == 0 {
			update = append(update,
				bson.E{Key: "$unset", Value: bson.D{{Key: "pendingEvents", Value: ""}, {Key: "outboxSince", Value: ""}}})
		} else {
			update = append(update, bson.E{Key: "$set", Value: bson.D{{Key: "pendingEvents", Value: keep}}})
		}
		unlock := o.guard.lock(b.Source, b.DocID)
		res, err := coll.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: b.DocID}, {Key: "pendingEvents", Value: d.Events}}, update)
		unlock()
		if err != nil {
			return fmt.Errorf("mongo: clear outbox %s/%s: %w", b.Source, b.DocID, err)
		}
		if res.MatchedCount == 1 {
			return nil
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return err
		}
	}
	return fmt.Errorf("clear outbox %s/%s: %w", b.Source, b.DocID, errConflict)
}
