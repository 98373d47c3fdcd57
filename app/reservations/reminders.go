package reservations

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A parent's hold keeps its reminder in the engine, written in the same
// round trip as the hold (HoldRequest.RemindBefore), instead of queuing
// it in asynq while the parent waits for the answer: asynq's schedule is
// a script round trip of its own, a sixth of a granted hold's cost
// (docs/benchmarks.md, issue 21). ForwardReminders hands each one to the
// job queue reminderLead before it is due, from any replica, and drops
// the reminders of holds booked or let go by then, which would tell
// nobody: most holds never reach the queue at all.
//
// What survives what is unchanged: the kept reminder is in Redis when
// the parent is answered, as the queued one was; a replica that dies
// leaves it for the others (or itself, restarted) to hand on; a Redis
// that lost it lost the hold too, or (on a cluster, where the two live
// on different nodes) the reconciler schedules it again from the live
// hold (remindAgain).
const (
	// reminderPass is how often kept reminders are looked at.
	reminderPass = 5 * time.Second
	// reminderLead is how long before its time a reminder goes to the
	// queue, which then holds it until due: more than a pass, so a
	// reminder is queued before its time even when a pass is late.
	reminderLead = 30 * time.Second
	// reminderPage bounds one read of the kept reminders.
	reminderPage = 500
)

// ForwardReminders queues the kept reminders due within reminderLead,
// for their time, and forgets them and those of holds no longer live.
// A reminder the queue did not take stays kept and is tried again next
// pass. It reports how many it queued. Replicas doing it at once queue a
// reminder once: its event id is the task id.
func (s *Service) ForwardReminders(ctx context.Context) (int, error) {
	queued := 0
	var errs []error
	for {
		now := s.d.Now()
		due, err := s.d.Engine.DueReminders(ctx, now.Add(reminderLead), now, reminderPage)
		if err != nil {
			return queued, errors.Join(append(errs, err)...)
		}
		done := make([]string, 0, len(due))
		for _, r := range due {
			if r.Live {
				if err := s.scheduleReminder(ctx, r.Kind, r.Hold, now); err != nil {
					errs = append(errs, fmt.Errorf("hold reminder %s: %w", r.Hold.ID, err))
					continue
				}
				queued++
			}
			done = append(done, r.Hold.ID)
		}
		if len(done) > 0 {
			if err := s.d.Engine.ForgetReminders(ctx, done); err != nil {
				return queued, errors.Join(append(errs, err)...)
			}
		}
		// A page with a reminder left kept (not queued) would come back
		// first next time: stop at it rather than loop on it.
		if len(due) < reminderPage || len(done) < len(due) || ctx.Err() != nil {
			return queued, errors.Join(errs...)
		}
	}
}
