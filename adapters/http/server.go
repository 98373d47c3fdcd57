// Package http is kincare's HTTP adapter on Fiber: the contract from
// openapi/, middleware (request id, access log, metrics, panic recovery,
// rate limits, authentication), problem+json errors and thin handlers
// that translate between JSON and app commands. It holds no business
// rules.
package http

import (
	"fmt"
	"github.com/kincare/kincare/app/elderday"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/app/allowances"
	"github.com/kincare/kincare/app/auth"
	appcatalog "github.com/kincare/kincare/app/catalog"
	"github.com/kincare/kincare/app/childday"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/classes"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/oversight"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/app/statements"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/app/visits"
)

// Options are the HTTP settings from configuration.
type Options struct {
	BodyLimit            int
	ReadTimeout          time.Duration
	WriteTimeout         time.Duration
	IdleTimeout          time.Duration
	CORSAllowOrigins     string
	TrustedProxies       []string
	RateLimitIPPerMinute int
	RateLimitUserWrites  int
	// MetricsToken, when set, is the bearer token /metrics wants: the
	// metrics are not secret, but a public scrape endpoint is a free
	// look at traffic.
	MetricsToken string
}

// Deps are the use cases and adapters the routes call.
type Deps struct {
	Log           *slog.Logger
	Spec          []byte
	Auth          *auth.Service
	Devices       *devices.Service
	Families      *families.Service
	Elders        *elders.Service
	Children      *children.Service
	Privacy       *privacy.Service
	Providers     *providers.Service
	Catalog       *appcatalog.Service
	Search        *search.Service
	Notifications *notify.Service
	// Idempotency runs the operations the spec marks x-idempotent once
	// per Idempotency-Key.
	Idempotency *idempotency.Guard
	Quotes      *quotes.Service
	Orders      *orders.Service
	// Allowances is the allowance ledger: balances, history, adjustments.
	Allowances *allowances.Service
	// Statements are providers' monthly statements.
	Statements *statements.Service
	// Reservations serves childcare offerings and the reservation engine:
	// slots, holds, bookings and waitlists.
	Reservations *reservations.Service
	Classes      *classes.Service
	Meals        *meals.Service
	// Complaints serves complaints and the complaint figures of the
	// public provider page and search.
	Complaints *complaints.Service
	Oversight  *oversight.Service
	// Indicators serves the regulators' indicator tables.
	Indicators *indicators.Service
	// ChildDay serves the childcare day: rooms, check-in and check-out,
	// absences, daily reports and attendance statements.
	ChildDay *childday.Service
	// Incidents serves alarms about elders and their escalation ladder.
	Incidents *incidents.Service
	// Recurrence serves recurring orders (bathing every Tuesday).
	Recurrence *recurrence.Service
	// HomeDevices serves elders' home devices and their vendors' events.
	HomeDevices *homedevices.Service
	// Visits serves monthly visits to vulnerable elders and the time bank.
	Visits *visits.Service
	// ElderDay serves what an elder sees and does on their own account.
	ElderDay *elderday.Service
	Tokens   AccessVerifier
	// FloodLimiter counts what runs on every request, the per-IP limit
	// and each user's writes, so it may trade precision for speed (see
	// redis.BatchedLimiter).
	FloodLimiter throttle.Limiter
	Ready        map[string]Pinger
	Registry     *prometheus.Registry
	// Ops are the platform admins' web views under /ops/ (the queue
	// dashboard); zero serves none.
	Ops OpsOptions
}

// New builds the Fiber app with every route of the contract bound.
func New(o Options, d Deps) (*fiber.App, error) {
	app, _, err := build(o, d)
	return app, err
}

// build is New, also returning the contract the routes were bound from.
func build(o Options, d Deps) (*fiber.App, *contract, error) {
	doc, err := LoadSpec(d.Spec)
	if err != nil {
		return nil, nil, err
	}
	ips, err := newClientIPs(o.TrustedProxies)
	if err != nil {
		return nil, nil, err
	}
	onError := errorHandler(d.Log)
	app := newApp(o, onError)
	useMiddleware(app, o, d, ips, onError)

	api := newContract(app, doc, authenticate(d.Tokens, d.Auth), limitUserWrites(d.FloodLimiter, o.RateLimitUserWrites))
	api.useIdempotency(d.Idempotency)
	bindRoutes(api, o, d)
	if missing := api.unbound(); len(missing) > 0 {
		return nil, nil, fmt.Errorf("http: spec operations without a handler: %s", strings.Join(missing, ", "))
	}
	return app, api, nil
}

// newApp is the Fiber app with kincare's settings and no routes.
func newApp(o Options, onError fiber.ErrorHandler) *fiber.App {
	return fiber.New(fiber.Config{
		AppName:               "kincare",
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		IdleTimeout:           o.IdleTimeout,
		ErrorHandler:          onError,
		DisableStartupMessage: true,
		// The contract's paths are the only ones: /V1/ME and /v1/me/ are
		// not /v1/me (a second spelling of a route is a second surface
		// for caches, proxies and access rules to disagree about).
		CaseSensitive: true,
		StrictRouting: true,
		// Fiber's strings (headers, params, queries) point into buffers it
		// reuses for the next request. Values here reach caches and
		// background work, so they must be copies: one such string kept as
		// a cache key once served one user another's identity.
		Immutable: true,
	})
}

// useMiddleware adds what runs in front of every route: request id,
// headers, client address, access log and metrics, panic recovery, CORS
// and the per-IP limit.
func useMiddleware(app *fiber.App, o Options, d Deps, ips clientIPs, onError fiber.ErrorHandler) {
	app.Use(requestIDMiddleware, hardenHeaders, ips.middleware)
	app.Use(observe(d.Log, newHTTPMetrics(d.Registry), onError))
	app.Use(recoverPanics(d.Log))
	if o.CORSAllowOrigins != "" {
		app.Use(cors.New(cors.Config{
			AllowOrigins:  o.CORSAllowOrigins,
			AllowHeaders:  "Authorization, Content-Type, Accept-Language, Idempotency-Key, X-Request-Id",
			ExposeHeaders: "X-Request-Id, Retry-After, ETag, Location, Idempotent-Replayed",
			MaxAge:        600,
		}))
	}
	app.Use(limitPerIP(d.Log, d.FloodLimiter, o.RateLimitIPPerMinute))
}
