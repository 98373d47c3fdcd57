package mongo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
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
	Data        sortedMap[string] `bson:"data,omitempty"`
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

// outboxBell is how this process's writes tell its relay where events
// wait: the relay reads those documents by _id at once instead of at its
// next sweep of every outbox (ten queries, one per collection). Sweeps
// remain for events another replica wrote before it died.
type outboxBell struct {
	ch    chan struct{}
	mu    sync.Mutex
	hints map[outboxRef]struct{}
	// served are documents handed to the relay and not cleared since:
	// their hand-off failed (the job queue's Redis was failing over),
	// and the next poll offers them again instead of the next sweep,
	// half a minute later on the embedded store.
	served map[outboxRef]struct{}
}

type outboxRef struct{ coll, id string }

func newOutboxBell() *outboxBell {
	return &outboxBell{ch: make(chan struct{}, 1), hints: map[outboxRef]struct{}{}, served: map[outboxRef]struct{}{}}
}

func (b *outboxBell) ring(coll, id string) {
	if b == nil {
		return // a store without outboxes
	}
	b.mu.Lock()
	b.hints[outboxRef{coll, id}] = struct{}{}
	b.mu.Unlock()
	select {
	case b.ch <- struct{}{}:
	default: // already rung
	}
}

// take empties the hints, at most limit of them, after naming again the
// documents served before and never cleared.
func (b *outboxBell) take(limit int) []outboxRef {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ref := range b.served {
		b.hints[ref] = struct{}{}
	}
	var out []outboxRef
	for ref := range b.hints {
		if len(out) == limit {
			break
		}
		out = append(out, ref)
		delete(b.hints, ref)
		b.served[ref] = struct{}{}
	}
	return out
}

// settle forgets a served document: cleared, or found with no events.
func (b *outboxBell) settle(coll, id string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	delete(b.served, outboxRef{coll, id})
	b.mu.Unlock()
}

// OutboxWritten rings after a write that recorded events.
func (s *Store) OutboxWritten() <-chan struct{} { return s.bell.ch }

// sweepEvery bounds how long events of a dead replica wait while this
// process is busy with its own.
const sweepEvery = 5 * time.Second

// Outbox implements notify.Outbox over every collection whose documents
// record events.
type Outbox struct {
	store       *Store
	guard       *writeGuard
	bell        *outboxBell
	collections []string

	mu        sync.Mutex
	lastSweep time.Time
}

// outboxCollections are the collections whose documents carry
// pendingEvents; each has an index on outboxSince.
var outboxCollections = []string{familiesColl, invitesColl, devicesColl, childrenColl, providersColl, ordersColl,
	slotsColl, bookingsColl, complaintsColl, ledgerAccountsColl, roomDaysColl, dailyReportsColl, incidentsColl,
	recurringOrdersColl, classStandingsColl, mealSubscriptionsColl, homeDevicesColl, mealOrdersColl,
	careRecordsColl, visitsColl, volunteersColl}

func (s *Store) Outbox() *Outbox {
	return &Outbox{store: s, guard: s.guard, bell: s.bell, collections: outboxCollections}
}

type outboxDoc struct {
	ID     string     `bson:"_id"`
	Events []eventDoc `bson:"pendingEvents"`
}

// Pending serves the documents this process wrote events to. It sweeps
// every outbox instead when none are waiting (the relay's idle poll,
// OUTBOX_POLL_INTERVAL) or the last sweep is sweepEvery old (so a busy
// process still finds what other replicas left).
func (o *Outbox) Pending(ctx context.Context, limit int) ([]notify.Batch, error) {
	o.mu.Lock()
	every := sweepEvery
	if o.guard.on {
		every = embeddedSweepEvery
	}
	sweep := time.Since(o.lastSweep) >= every
	if sweep {
		o.lastSweep = time.Now()
	}
	o.mu.Unlock()
	if !sweep {
		if hinted := o.bell.take(limit); len(hinted) > 0 {
			return o.hinted(ctx, hinted)
		}
		if o.guard.on {
			// The embedded store has one writer, this process, whose
			// every event write rang the bell: an idle poll has nothing
			// to find. Its sweeps only catch what a crash left.
			return nil, nil
		}
	}
	return o.sweep(ctx, limit)
}

