package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
)

// countedJournal counts the journal's writes, and refuses any write
// holding the event refused names.
type countedJournal struct {
	notify.Journal
	saves, saved atomic.Int64
	refused      string
}

func (j *countedJournal) Save(ctx context.Context, events []event.Event) error {
	j.saves.Add(1)
	for _, e := range events {
		if e.ID == j.refused {
			return errors.New("document too large")
		}
	}
	j.saved.Add(int64(len(events)))
	return j.Journal.Save(ctx, events)
}

// refusing fails to observe one event until told otherwise.
type refusing struct {
	id      string
	refuses atomic.Bool
}

func (o *refusing) Observe(_ context.Context, events []event.Event) error {
	for _, e := range events {
		if e.ID == o.id && o.refuses.Load() {
			return errors.New("read model unavailable")
		}
	}
	return nil
}

// A pass of the relay journals every document's events in one write,
// and a document its observer refuses keeps its events (out of the
// journal) while the others are handed on.
func TestARelayPassJournalsItsDocumentsInOneWrite(t *testing.T) {
	r := newRig(t, rigOptions{})
	events := r.eventOnEachHost("relay-host-a", "relay-host-b", "relay-host-c")
	journal := &countedJournal{Journal: r.store.Journal()}
	observer := &refusing{id: events["relay-host-b"].ID}
	observer.refuses.Store(true)
	relay := notify.NewRelay(r.store.Outbox(), journal, r.queue)
	relay.Observe(observer)

	n, err := relay.RunOnce(r.ctx)
	if err == nil || n != 2 {
		t.Fatalf("handed on %d events (%v); want 2, and an error for relay-host-b", n, err)
	}
	if journal.saves.Load() != 1 || journal.saved.Load() != 2 {
		t.Fatalf("%d journal writes of %d events; want 1 of 2", journal.saves.Load(), journal.saved.Load())
	}
	pending, err := r.store.Outbox().Pending(r.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].DocID != "relay-host-b" || len(pending[0].Events) != 1 ||
		pending[0].Events[0].ID != events["relay-host-b"].ID {
		t.Fatalf("outboxes left %+v; want relay-host-b's event alone", pending)
	}

	observer.refuses.Store(false)
	if n, err := relay.RunOnce(r.ctx); err != nil || n != 1 {
		t.Fatalf("second pass handed on %d (%v); want 1", n, err)
	}
	if pending, _ := r.store.Outbox().Pending(r.ctx, 100); len(pending) != 0 {
		t.Fatalf("outboxes left %+v after the second pass", pending)
	}
	if journal.saves.Load() != 2 {
		t.Fatalf("%d journal writes after two passes", journal.saves.Load())
	}
}

// When the pass's one journal write fails, each document's events are
// journaled on their own: the one the store refuses stays in its
// outbox, and the others are handed on.
func TestADocumentTheJournalRefusesHoldsUpOnlyItself(t *testing.T) {
	r := newRig(t, rigOptions{})
	events := r.eventOnEachHost("refused-host-a", "refused-host-b", "refused-host-c")
	journal := &countedJournal{Journal: r.store.Journal(), refused: events["refused-host-b"].ID}
	relay := notify.NewRelay(r.store.Outbox(), journal, r.queue)

	n, err := relay.RunOnce(r.ctx)
	if err == nil || !strings.Contains(err.Error(), "refused-host-b") || n != 2 {
		t.Fatalf("handed on %d events (%v); want 2, and an error naming refused-host-b", n, err)
	}
	if journal.saves.Load() != 4 || journal.saved.Load() != 2 {
		t.Fatalf("%d journal writes saving %d events; want 4 (one for all, then one each) saving 2",
			journal.saves.Load(), journal.saved.Load())
	}
	pending, err := r.store.Outbox().Pending(r.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].DocID != "refused-host-b" {
		t.Fatalf("outboxes left %+v; want refused-host-b's alone", pending)
	}
}

// eventOnEachHost records one event for a new user in each host's
// outbox, and answers them by host.
func (r *rig) eventOnEachHost(hosts ...string) map[string]event.Event {
	r.t.Helper()
	mother := r.user(identity.LocaleZhCN, "tok-mother")
	events := map[string]event.Event{}
	for _, h := range hosts {
		events[h] = r.event(visitStarted, mother)
		r.record(h, events[h])
	}
	return events
}
