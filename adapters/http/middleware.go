package http

import (
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/fault"
)

const (
	headerRequestID = "X-Request-Id"
	localRequestID  = "kincare.requestID"
	localRoute      = "kincare.route"
	localActor      = "kincare.actor"
	localBody       = "kincare.body"
)

// A client's request id is echoed only if it is short and plain, so it
// cannot smuggle text into logs or headers.
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func requestIDMiddleware(c *fiber.Ctx) error {
	id := c.Get(headerRequestID)
	if !safeRequestID.MatchString(id) {
		id = uuid.NewString()
	}
	c.Locals(localRequestID, id)
	c.Set(headerRequestID, id)
	return c.Next()
}

// hardenHeaders: no response is sniffed into another media type, and no
// API answer (personal data, state that changes) is kept by a cache on
// the way or on the device. A handler may still say otherwise.
func hardenHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if strings.HasPrefix(c.Path(), "/v1/") {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// routeOf is the spec path template of the matched route. Raw paths never
// reach logs or metric labels: they carry ids and push tokens.
func routeOf(c *fiber.Ctx) string {
	if r, ok := c.Locals(localRoute).(string); ok {
		return r
	}
	return "unmatched"
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches each (method, route, status)'s counter and
	// histogram: the vectors would hash the three labels and look them
	// up under a lock on every request. Routes are the spec's templates
	// and statuses few, so it stays small.
	series sync.Map // seriesKey → requestSeries
}

type seriesKey struct {
	method, route string
	status        int
}

type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

func (m *httpMetrics) observe(method, route string, status int, elapsed time.Duration) {
	k := seriesKey{method, route, status}
	s, ok := m.series.Load(k)
	if !ok {
		label := strconv.Itoa(status)
		s, _ = m.series.LoadOrStore(k, requestSeries{count: m.requests.WithLabelValues(method, route, label),
			latency: m.latency.WithLabelValues(method, route, label)})
	}
	rs := s.(requestSeries)
	rs.count.Inc()
	rs.latency.Observe(elapsed.Seconds())
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kincare_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kincare_http_request_duration_seconds",
			Help:    "HTTP request latency by route template, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// observe logs and measures every request. It runs the error handler
// itself so the status it records is the one the client gets.
func observe(log *slog.Logger, m *httpMetrics, onError fiber.ErrorHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if herr := onError(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		elapsed := time.Since(start)
		status := c.Response().StatusCode()
		route, method := routeOf(c), c.Method()
		m.observe(method, route, status, elapsed)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := make([]slog.Attr, 0, 8)
		attrs = append(attrs,
			slog.String("request_id", requestID(c)),
			slog.String("method", method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.Int("bytes", len(c.Response().Body())),
			slog.String("ip", clientIP(c)),
		)
		if a, ok := actorOf(c); ok {
			attrs = append(attrs, slog.String("user_id", a.UserID))
		}
		log.LogAttrs(c.UserContext(), level, "http request", attrs...)
		return nil
	}
}

// recoverPanics turns a panic into a 500 problem and logs the stack.
func recoverPanics(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(c.UserContext(), "panic", "request_id", requestID(c), "route", routeOf(c),
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return c.Next()
	}
}

// unlimitedPaths are exempt from the per-IP limit: orchestrators and
// Prometheus call them from few IPs.
var unlimitedPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limitPerIP applies the per-client limit in Redis, shared by replicas.
// When Redis cannot answer, requests pass: refusing every client because
// a counter is unreachable would turn a cache outage into a full outage.
func limitPerIP(log *slog.Logger, lim throttle.Limiter, perMinute int) fiber.Handler {
	limit := throttle.Limit{Count: perMinute, Per: time.Minute}
	return func(c *fiber.Ctx) error {
		if unlimitedPaths[c.Path()] {
			return c.Next()
		}
		err := throttle.Check(c.UserContext(), lim, "ip:"+clientIP(c), limit)
		if _, limited := fault.As(err); limited {
			return err
		}
		if err != nil {
			log.WarnContext(c.UserContext(), "per-ip rate limit unavailable; request allowed", "err", err)
		}
		return c.Next()
	}
}
