// Package redis implements the ports kept in Redis: login codes, rate
// limits, idempotency records and the admission of holds on slots.
// Nothing here is the only copy of anything that must last: losing Redis
// loses pending codes, counters and minutes-long holds, which users, the
// limiter and a rebuild from MongoDB recover from.
//
// It runs on one node, on a Redis Cluster and on a master watched by
// Sentinel alike: every adapter takes a goredis.UniversalClient, and
// every command or script touches keys of one hash slot (a hash tag per
// slot, user, phone or index), except pipelines, which go-redis splits
// by node.
package redis

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
)

// Mode is the kind of Redis deployment.
type Mode string

const (
	Single   Mode = "single"   // one node (REDIS_URL)
	Cluster  Mode = "cluster"  // Redis Cluster (REDIS_CLUSTER_ADDRS)
	Sentinel Mode = "sentinel" // a master and replicas watched by Sentinel (REDIS_SENTINEL_ADDRS)
)

// Options says which Redis deployment to use and how to reach it. One of
// URL, ClusterAddrs and SentinelAddrs is set.
type Options struct {
	URL           string   // one node: redis:// or rediss:// (TLS)
	ClusterAddrs  []string // Redis Cluster: some of its nodes, host:port; the rest are discovered
	SentinelAddrs []string // Sentinel: the Sentinels, host:port
	MasterName    string   // Sentinel: the master's name
	// Username and Password authenticate to the data nodes (in every
	// mode; they replace a URL's). SentinelPassword authenticates to the
	// Sentinels, which may have their own.
	Username, Password string
	SentinelPassword   string
	// TLS encrypts the connections of a cluster or Sentinel deployment
	// (a URL asks with rediss://). TLSCAFile, PEM, replaces the system's
	// roots, for a private CA.
	TLS       bool
	TLSCAFile string
}

// Mode is the deployment the options describe.
func (o Options) Mode() Mode {
	switch {
	case len(o.ClusterAddrs) > 0:
		return Cluster
	case len(o.SentinelAddrs) > 0:
		return Sentinel
	default:
		return Single
	}
}

// Connect opens a client of the deployment o describes and waits until
// it answers. On a cluster it also reloads the slot map whenever a node
// fails to answer, so a replica promoted in a failover gets the traffic
// as soon as the cluster knows, not at go-redis' periodic reload (every
// 10 s), until which the dead master's slots would keep failing.
func Connect(ctx context.Context, o Options) (goredis.UniversalClient, error) {
	var tlsConfig *tls.Config
	if o.TLS || o.TLSCAFile != "" {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if o.TLSCAFile != "" {
			roots, err := loadRoots(o.TLSCAFile)
			if err != nil {
				return nil, err
			}
			tlsConfig.RootCAs = roots
		}
	}
	var rdb goredis.UniversalClient
	switch o.Mode() {
	case Cluster:
		c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: o.ClusterAddrs,
			Username: o.Username, Password: o.Password, TLSConfig: tlsConfig})
		c.AddHook(reloadOnFailure{c})
		rdb = c
	case Sentinel:
		rdb = goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: o.MasterName,
			SentinelAddrs: o.SentinelAddrs, SentinelPassword: o.SentinelPassword,
			Username: o.Username, Password: o.Password, TLSConfig: tlsConfig})
	default:
		opts, err := goredis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		if o.Username != "" || o.Password != "" {
			opts.Username, opts.Password = o.Username, o.Password
		}
		if opts.TLSConfig != nil && tlsConfig != nil {
			tlsConfig.ServerName = opts.TLSConfig.ServerName
			opts.TLSConfig = tlsConfig
		}
		rdb = goredis.NewClient(opts)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := rdb.Ping(pingCtx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis: ping %s: %w", o.Mode(), err)
	}
	return rdb, nil
}

func loadRoots(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("redis: TLS CA file: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("redis: TLS CA file %s holds no PEM certificate", path)
	}
	return roots, nil
}

// reloadOnFailure asks a cluster client to reload its slot map (at most
// one reload at a time, go-redis' own LazyReload) after a command or
// pipeline failed because a node did not answer or the cluster was down.
type reloadOnFailure struct{ c *goredis.ClusterClient }

func (h reloadOnFailure) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h reloadOnFailure) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && Unavailable(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

func (h reloadOnFailure) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && Unavailable(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

// PoolCollector exports go-redis connection pool statistics (summed over
// a cluster's nodes).
func PoolCollector(c goredis.UniversalClient) prometheus.Collector { return poolCollector{c} }

type poolCollector struct{ c goredis.UniversalClient }

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

// LogTo sends go-redis' own log lines (a Sentinel's new master, a node
// it could not reach) to log at warn level, as JSON like the rest,
// instead of plain text on stderr. go-redis keeps one logger per process,
// so main calls this once.
func LogTo(log *slog.Logger) { goredis.SetLogger(slogPrinter{log}) }

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(ctx context.Context, format string, v ...any) {
	p.log.WarnContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
