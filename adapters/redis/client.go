// Package redis implements the ports kept in Redis: login codes, rate
// limits, idempotency records and the admission of holds on slots.
// Nothing here is the only copy of anything that must last: losing Redis
// loses pending codes, counters and minutes-long holds, which users, the
// limiter and a rebuild from MongoDB recover from.
package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
)

// Connect parses a redis:// URL and waits until the server answers.
func Connect(ctx context.Context, url string) (*goredis.Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	client := goredis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redis: ping: %w", err)
	}
	return client, nil
}

// PoolCollector exports go-redis connection pool statistics.
func PoolCollector(c *goredis.Client) prometheus.Collector { return poolCollector{c} }

type poolCollector struct{ c *goredis.Client }

var (
	poolHits     = prometheus.NewDesc("kincare_redis_pool_hits_total", "Times a free connection was found in the pool.", nil, nil)
	poolMisses   = prometheus.NewDesc("kincare_redis_pool_misses_total", "Times a free connection was not found in the pool.", nil, nil)
	poolTimeouts = prometheus.NewDesc("kincare_redis_pool_timeouts_total", "Times a wait for a connection timed out.", nil, nil)
	poolTotal    = prometheus.NewDesc("kincare_redis_pool_connections", "Connections in the pool.", nil, nil)
	poolIdle     = prometheus.NewDesc("kincare_redis_pool_idle_connections", "Idle connections in the pool.", nil, nil)
	poolStale    = prometheus.NewDesc("kincare_redis_pool_stale_connections_total", "Stale connections removed from the pool.", nil, nil)
)

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolHits, poolMisses, poolTimeouts, poolTotal, poolIdle, poolStale} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := p.c.PoolStats()
	ch <- prometheus.MustNewConstMetric(poolHits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(poolMisses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(poolTimeouts, prometheus.CounterValue, float64(s.Timeouts))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns))
	ch <- prometheus.MustNewConstMetric(poolStale, prometheus.CounterValue, float64(s.StaleConns))
}
