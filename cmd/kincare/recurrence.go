package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/recurrence"
)

// startRecurrence runs the recurring-order generator in this process: at
// start and every interval. What it made is in MongoDB (one occurrence
// record per plan and date), so a restart carries on and replicas running
// it at once make each occurrence once.
func (s *server) startRecurrence(interval time.Duration, gen *recurrence.Generator, passes passCounter) {
	pass := func(ctx context.Context) {
		res, err := gen.Run(ctx)
		if ctx.Err() == nil {
			passes.done(loopRecurringOrders, res.Made+res.Skipped, err)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("recurring orders", "err", err)
		case res != (recurrence.Result{}):
			s.log.Info("recurring orders generated", "made", res.Made, "skipped", res.Skipped, "left", res.Left)
		}
	}
	s.background(func(ctx context.Context) {
		pass(ctx)
		every(ctx, interval, pass)
	})
}
