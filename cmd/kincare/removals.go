package main

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/privacy"
)

// startRemovalRepair settles, at start and every interval (the
// ladders' resync interval: it is about alarms reaching someone), the
// elders whose removal died part-way (app/families RepairRemovals): a
// family that lives on gets their alarms back, a family left without
// members is dissolved, and account deletions that will dissolve a
// family are finished at once rather than at the hourly job. Replicas
// running it at once are safe: each step is a versioned write or an
// idempotent erasure.
func (s *server) startRemovalRepair(interval time.Duration, fams *families.Service, priv *privacy.Service, passes passCounter) {
	s.background(func(ctx context.Context) {
		pass := func(ctx context.Context) {
			r, err := fams.RepairRemovals(ctx)
			if len(r.Pending) > 0 {
				_, ferr := priv.FinishDeletions(ctx)
				err = errors.Join(err, ferr)
			}
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.log.Warn("elder removal repair", "err", err)
			}
			if r.Found() > 0 {
				s.log.Info("elder removals left part-way repaired", "taken_back", r.TakenBack,
					"finished", r.Finished, "pending_account_deletion", r.Pending)
			}
			passes.done(loopRemovalRepair, r.Found(), err)
		}
		pass(ctx)
		every(ctx, interval, pass)
	})
}
