package notify

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/domain/event"
)

// Announcer hands on events that no aggregate's write carries, because
// what they report is not a stored change: a password being guessed is a
// count in Redis. It does what the relay does after reading an outbox:
// journal first, then queue under the event's own id, so a crash after
// the journal write still delivers (Reconcile queues it again), and
// announcing one event twice delivers it once.
type Announcer struct {
	journal Journal
	queue   Queue
}

func NewAnnouncer(journal Journal, queue Queue) *Announcer {
	return &Announcer{journal: journal, queue: queue}
}

// Announce journals and queues events.
func (a *Announcer) Announce(ctx context.Context, events ...event.Event) error {
	if err := a.journal.Save(ctx, events); err != nil {
		return fmt.Errorf("announce: journal: %w", err)
	}
	for _, e := range events {
		if _, err := a.queue.EnqueueEvent(ctx, e); err != nil {
			return fmt.Errorf("announce: queue event %s: %w", e.ID, err)
		}
	}
	return nil
}
