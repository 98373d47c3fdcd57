package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/notify"
)

// WorkerConfig tunes the worker.
type WorkerConfig struct {
	Queue       string
	Concurrency int
	// PollInterval is how often an idle worker looks for tasks;
	// DueInterval how often scheduled and retried tasks that are due are
	// moved to the queue (PollInterval if zero).
	PollInterval time.Duration
	DueInterval  time.Duration
	// RetryBase is the first retry's delay; each retry doubles it, with
	// jitter, up to RetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
	// BaseContext, if set, is the context every task's handler starts
	// from (e.g. marking its writes as a background loop's).
	BaseContext func() context.Context
}

// Worker processes notification tasks.
type Worker struct {
	srv     *asynq.Server
	mux     *asynq.ServeMux
	notify  *notify.Service
	metrics *Metrics
	log     *slog.Logger
}

func NewWorker(rdb redis.UniversalClient, svc *notify.Service, cfg WorkerConfig, m *Metrics, log *slog.Logger) *Worker {
	w := &Worker{notify: svc, metrics: m, log: log}
	due := cfg.DueInterval
	if due == 0 {
		due = cfg.PollInterval
	}
	w.srv = asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency:              cfg.Concurrency,
		Queues:                   map[string]int{cfg.Queue: 1},
		TaskCheckInterval:        cfg.PollInterval,
		DelayedTaskCheckInterval: due,
		RetryDelayFunc:           retryDelay(cfg.RetryBase, cfg.RetryMax),
		ShutdownTimeout:          10 * time.Second,
		BaseContext:              cfg.BaseContext,
		Logger:                   slogAdapter{log},
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(_ context.Context, t *asynq.Task, err error) {
			var r *notify.RetryableError
			if errors.As(err, &r) {
				return // counted and logged where it happened
			}
			log.Warn("job failed", "task", t.Type(), "err", err)
		}),
	})
	w.mux = asynq.NewServeMux()
	w.mux.HandleFunc(typeDeliver, w.deliver)
	w.mux.HandleFunc(typePush, w.push)
	return w
}

// Start begins processing in the background.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("jobs: start worker: %w", err)
	}
	return nil
}

// Shutdown waits for running tasks (bounded), then stops.
func (w *Worker) Shutdown() { w.srv.Shutdown() }

func (w *Worker) deliver(ctx context.Context, t *asynq.Task) error {
	var p eventPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: decode event: %v", asynq.SkipRetry, err)
	}
	e := p.event()
	err := w.notify.Deliver(ctx, e)
	if errors.Is(err, notify.ErrUnknownEvent) {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	if err == nil {
		w.metrics.delivered.Inc()
		w.metrics.deliverLag.Observe(time.Since(e.Due()).Seconds())
	}
	return err
}

func (w *Worker) push(ctx context.Context, t *asynq.Task) error {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	res, err := w.notify.SendPush(ctx, string(t.Payload()), retried >= maxRetry)
	w.metrics.count(res, err)
	return err
}

// retryDelay backs off exponentially with equal jitter (half fixed,
// half random, so retries neither collide nor come too soon), and waits at
// least as long as the push service asked (Retry-After).
func retryDelay(base, ceiling time.Duration) asynq.RetryDelayFunc {
	return func(n int, err error, _ *asynq.Task) time.Duration {
		d := min(base<<min(n, 20), ceiling)
		d = d/2 + rand.N(d/2+1)
		var r *notify.RetryableError
		if errors.As(err, &r) && r.After+time.Second > d {
			// asynq schedules in whole seconds, truncating: without the
			// extra second a retry could come before the service allows.
			d = r.After + time.Second
		}
		return d
	}
}

// slogAdapter gives asynq our structured logger.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a slogAdapter) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), "component", "asynq", "fatal", true)
}
