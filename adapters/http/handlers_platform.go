package http

import (
	"context"
	"crypto/subtle"
	"embed"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/kincare/kincare/domain/fault"
)

// Pinger is a dependency /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PingFunc adapts a function to Pinger.
type PingFunc func(ctx context.Context) error

func (f PingFunc) Ping(ctx context.Context) error { return f(ctx) }

// Reporter is a Pinger that also says what it found (Redis: its mode,
// cluster state, masters and replicas); /readyz shows it under the
// dependency's name. Report replaces Ping for such a dependency.
type Reporter interface {
	Pinger
	Report(ctx context.Context) (any, error)
}

type platformHandlers struct {
	log     *slog.Logger
	ready   map[string]Pinger
	spec    []byte
	metrics fiber.Handler
}

func newPlatformHandlers(log *slog.Logger, ready map[string]Pinger, spec []byte, gatherer prometheus.Gatherer, metricsToken string) platformHandlers {
	prom := adapt(fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	return platformHandlers{log: log, ready: ready, spec: spec, metrics: guardMetrics(metricsToken, prom)}
}

// guardMetrics asks for the configured bearer token, compared in
// constant time; without one configured, metrics are open (keep the
// port inside the cluster then).
func guardMetrics(token string, next fiber.Handler) fiber.Handler {
	if token == "" {
		return next
	}
	return func(c *fiber.Ctx) error {
		got, ok := bearer(c.Get(fiber.HeaderAuthorization))
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return fault.ErrUnauthenticated
		}
		return next(c)
	}
}

func adapt(h fasthttp.RequestHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h(c.Context())
		return nil
	}
}

func (h platformHandlers) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

type readiness struct {
	Status  string            `json:"status"`
	Checks  map[string]string `json:"checks"`
	Details map[string]any    `json:"details,omitempty"`
}

var errNotReady = fault.New(fault.Unavailable, "not_ready")

// readyz pings every store; a failure names the store in the log and
// answers 503 so the load balancer stops sending traffic here.
func (h platformHandlers) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	out := readiness{Status: "ready", Checks: map[string]string{}}
	names := make([]string, 0, len(h.ready))
	for n := range h.ready {
		names = append(names, n)
	}
	sort.Strings(names)
	var failed []fault.FieldError
	for _, n := range names {
		var err error
		if r, ok := h.ready[n].(Reporter); ok {
			var detail any
			detail, err = r.Report(ctx)
			if detail != nil {
				if out.Details == nil {
					out.Details = map[string]any{}
				}
				out.Details[n] = detail
			}
		} else {
			err = h.ready[n].Ping(ctx)
		}
		if err != nil {
			h.log.WarnContext(ctx, "not ready", "store", n, "err", err)
			out.Checks[n] = "unreachable"
			fe := fault.FieldError{Field: n, Code: "unreachable"}
			// What a Reporter found (a cluster's state and how many
			// masters answer) says more than the code; never the error.
			if s, ok := out.Details[n].(fmt.Stringer); ok {
				fe.Detail = s.String()
			}
			failed = append(failed, fe)
			continue
		}
		out.Checks[n] = "ok"
	}
	if len(failed) > 0 {
		return errNotReady.WithFields(failed...)
	}
	return c.JSON(out)
}

func (h platformHandlers) openapiYAML(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(h.spec)
}

// Swagger UI 5 (Apache-2.0), shipped in the binary so /docs works offline.
//
//go:embed docs
var docsFS embed.FS

const docsPage = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kincare API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true});
</script>
</body>
</html>`

func (h platformHandlers) docs(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(docsPage)
}

var docsAssets = map[string]string{
	"swagger-ui.css":       "text/css; charset=utf-8",
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}

func (h platformHandlers) docsAsset(c *fiber.Ctx) error {
	name := c.Params("asset")
	ctype, ok := docsAssets[name]
	if !ok {
		return fault.ErrNotFound
	}
	body, err := docsFS.ReadFile("docs/" + name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(body)
}
