package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/orders"
)

// orderSweepEvery is how often order timers are applied: offers lapse in
// minutes, so a lapsed round waits at most this long for the next.
const orderSweepEvery = 30 * time.Second

// startOrderTimers applies the order timers (expiry at the window start,
// lapsed offers, no-shows, auto-confirmation) in this process. Sweeps on
// several replicas at once are safe: each change is a versioned write.
func (s *server) startOrderTimers(svc *orders.Service) {
	s.background(func(ctx context.Context) {
		every(ctx, orderSweepEvery, func(ctx context.Context) {
			res, err := svc.Sweep(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn("order timers", "err", err)
			case res != (orders.SweepResult{}):
				s.log.Info("order timers applied", "expired", res.Expired, "reoffered", res.Redispatched,
					"no_shows", res.NoShows, "confirmed", res.Confirmed, "handed_back", res.HandedBack)
			}
		})
	})
}
