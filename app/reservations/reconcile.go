package reservations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/reservation"
)

// Repairs is what one reconciliation found and mended.
type Repairs struct {
	Slots           int // open slots checked
	BookingsWritten int // seats whose booking was never written
	SeatsFreed      int // cancelled bookings still holding a seat
}

const reconcilePage = 100

// Reconcile makes MongoDB whole and Redis agree with it, for every slot
// still open: a seat without its booking (a crash between the two
// writes of a confirmation) gets its booking; a cancelled booking still
// seated (a crash inside a cancellation) frees its seat; then Redis is
// synced, which rebuilds a slot it lost and corrects its counts after a
// step it missed. Run at start and every few minutes.
func (s *Service) Reconcile(ctx context.Context) (Repairs, error) {
	var r Repairs
	var errs []error
	after := ""
	for {
		slots, err := s.d.Slots.Open(ctx, s.d.Now(), after, reconcilePage)
		if err != nil {
			return r, errors.Join(append(errs, err)...)
		}
		for _, sl := range slots {
			r.Slots++
			if err := s.reconcileSlot(ctx, sl, &r); err != nil {
				errs = append(errs, fmt.Errorf("slot %s: %w", sl.ID(), err))
			}
		}
		if len(slots) < reconcilePage {
			return r, errors.Join(errs...)
		}
		after = slots[len(slots)-1].ID()
	}
}

func (s *Service) reconcileSlot(ctx context.Context, sl *reservation.Slot, r *Repairs) error {
	bookings, err := s.d.Bookings.OfSlot(ctx, sl.ID())
	if err != nil {
		return err
	}
	byID := make(map[string]*reservation.Booking, len(bookings))
	for _, b := range bookings {
		byID[b.ID()] = b
	}
	for _, seat := range sl.Seats() {
		b, ok := byID[seat.HoldID]
		switch {
		case !ok:
			if _, err := s.writeBooking(ctx, sl, seat); err != nil {
				return err
			}
			r.BookingsWritten++
		case b.Status() == reservation.Cancelled:
			if err := s.freeSeat(ctx, sl.ID(), seat.HoldID); err != nil {
				return err
			}
			r.SeatsFreed++
		}
	}
	fresh, version, err := s.d.Slots.Get(ctx, sl.ID())
	if err != nil {
		return err
	}
	if err := s.d.Engine.Sync(ctx, stateOf(fresh, version, s.d.Now())); err != nil {
		return err
	}
	return s.remindAgain(ctx, fresh)
}

// remindAgain schedules again the reminders of a slot's live holds. The
// job queue may have lost a reminder its hold survived: on a Redis
// Cluster the queue and the slot live on different nodes, and a failover
// of the queue's node (or its outage when the hold was taken) loses the
// reminder alone. Queuing one the queue has changes nothing (the event id
// is the task id, and the inbox is unique per event and user). A lost
// reminder comes late rather than never, while its hold has a minute
// left to act on; one lost less than a minute before that is not sent,
// the cost of reconciling every few minutes and not on every hold.
func (s *Service) remindAgain(ctx context.Context, sl *reservation.Slot) error {
	ttl := sl.Rules().HoldTTL
	if ttl <= 0 {
		ttl = reservation.DefaultHoldTTL
	}
	if ttl-RemindBefore < time.Minute {
		return nil // the slot's holds are too short to be reminded of
	}
	now := s.d.Now()
	holds, err := s.d.Engine.LiveHolds(ctx, sl.ID(), now)
	if err != nil {
		return err
	}
	for _, h := range holds {
		if h.ExpiresAt.Sub(now) < time.Minute {
			continue
		}
		if err := s.scheduleReminder(ctx, sl.Resource().Kind, h, now); err != nil {
			return fmt.Errorf("hold reminder %s: %w", h.ID, err)
		}
	}
	return nil
}

// Sweep serves every slot with waiters: units freed by lapsed holds and
// unclaimed waitlist holds pass to the next in line.
func (s *Service) Sweep(ctx context.Context) error {
	var errs []error
	after := ""
	for {
		slots, err := s.d.Slots.WithWaiters(ctx, s.d.Now(), after, reconcilePage)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		for _, sl := range slots {
			if err := s.serveSlot(ctx, sl.ID()); err != nil {
				errs = append(errs, fmt.Errorf("slot %s: %w", sl.ID(), err))
			}
		}
		if len(slots) < reconcilePage {
			return errors.Join(errs...)
		}
		after = slots[len(slots)-1].ID()
	}
}

// Passes hear of each completed pass of Run: what a reconciliation
// repaired, and what failed (tried again next pass).
type Passes struct {
	Swept      func(err error)
	Reconciled func(r Repairs, err error)
	// Reminded hears how many kept reminders a pass queued.
	Reminded func(queued int, err error)
}

// Run sweeps every interval, reconciles every reconcileEvery and hands
// kept reminders to the job queue every reminderPass until ctx ends,
// reporting each pass to passes.
func (s *Service) Run(ctx context.Context, interval, reconcileEvery time.Duration, passes Passes) {
	sweep := time.NewTicker(interval)
	defer sweep.Stop()
	rec := time.NewTicker(reconcileEvery)
	defer rec.Stop()
	remind := time.NewTicker(reminderPass)
	defer remind.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-remind.C:
			n, err := s.ForwardReminders(ctx)
			if ctx.Err() != nil {
				return
			}
			if passes.Reminded != nil {
				passes.Reminded(n, err)
			}
		case <-sweep.C:
			err := s.Sweep(ctx)
			if ctx.Err() != nil {
				return
			}
			passes.Swept(err)
		case <-rec.C:
			r, err := s.Reconcile(ctx)
			if ctx.Err() != nil {
				return
			}
			passes.Reconciled(r, err)
		}
	}
}
