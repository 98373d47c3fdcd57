package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/sms"
	"github.com/kincare/kincare/app/incidents"
)

// startIncidentJobs runs the escalation ladders' timers in this process:
// every poll interval the rungs whose deadline came are called, and every
// resync interval (and at start) the timers in Redis are loaded again
// from MongoDB's open incidents and texts a crash left unsent are sent.
// Replicas doing both at once is safe: a rung is one versioned write the
// incident refuses to make twice.
func (s *server) startIncidentJobs(poll, resync time.Duration, svc *incidents.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sync := func() {
			if err := svc.Resync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("incident timers resync", "err", err)
			}
		}
		sync()
		pollTick := time.NewTicker(poll)
		defer pollTick.Stop()
		resyncTick := time.NewTicker(resync)
		defer resyncTick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-resyncTick.C:
				sync()
			case <-pollTick.C:
				n, err := svc.FireDue(ctx)
				if err != nil && ctx.Err() == nil {
					s.log.Warn("incident ladder", "err", err)
				}
				if n > 0 {
					s.log.Info("incident rungs called", "count", n)
				}
			}
		}
	}()
	s.closers = append(s.closers, func(context.Context) error { cancel(); <-done; return nil })
}

// alertSender texts emergency contacts through the configured SMS port.
func alertSender(cfg config.Config, log *slog.Logger) incidents.SMS {
	if cfg.SMSProvider == "webhook" {
		return sms.NewWebhookSender(cfg.SMSWebhookURL, cfg.SMSWebhookToken)
	}
	return sms.NewLogSender(log)
}
