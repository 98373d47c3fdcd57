package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/adapters/mongo"
)

// background runs fn in its own goroutine until the server stops: the
// closer it adds cancels fn's context and waits for fn to return, so a
// pass under way ends before the stores it uses are closed. Its writes
// give way to requests' on the embedded store (mongo.Background).
func (s *server) background(fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(mongo.Background(context.Background()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(ctx)
	}()
	s.closers = append(s.closers, func(context.Context) error { cancel(); <-done; return nil })
}

// every calls pass each interval until ctx ends, the first time one
// interval from now: a loop with a pass at start calls it first. A pass
// is never called once ctx has ended, and passes never overlap.
func every(ctx context.Context, interval time.Duration, pass func(context.Context)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if ctx.Err() != nil {
				return // both were ready: select picked the tick
			}
			pass(ctx)
		}
	}
}
