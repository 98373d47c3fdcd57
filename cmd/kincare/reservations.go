package main

import (
	"context"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/app/reservations"
)

// startReservationJobs serves waitlists, queues the holds' reminders
// kept with them as they come due, and reconciles MongoDB and Redis
// in this process: once at start (a crash may have split a confirmation
// or a cancellation; the embedded Redis starts empty), then on their
// intervals. Several replicas doing it at once is safe: every repair is
// a versioned write or an idempotent script.
func (s *server) startReservationJobs(cfg config.Config, svc *reservations.Service, passes passCounter) {
	s.background(func(ctx context.Context) {
		if r, err := svc.Reconcile(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("reservations reconcile", "err", err)
		} else if r.BookingsWritten+r.SeatsFreed > 0 {
			s.log.Info("reservations repaired", "bookings_written", r.BookingsWritten, "seats_freed", r.SeatsFreed)
		}
		svc.Run(ctx, cfg.ReservationSweepInterval, cfg.ReservationReconcileInterval, reservations.Passes{
			Swept: func(err error) {
				if err != nil {
					s.log.Warn("reservations sweep", "err", err)
				}
				passes.done(loopReservationSweep, 0, err)
			},
			Reconciled: func(r reservations.Repairs, err error) {
				if err != nil {
					s.log.Warn("reservations reconcile", "err", err)
				}
				passes.done(loopReservationReconcile, r.BookingsWritten+r.SeatsFreed, err)
			},
			Reminded: func(n int, err error) {
				if err != nil {
					s.log.Warn("hold reminders not queued", "err", err)
				}
				passes.done(loopReservationReminders, n, err)
			},
		})
	})
}
