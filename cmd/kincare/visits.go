package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/visits"
)

// startVisitWatch runs the monthly visits' watch in this process: every
// interval, on the ladder's (controllable) clock, elders unvisited for
// two months are alerted to their station and volunteers' verified
// visits left uncredited are credited. Replicas running it at once are
// safe: an alert is a conditional write of the care record, a credit an
// entry with a unique key.
func (s *server) startVisitWatch(interval time.Duration, svc *visits.Service, passes passCounter) {
	s.background(func(ctx context.Context) {
		every(ctx, interval, func(ctx context.Context) {
			r, err := svc.Watch(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.log.Warn("visit watch", "err", err)
			}
			if r.Alerted+r.Credited+r.Donated > 0 {
				s.log.Info("visit watch", "alerted", r.Alerted, "credited", r.Credited, "donated", r.Donated)
			}
			passes.done(loopVisitWatch, r.Alerted+r.Credited+r.Donated, err)
		})
	})
}
