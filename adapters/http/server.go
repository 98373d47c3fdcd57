// Package http is kincare's HTTP adapter on Fiber: the contract from
// openapi/, middleware (request id, access log, metrics, panic recovery,
// rate limits, authentication), problem+json errors and thin handlers
// that translate between JSON and app commands. It holds no business
// rules.
package http

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/privacy"
	"github.com/kincare/kincare/app/throttle"
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
}

// Deps are the use cases and adapters the routes call.
type Deps struct {
	Log      *slog.Logger
	Spec     []byte
	Auth     *auth.Service
	Devices  *devices.Service
	Families *families.Service
	Elders   *elders.Service
	Children *children.Service
	Privacy  *privacy.Service
	Tokens   AccessVerifier
	Limiter  throttle.Limiter
	Ready    map[string]Pinger
	Registry *prometheus.Registry
}

// New builds the Fiber app with every route of the contract bound.
func New(o Options, d Deps) (*fiber.App, error) {
	doc, err := LoadSpec(d.Spec)
	if err != nil {
		return nil, err
	}
	ips, err := newClientIPs(o.TrustedProxies)
	if err != nil {
		return nil, err
	}
	onError := errorHandler(d.Log)
	app := fiber.New(fiber.Config{
		AppName:               "kincare",
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		IdleTimeout:           o.IdleTimeout,
		ErrorHandler:          onError,
		DisableStartupMessage: true,
	})
	app.Use(requestIDMiddleware, ips.middleware)
	app.Use(observe(d.Log, newHTTPMetrics(d.Registry), onError))
	app.Use(recoverPanics(d.Log))
	if o.CORSAllowOrigins != "" {
		app.Use(cors.New(cors.Config{
			AllowOrigins:  o.CORSAllowOrigins,
			AllowHeaders:  "Authorization, Content-Type, Accept-Language, Idempotency-Key, X-Request-Id",
			ExposeHeaders: "X-Request-Id, Retry-After",
			MaxAge:        600,
		}))
	}
	app.Use(limitPerIP(d.Log, d.Limiter, o.RateLimitIPPerMinute))

	api := newContract(app, doc, authenticate(d.Tokens), limitUserWrites(d.Limiter, o.RateLimitUserWrites))
	bindRoutes(api, d)
	if missing := api.unbound(); len(missing) > 0 {
		return nil, fmt.Errorf("http: spec operations without a handler: %s", strings.Join(missing, ", "))
	}
	return app, nil
}

func bindRoutes(api *contract, d Deps) {
	platform := newPlatformHandlers(d.Ready, d.Spec, d.Registry)
	api.handle("getHealth", platform.healthz)
	api.handle("getReadiness", platform.readyz)
	api.handle("getMetrics", platform.metrics)
	api.handle("getOpenAPI", platform.openapiYAML)
	api.handle("getDocs", platform.docs)
	api.handle("getDocsAsset", platform.docsAsset)

	a := authHandlers{svc: d.Auth}
	api.handle("requestOTP", a.requestOTP)
	api.handle("login", a.login)
	api.handle("refreshTokens", a.refresh)
	api.handle("logout", a.logout)

	me := meHandlers{svc: d.Auth}
	api.handle("getMe", me.get)
	api.handle("updateMe", me.update)
	api.handle("setPassword", me.setPassword)
	api.handle("setUserRoles", me.setRoles)

	dev := deviceHandlers{svc: d.Devices}
	api.handle("listDevices", dev.list)
	api.handle("registerDevice", dev.put)
	api.handle("removeDevice", dev.delete)

	fam := familyHandlers{svc: d.Families}
	api.handle("listMyFamilies", fam.mine)
	api.handle("createFamily", fam.create)
	api.handle("getFamily", fam.get)
	api.handle("updateFamily", fam.update)
	api.handle("leaveFamily", fam.leave)
	api.handle("changeMemberRole", fam.changeRole)
	api.handle("removeMember", fam.removeMember)
	api.handle("listInvites", fam.invites)
	api.handle("createInvite", fam.invite)
	api.handle("revokeInvite", fam.revokeInvite)
	api.handle("listMyInvites", fam.myInvites)
	api.handle("acceptInvite", fam.accept)
	api.handle("listConsents", fam.consents)
	api.handle("grantConsent", fam.grantConsent)
	api.handle("withdrawConsent", fam.withdrawConsent)

	eld := elderHandlers{svc: d.Elders}
	api.handle("listElders", eld.list)
	api.handle("createElder", eld.create)
	api.handle("getElder", eld.get)
	api.handle("updateElder", eld.update)
	api.handle("deleteElder", eld.delete)
	api.handle("recordAssessment", eld.recordAssessment)
	api.handle("listAllowances", eld.allowances)
	api.handle("addAllowance", eld.addAllowance)
	api.handle("removeAllowance", eld.removeAllowance)

	kid := childHandlers{svc: d.Children}
	api.handle("listChildren", kid.list)
	api.handle("createChild", kid.create)
	api.handle("getChild", kid.get)
	api.handle("updateChild", kid.update)
	api.handle("deleteChild", kid.delete)
	api.handle("addPickupPerson", kid.addPickup)
	api.handle("removePickupPerson", kid.removePickup)

	priv := privacyHandlers{svc: d.Privacy}
	api.handle("listAuditLog", priv.auditLog)
	api.handle("exportMyData", priv.export)
	api.handle("deleteMe", priv.deleteMe)
}
