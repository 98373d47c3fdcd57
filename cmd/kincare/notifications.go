package main

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/jobs"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/push"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
)

// reconcileEvery is how often the job queue is checked against MongoDB;
// it also runs once at start, which is what rebuilds an embedded Redis.
const reconcileEvery = 5 * time.Minute

// keepDelivered is how long delivered events stay in the journal.
const keepDelivered = 30 * 24 * time.Hour

func newPusher(ctx context.Context, cfg config.Config, log *slog.Logger) (notify.Pusher, error) {
	if !cfg.PushEnabled() {
		log.Info("push notifications are logged, not sent: FCM_PROJECT_ID is not set")
		return push.NewLogSender(log), nil
	}
	return push.NewFCM(ctx, push.FCMConfig{
		ProjectID: cfg.FCMProjectID, CredentialsFile: cfg.FCMCredentialsFile, Endpoint: cfg.FCMEndpoint})
}

// startNotifications runs the outbox relay, the job worker and the
// reconciliation of the queue with MongoDB in this process. The relay
// shows every document's events to the observers first (read models).
func (s *server) startNotifications(cfg config.Config, rdb goredis.UniversalClient, store *mongo.Store,
	queue *jobs.Client, svc *notify.Service, reg prometheus.Registerer, passes passCounter,
	observers ...notify.Observer) error {
	// Every poll for due tasks runs two Lua scripts, and the embedded
	// Redis starts a new interpreter for each: at a poll every 200 ms that
	// was a fifth of an idle server's CPU (docs/benchmarks.md, issue 20).
	// There, tasks due at a time (push retries, reminders) are moved every
	// fifth poll, at most a second late by default; new tasks are looked
	// for at every poll.
	due := cfg.JobsPollInterval
	if cfg.EmbeddedRedis() {
		due *= 5
	}
	worker := jobs.NewWorker(rdb, svc, jobs.WorkerConfig{
		Queue: cfg.JobsQueue, Concurrency: cfg.JobsConcurrency, PollInterval: cfg.JobsPollInterval, DueInterval: due,
		RetryBase: cfg.PushRetryBase, RetryMax: time.Hour,
		// Deliveries and pushes write after the requests that caused them.
		BaseContext: func() context.Context { return mongo.Background(context.Background()) },
	}, jobs.NewMetrics(reg, rdb, cfg.JobsQueue), s.log)
	if err := worker.Start(); err != nil {
		return err
	}
	// The relay's and the reconciler's writes give way to requests'.
	ctx, cancel := context.WithCancel(mongo.Background(context.Background()))
	done := make(chan struct{}, 2)
	relay := notify.NewRelay(store.Outbox(), store.Journal(), queue)
	for _, o := range observers {
		relay.Observe(o)
	}
	go func() {
		defer func() { done <- struct{}{} }()
		relay.Run(ctx, cfg.OutboxPollInterval, store.OutboxWritten(), func(n int, err error) {
			if err != nil {
				s.log.Warn("outbox relay", "err", err)
			}
			passes.done(loopOutboxRelay, n, err)
		})
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		s.reconcile(ctx, svc)
	}()
	s.closers = append(s.closers, func(context.Context) error {
		cancel()
		<-done
		<-done
		worker.Shutdown()
		return nil
	})
	return nil
}

func (s *server) reconcile(ctx context.Context, svc *notify.Service) {
	pass := func(ctx context.Context) {
		events, pushes, err := svc.Reconcile(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("reconcile job queue", "err", err)
		case events+pushes > 0:
			s.log.Info("job queue reconciled with the journal", "events", events, "pushes", pushes)
		}
		if n, err := svc.PurgeDelivered(ctx, keepDelivered); err != nil && ctx.Err() == nil {
			s.log.Warn("purge delivered events", "err", err)
		} else if n > 0 {
			s.log.Info("purged delivered events", "count", n)
		}
	}
	pass(ctx)
	every(ctx, reconcileEvery, pass)
}

// merge gathers the audiences each capability declares.
func merge(parts ...map[event.Type]notify.Audience) map[event.Type]notify.Audience {
	out := map[event.Type]notify.Audience{}
	for _, p := range parts {
		maps.Copy(out, p)
	}
	return out
}
