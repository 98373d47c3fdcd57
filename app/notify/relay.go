package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Relay moves recorded events from aggregates to the job queue. It first
// saves the events to the journal, then queues each event under its own
// id, and only then clears them from their document. A crash anywhere
// leaves the events in the document (handed on again next time) or in
// the journal (queued again by Reconcile); a second hand-off of one
// event is refused by the queue's id check and, past that, by the
// inbox's one entry per (event, user). So several relays may run at
// once, one per replica.
type Relay struct {
	outbox    Outbox
	journal   Journal
	queue     Queue
	batch     int
	observers []Observer
}

// Observer sees each document's events before the relay hands them on:
// a read model kept current by them (app/indicators). It sees them at
// least once (again after a failure anywhere in the hand-off), so it
// must count an event it has seen as seen. Its failure leaves the
// events in their document, for the next pass.
type Observer interface {
	Observe(ctx context.Context, events []event.Event) error
}

// Observe adds an observer; call it before Run.
func (r *Relay) Observe(o Observer) { r.observers = append(r.observers, o) }

func NewRelay(outbox Outbox, journal Journal, queue Queue) *Relay {
	return &Relay{outbox: outbox, journal: journal, queue: queue, batch: 100}
}

// RunOnce hands on up to one batch of documents' events and reports how
// many events it handed on. A document that fails does not hold up the
// others: its events stay and are tried again next time.
//
// The journal gets the events of every document in one write: a relay
// that is behind (one pass, up to a batch of documents) made one write
// per document, and on the embedded store every write waits its turn at
// the one writer, beside the requests' own.
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	batches, err := r.outbox.Pending(ctx, r.batch)
	if err != nil {
		return 0, fmt.Errorf("relay: read outbox: %w", err)
	}
	var errs []error
	observed := make([]Batch, 0, len(batches))
	for _, b := range batches {
		if err := r.observe(ctx, b); err != nil {
			errs = append(errs, err)
			continue
		}
		observed = append(observed, b)
	}
	journaled, err := r.journalAll(ctx, observed)
	errs = append(errs, err)
	n := 0
	for _, b := range journaled {
		if err := r.handOn(ctx, b); err != nil {
			errs = append(errs, err)
			continue
		}
		n += len(b.Events)
	}
	return n, errors.Join(errs...)
}

// journalAll saves the documents' events in one write, or, when that
// fails, one document's at a time: a document whose events the store
// refuses then holds up only itself. It answers the documents saved.
func (r *Relay) journalAll(ctx context.Context, bs []Batch) ([]Batch, error) {
	var events []event.Event
	for _, b := range bs {
		events = append(events, b.Events...)
	}
	if len(events) == 0 {
		return bs, nil
	}
	if err := r.journal.Save(ctx, events); err == nil {
		return bs, nil
	}
	var errs []error
	saved := make([]Batch, 0, len(bs))
	for _, b := range bs {
		if err := r.journal.Save(ctx, b.Events); err != nil {
			errs = append(errs, fmt.Errorf("relay: journal events of %s/%s: %w", b.Source, b.DocID, err))
			continue
		}
		saved = append(saved, b)
	}
	return saved, errors.Join(errs...)
}

func (r *Relay) observe(ctx context.Context, b Batch) error {
	for _, o := range r.observers {
		if err := o.Observe(ctx, b.Events); err != nil {
			return fmt.Errorf("relay: observe events of %s/%s: %w", b.Source, b.DocID, err)
		}
	}
	return nil
}

// handOn queues a journaled document's events and then clears them from
// it.
func (r *Relay) handOn(ctx context.Context, b Batch) error {
	for _, e := range b.Events {
		if _, err := r.queue.EnqueueEvent(ctx, e); err != nil {
			return fmt.Errorf("relay: queue event %s: %w", e.ID, err)
		}
	}
	if err := r.outbox.Clear(ctx, b); err != nil {
		return fmt.Errorf("relay: clear outbox of %s/%s: %w", b.Source, b.DocID, err)
	}
	return nil
}

// Run hands on events until ctx ends: at once while there are more,
// otherwise every interval, or sooner when nudged. It reports every pass
// (the events handed on, and what failed) to done: a pass that handed on
// nothing and failed nothing found every outbox empty when it began,
// which is how operators see the relay alive and how tests know that
// what was written before has reached the queue.
func (r *Relay) Run(ctx context.Context, interval time.Duration, nudge <-chan struct{}, done func(n int, err error)) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-nudge:
		}
		n, err := r.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		done(n, err)
		next := interval
		if n >= r.batch && err == nil {
			next = 0
		}
		t.Reset(next)
	}
}
