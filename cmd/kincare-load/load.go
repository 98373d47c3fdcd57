package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// loadConfig is one invocation's settings, shared by every target.
type loadConfig struct {
	conns       int
	duration    time.Duration
	warmup      time.Duration
	timeout     time.Duration
	maxRequests int64
	header      http.Header
}

// result is one target's measurement. Latencies are in milliseconds so the
// JSON reads without unit conversion.
type result struct {
	URL         string  `json:"url"`
	Connections int     `json:"connections"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"` // measured responses of any status
	RPS         float64 `json:"requestsPerSecond"`
	P50         float64 `json:"p50Ms"`
	P90         float64 `json:"p90Ms"`
	P99         float64 `json:"p99Ms"`
	Max         float64 `json:"maxMs"`
	Non2xx      int64   `json:"non2xx"`
	Errors      int64   `json:"errors"`
	Capped      bool    `json:"capped"`                 // -max-requests ended it before -d did
	Ratio       float64 `json:"ratioToFirst,omitempty"` // RPS / first target's RPS
	FirstError  string  `json:"firstError,omitempty"`
}

// newClient keeps exactly conns keep-alive connections to one host and
// speaks HTTP/1.1 only, so every worker owns one connection the way a
// closed-loop benchmark assumes.
func newClient(conns int, timeout time.Duration) *http.Client {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	tr := &http.Transport{
		Proxy:               nil, // measure the server, never a proxy from the environment
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // no gzip: the server's own cost, not a codec's
		Protocols:           protocols,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		// A redirect would send load somewhere the caller did not name.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// worker is one closed-loop connection: it sends the next request only
// after reading the previous response. Its counters are its own, so the
// hot path takes no lock and touches no shared cache line.
type worker struct {
	latencies []time.Duration
	non2xx    int64
	errors    int64
	capped    bool
	firstErr  error
}

func (w *worker) loop(ctx context.Context, client *http.Client, req *http.Request, measureFrom, until time.Time, budget int64) {
	for n := int64(0); ; n++ {
		if n == budget {
			w.capped = true
			return
		}
		start := time.Now()
		if !start.Before(until) || ctx.Err() != nil {
			return
		}
		resp, err := client.Do(req)
		if err == nil {
			// Reading to EOF is what lets the transport reuse the connection.
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		elapsed := time.Since(start)
		if start.Before(measureFrom) {
			continue // warm-up: connections, server caches and pools settle
		}
		if err != nil {
			w.errors++
			if w.firstErr == nil {
				w.firstErr = err
			}
			continue
		}
		w.latencies = append(w.latencies, elapsed)
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			w.non2xx++
		}
	}
}

// measure drives one target with cfg.conns workers for warm-up plus
// duration, or until the request budget is spent, whichever comes first.
func measure(ctx context.Context, url string, cfg loadConfig) (result, error) {
	client := newClient(cfg.conns, cfg.timeout)
	defer client.CloseIdleConnections()

	start := time.Now()
	measureFrom := start.Add(cfg.warmup)
	until := measureFrom.Add(cfg.duration)
	// The deadline bounds the run even if the server stops answering.
	ctx, cancel := context.WithDeadline(ctx, until.Add(cfg.timeout))
	defer cancel()

	base, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return result{}, err
	}
	for k, vs := range cfg.header {
		for _, v := range vs {
			base.Header.Add(k, v)
		}
	}
	if h := cfg.header.Get("Host"); h != "" {
		base.Host = h // net/http ignores a Host header; it takes the field
	}

	// Splitting the budget per worker keeps the bound without a shared counter.
	budget := (cfg.maxRequests + int64(cfg.conns) - 1) / int64(cfg.conns)
	workers := make([]worker, cfg.conns)
	var wg sync.WaitGroup
	for i := range workers {
		// A GET without a body may be resent once its response is closed,
		// so each worker clones once rather than once per request.
		req := base.Clone(ctx)
		wg.Go(func() { workers[i].loop(ctx, client, req, measureFrom, until, budget) })
	}
	wg.Wait()
	if err := context.Cause(ctx); errors.Is(err, context.Canceled) {
		return result{}, err
	}

	// The window ends when the last measured response arrived, so requests
	// started just before the end are neither dropped nor over-counted.
	window := time.Since(measureFrom)
	r := result{URL: url, Connections: cfg.conns, Seconds: max(window.Seconds(), 0)}
	all := make([][]time.Duration, len(workers))
	for i, w := range workers {
		all[i] = w.latencies
		r.Non2xx += w.non2xx
		r.Errors += w.errors
		r.Capped = r.Capped || w.capped
		if w.firstErr != nil && r.FirstError == "" {
			r.FirstError = w.firstErr.Error()
		}
	}
	sorted := merge(all)
	r.Requests = len(sorted)
	if r.Seconds > 0 {
		r.RPS = float64(r.Requests) / r.Seconds
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.P50, r.P90, r.P99 = ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99))
	r.Max = ms(percentile(sorted, 100))
	return r, nil
}