// embeddedSweepEvery spaces the embedded store's sweeps: its one process
// rang the bell for every event it wrote, so a sweep finds only what a
// crash left, and idle servers should not spend ten queries a second on
// that.
const embeddedSweepEvery = 30 * time.Second

func (o *Outbox) hinted(ctx context.Context, refs []outboxRef) ([]notify.Batch, error) {
	var out []notify.Batch
	for i, ref := range refs {
		var d outboxDoc
		err := o.store.collection(ref.coll).FindOne(ctx, bson.D{{Key: "_id", Value: ref.id}},
			options.FindOne().SetProjection(bson.D{{Key: "pendingEvents", Value: 1}})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			o.bell.settle(ref.coll, ref.id)
			continue
		}
		if err != nil {
			for _, r := range refs[i:] {
				o.bell.ring(r.coll, r.id) // keep them for the next run
			}
			return nil, fmt.Errorf("mongo: read outbox of %s/%s: %w", ref.coll, ref.id, err)
		}
		if len(d.Events) > 0 {
			out = append(out, notify.Batch{Source: ref.coll, DocID: d.ID, Events: fromEventDocs(d.Events)})
		} else {
			o.bell.settle(ref.coll, ref.id)
		}
	}
	return out, nil
}

func (o *Outbox) sweep(ctx context.Context, limit int) ([]notify.Batch, error) {
	var out []notify.Batch
	for _, coll := range o.collections {
		if len(out) >= limit {
			break
		}
		cur, err := o.store.collection(coll).Find(ctx,
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
	handed := make(map[string]bool, len(b.Events))
	for _, e := range b.Events {
		handed[e.ID] = true
	}
	for attempt := range maxUpdateTries {
		start := time.Now()
		done, err := o.clearOnce(ctx, b, handed)
		if err != nil {
			return err
		}
		if done {
			o.bell.settle(b.Source, b.DocID)
			return nil
		}
		if err := conflictBackoff(ctx, attempt, time.Since(start)); err != nil {
			return err
		}
	}
	return fmt.Errorf("clear outbox %s/%s: %w", b.Source, b.DocID, errConflict)
}

// clearOnce reports false when the document changed between its read
// and its write.
func (o *Outbox) clearOnce(ctx context.Context, b notify.Batch, handed map[string]bool) (bool, error) {
	coll := o.store.collection(b.Source)
	ctx, unlock := o.guard.lock(ctx, b.Source, b.DocID)
	defer unlock()
	// Read raw: the condition must be the stored bytes, and a decoded
	// map's keys would re-encode in random order.
	var d struct {
		Events bson.RawValue `bson:"pendingEvents"`
	}
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: b.DocID}},
		options.FindOne().SetProjection(bson.D{{Key: "pendingEvents", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil // deleted since; nothing to clear
	}
	if err != nil {
		return false, fmt.Errorf("mongo: read outbox %s/%s: %w", b.Source, b.DocID, err)
	}
	arr, ok := d.Events.ArrayOK()
	if !ok {
		return true, nil // nothing pending any more
	}
	stored, err := arr.Values()
	if err != nil {
		return false, fmt.Errorf("mongo: read outbox %s/%s: %w", b.Source, b.DocID, err)
	}
	keep := bson.A{}
	for _, v := range stored {
		doc, ok := v.DocumentOK()
		if id, isString := doc.Lookup("id").StringValueOK(); !ok || !isString || !handed[id] {
			keep = append(keep, v)
		}
	}
	if len(keep) == len(stored) {
		return true, nil // cleared by another relay
	}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
	if len(keep) == 0 {
		update = append(update,
			bson.E{Key: "$unset", Value: bson.D{{Key: "pendingEvents", Value: ""}, {Key: "outboxSince", Value: ""}}})
	} else {
		update = append(update, bson.E{Key: "$set", Value: bson.D{{Key: "pendingEvents", Value: keep}}})
	}
	filter := bson.D{{Key: "_id", Value: b.DocID}}
	if !o.guard.on {
		// The stored bytes are the condition. Under the embedded store's
		// guard, held since the read, they cannot have changed, and
		// FerretDB finds a document by _id alone without decoding the
		// whole collection.
		filter = append(filter, bson.E{Key: "pendingEvents", Value: d.Events})
	}
	res, err := coll.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, fmt.Errorf("mongo: clear outbox %s/%s: %w", b.Source, b.DocID, err)
	}
	return res.MatchedCount == 1, nil
}
