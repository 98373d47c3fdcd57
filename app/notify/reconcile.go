package notify

import (
	"context"
	"fmt"
	"time"
)

// Reconcile rebuilds the job queue from MongoDB: every journalled event
// not yet delivered and every push not yet finished is queued again (due
// when it was due). Whatever the queue still holds it refuses as a
// duplicate, so this is safe at any time; it is what makes reminders and
// deferred pushes survive a Redis that lost its data. It counts what it
// had to queue again.
func (s *Service) Reconcile(ctx context.Context) (events, pushes int, err error) {
	const page = 500
	for after := ""; ; {
		batch, err := s.d.Journal.Undelivered(ctx, after, page)
		if err != nil {
			return events, pushes, fmt.Errorf("reconcile: read journal: %w", err)
		}
		for _, e := range batch {
			queued, err := s.d.Queue.EnqueueEvent(ctx, e)
			if err != nil {
				return events, pushes, fmt.Errorf("reconcile: queue event %s: %w", e.ID, err)
			}
			if queued {
				events++
			}
			after = e.ID
		}
		if len(batch) < page {
			break
		}
	}
	for after := ""; ; {
		batch, err := s.d.Inbox.UnfinishedPushes(ctx, after, page)
		if err != nil {
			return events, pushes, fmt.Errorf("reconcile: read inbox: %w", err)
		}
		for _, n := range batch {
			queued, err := s.d.Queue.EnqueuePush(ctx, n.ID, n.Push.Due)
			if err != nil {
				return events, pushes, fmt.Errorf("reconcile: queue push %s: %w", n.ID, err)
			}
			if queued {
				pushes++
			}
			after = n.ID
		}
		if len(batch) < page {
			break
		}
	}
	return events, pushes, nil
}

// PurgeDelivered forgets journalled events delivered more than keep ago.
func (s *Service) PurgeDelivered(ctx context.Context, keep time.Duration) (int64, error) {
	return s.d.Journal.PurgeDelivered(ctx, s.d.Now().Add(-keep))
}
