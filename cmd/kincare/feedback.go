package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/orders"
)

// ratingRecountEvery is how often ratings are recounted from the orders:
// it repairs only what a crash between a rating and its count left, so
// once at start and then hourly is plenty.
const ratingRecountEvery = time.Hour

// startFeedbackJobs runs, in this process, the complaints' response
// timer (every interval: unanswered complaints go to the regulator, and
// decided credit changes a crash left unwritten are written) and the
// ratings' recount (at start, then hourly). Replicas doing either at once
// is safe: every change is a versioned write that the complaint or the
// provider's counters refuse to make twice.
func (s *server) startFeedbackJobs(interval time.Duration, orderSvc *orders.Service, complaintSvc *complaints.Service) {
	s.background(func(ctx context.Context) {
		recount := func() {
			r, err := orderSvc.RecountRatings(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn("ratings recount", "err", err)
			case r.Repaired > 0:
				s.log.Info("ratings recounted", "providers", r.Providers, "repaired", r.Repaired)
			}
		}
		recount()
		sweep := time.NewTicker(interval)
		defer sweep.Stop()
		hourly := time.NewTicker(ratingRecountEvery)
		defer hourly.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hourly.C:
				recount()
			case <-sweep.C:
				res, err := complaintSvc.Sweep(ctx)
				switch {
				case err != nil && ctx.Err() == nil:
					s.log.Warn("complaint timer", "err", err)
				case res != (complaints.SweepResult{}):
					s.log.Info("complaint timer applied", "escalated", res.Escalated, "credit_applied", res.CreditApplied)
				}
			}
		}
	})
}
