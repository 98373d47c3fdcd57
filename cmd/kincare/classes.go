package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/adapters/clock"
	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/jobs"
)

// kincareClock is the wall clock, or the clock KINCARE_TEST_CLOCK_OFFSET_FILE
// moves (refused in production by the configuration).
func kincareClock(cfg config.Config) (*clock.Offset, error) {
	if cfg.TestClockOffsetFile == "" {
		return clock.Wall(), nil
	}
	return clock.OffsetFile(cfg.TestClockOffsetFile)
}

// startDueMover starts, on a moved clock only, the event deliveries due
// on it that asynq, scheduling by the wall clock, would start later.
func (s *server) startDueMover(clk *clock.Offset, queue *jobs.Client, interval time.Duration, passes passCounter) {
	if !clk.Moved() {
		return
	}
	s.background(func(ctx context.Context) {
		every(ctx, interval, func(ctx context.Context) {
			n, err := queue.RunDue(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.log.Warn("due deliveries on the moved clock", "err", err)
			}
			passes.done(loopDueMover, n, err)
		})
	})
}
