package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/sms"
	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/app/incidents"
)

// deviceEventCounter counts vendors' events by outcome.
type deviceEventCounter struct{ c *prometheus.CounterVec }

func newDeviceEventCounter(reg *prometheus.Registry) deviceEventCounter {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kincare_device_events_total",
		Help: "Home-device events from vendors' platforms, by outcome."}, []string{"outcome"})
	for _, o := range homedevices.Outcomes {
		c.WithLabelValues(o)
	}
	reg.MustRegister(c)
	return deviceEventCounter{c: c}
}

func (d deviceEventCounter) Count(outcome string) { d.c.WithLabelValues(outcome).Inc() }

// startIncidentJobs runs the escalation ladders' timers in this process:
// every poll interval the rungs whose deadline came are called, and every
// resync interval (and at start) the timers in Redis are loaded again
// from MongoDB's open incidents, texts a crash left unsent are sent, and
// device alarms stored without their incident raise it.
// Replicas doing both at once is safe: a rung is one versioned write the
// incident refuses to make twice.
func (s *server) startIncidentJobs(poll, resync, watch time.Duration, svc *incidents.Service,
	devices *homedevices.Service, passes passCounter) {
	s.background(func(ctx context.Context) {
		sync := func() {
			if err := svc.Resync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("incident timers resync", "err", err)
			}
			n, err := devices.RaisePending(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("device alarms left unraised", "err", err)
			}
			if n > 0 {
				s.log.Info("device alarms raised by the repair", "count", n)
			}
		}
		sync()
		pollTick := time.NewTicker(poll)
		defer pollTick.Stop()
		resyncTick := time.NewTicker(resync)
		defer resyncTick.Stop()
		watchTick := time.NewTicker(watch)
		defer watchTick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-resyncTick.C:
				sync()
			case <-watchTick.C:
				r, err := devices.Watch(ctx)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					s.log.Warn("home-device watch", "err", err)
				}
				if r.DoorAlarms+r.Offline > 0 {
					s.log.Info("home-device watch", "door_alarms", r.DoorAlarms, "offline", r.Offline)
				}
				passes.done(loopDeviceWatch, r.DoorAlarms+r.Offline, err)
			case <-pollTick.C:
				n, err := svc.FireDue(ctx)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					s.log.Warn("incident ladder", "err", err)
				}
				passes.done(loopIncidentLadder, n, err)
				if n > 0 {
					s.log.Info("incident rungs called", "count", n)
				}
			}
		}
	})
}

// alertSender texts emergency contacts through the configured SMS port.
func alertSender(cfg config.Config, log *slog.Logger) incidents.SMS {
	if cfg.SMSProvider == "webhook" {
		return sms.NewWebhookSender(cfg.SMSWebhookURL, cfg.SMSWebhookToken)
	}
	return sms.NewLogSender(log)
}
