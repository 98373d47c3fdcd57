package jobs

import (
	"errors"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/app/notify"
)

// Metrics counts what the worker did.
type Metrics struct {
	delivered  prometheus.Counter
	deliverLag prometheus.Histogram
	pushes     *prometheus.CounterVec
}

// NewMetrics registers the worker's metrics and a collector of the
// queue's depth on reg.
func NewMetrics(reg prometheus.Registerer, rdb redis.UniversalClient, queue string) *Metrics {
	m := &Metrics{
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kincare_events_delivered_total", Help: "Events turned into inbox entries."}),
		deliverLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kincare_event_delivery_lag_seconds", Help: "From an event being due to its delivery.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kincare_pushes_total", Help: "Pushes to devices by outcome."}, []string{"outcome"}),
	}
	reg.MustRegister(m.delivered, m.deliverLag, m.pushes, &queueDepth{
		inspector: asynq.NewInspectorFromRedisClient(rdb), queue: queue,
		desc: prometheus.NewDesc("kincare_job_queue_tasks", "Tasks in the notification queue by state.",
			[]string{"state"}, nil),
	})
	return m
}

func (m *Metrics) count(res notify.SendResult, err error) {
	m.pushes.WithLabelValues("sent").Add(float64(res.Sent))
	m.pushes.WithLabelValues("token_pruned").Add(float64(res.Pruned))
	m.pushes.WithLabelValues("failed").Add(float64(res.Failed))
	var r *notify.RetryableError
	if errors.As(err, &r) {
		m.pushes.WithLabelValues("retried").Inc()
	}
}

// queueDepth reads the queue's counts from Redis at scrape time.
type queueDepth struct {
	inspector *asynq.Inspector
	queue     string
	desc      *prometheus.Desc
}

func (q *queueDepth) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueDepth) Collect(ch chan<- prometheus.Metric) {
	info, err := q.inspector.GetQueueInfo(q.queue)
	if err != nil {
		return // no queue yet, or Redis away: /readyz says so
	}
	for state, n := range map[string]int{"pending": info.Pending, "scheduled": info.Scheduled,
		"retry": info.Retry, "active": info.Active, "archived": info.Archived} {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), state)
	}
}
