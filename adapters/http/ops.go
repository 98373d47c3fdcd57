package http

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// The ops views are web pages for the platform's admins, served under
// /ops/: the queue dashboard (asynqmon) at /ops/queues. A browser cannot
// send the API's bearer token when it opens a page, so an admin's app (or
// the sign-in page /ops/queues shows a browser without one) trades the
// token for a cookie: POST /v1/ops/session. The cookie is not the token:
// it is a short-lived value signed with a key of its own, good for /ops/
// only (its Path), never sent by another site (SameSite=Strict), out of
// reach of scripts (HttpOnly), Secure outside development. Each request
// under /ops/ checks it and then the account as it is now, like every API
// request: a demoted admin or a deleted account is refused at once, not
// at the cookie's expiry. A bearer token is accepted too, for tools.

const (
	opsCookie     = "kincare_ops"
	opsCookiePath = "/ops/"
	// OpsQueuesPath is where the queue dashboard is mounted.
	OpsQueuesPath = "/ops/queues"
)

// OpsOptions configure the ops views.
type OpsOptions struct {
	// Queues is the asynq dashboard; nil serves none (404).
	Queues http.Handler
	// Key signs the ops cookie (at least 32 bytes; derive it from a
	// secret of the deployment, never reuse the token key as is).
	Key []byte
	// TTL is how long an ops cookie lasts (default 15 minutes).
	TTL time.Duration
	// Insecure drops the cookie's Secure flag, for plain-HTTP
	// development only.
	Insecure bool
	Now      func() time.Time
}

type opsGate struct {
	o        OpsOptions
	tokens   AccessVerifier
	accounts Authenticator
}

func newOpsGate(o OpsOptions, tokens AccessVerifier, accounts Authenticator) opsGate {
	if o.TTL <= 0 {
		o.TTL = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return opsGate{o: o, tokens: tokens, accounts: accounts}
}

// errOpsUnavailable: a deployment without the ops views (no key, no
// dashboard) has no such pages.
var errOpsUnavailable = fault.ErrNotFound

// createSession mints the ops cookie for a platform admin (behind the
// bearer step of the contract).
func (g opsGate) createSession(c *fiber.Ctx) error {
	a := mustActor(c)
	if err := a.Require(identity.RolePlatformAdmin); err != nil {
		return err
	}
	if len(g.o.Key) == 0 {
		return errOpsUnavailable
	}
	exp := g.o.Now().Add(g.o.TTL).UTC().Truncate(time.Second)
	c.Cookie(&fiber.Cookie{Name: opsCookie, Value: g.sign(a.UserID, a.SessionID, exp), Path: opsCookiePath,
		Expires: exp, MaxAge: int(g.o.TTL / time.Second), HTTPOnly: true, Secure: !g.o.Insecure,
		SameSite: fiber.CookieSameSiteStrictMode})
	return c.JSON(fiber.Map{"expiresAt": exp, "queues": OpsQueuesPath + "/"})
}

// sign is base64url(user).base64url(session).expiry.mac: the mac covers
// a purpose label and every part, so a value made for something else,
// or changed, does not verify.
func (g opsGate) sign(userID, sessionID string, exp time.Time) string {
	enc := base64.RawURLEncoding
	body := enc.EncodeToString([]byte(userID)) + "." + enc.EncodeToString([]byte(sessionID)) + "." +
		strconv.FormatInt(exp.Unix(), 10)
	return body + "." + enc.EncodeToString(g.mac(body))
}

func (g opsGate) mac(body string) []byte {
	m := hmac.New(sha256.New, g.o.Key)
	m.Write([]byte("kincare ops cookie v1\x00" + body))
	return m.Sum(nil)
}

// verify returns the user and session a cookie value names, if it is
// ours, untouched and not expired.
func (g opsGate) verify(v string) (userID, sessionID string, ok bool) {
	if len(g.o.Key) == 0 || v == "" {
		return "", "", false
	}
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return "", "", false
	}
	body, sig := v[:i], v[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, g.mac(body)) {
		return "", "", false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 {
		return "", "", false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !g.o.Now().Before(time.Unix(exp, 0)) {
		return "", "", false
	}
	u, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	s, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(u) == 0 {
		return "", "", false
	}
	return string(u), string(s), true
}

// caller is who the request comes from: a bearer token if it carries
// one, else the ops cookie; then the account as it is now.
func (g opsGate) caller(c *fiber.Ctx) (actor.Actor, error) {
	ctx := c.UserContext()
	if raw, ok := bearer(c.Get(fiber.HeaderAuthorization)); ok {
		claims, err := g.tokens.ParseAccess(raw)
		if errors.Is(err, jwt.ErrTokenExpired) {
			return actor.Actor{}, errTokenExpired
		}
		if err != nil {
			return actor.Actor{}, errTokenInvalid
		}
		return g.account(ctx, claims.Subject, claims.SessionID, requestID(c))
	}
	userID, sessionID, ok := g.verify(c.Cookies(opsCookie))
	if !ok {
		return actor.Actor{}, fault.ErrUnauthenticated
	}
	return g.account(ctx, userID, sessionID, requestID(c))
}

func (g opsGate) account(ctx context.Context, userID, sessionID, reqID string) (actor.Actor, error) {
	return g.accounts.Authenticate(ctx, userID, sessionID, nil, reqID)
}

var errCrossSite = fault.New(fault.Forbidden, "cross_site_request")

// guard lets platform admins through to next: 401 without credentials
// (a browser asking for a page gets the sign-in page with it), 403 for
// anyone else, and 403 for a request that changes something and comes
// from another site (SameSite keeps the cookie off those already; this
// is the second lock).
func (g opsGate) guard(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if g.o.Queues == nil {
			return errOpsUnavailable
		}
		a, err := g.caller(c)
		if err != nil {
			if fault.Is(err, fault.ErrUnauthenticated) && c.Method() == fiber.MethodGet &&
				strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMETextHTML) && c.Get(fiber.HeaderAuthorization) == "" {
				return opsSignIn(c)
			}
			return err
		}
		if err := a.Require(identity.RolePlatformAdmin); err != nil {
			return err
		}
		if !safeMethod(c.Method()) && !sameOrigin(c) {
			return errCrossSite
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// sameOrigin: a browser's request says where it comes from (Sec-Fetch-
// Site, or Origin); a tool's says nothing and carries its own credentials.
func sameOrigin(c *fiber.Ctx) bool {
	if s := c.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == string(c.Request().Host())
}

// queues serves asynqmon: its page at /ops/queues (the operation) and
// /ops/queues/, its assets and JSON API under /ops/queues/.
func (g opsGate) queues() fiber.Handler {
	if g.o.Queues == nil {
		return g.guard(nil)
	}
	serve := adapt(fasthttpadaptor.NewFastHTTPHandler(g.o.Queues))
	return g.guard(func(c *fiber.Ctx) error {
		if c.Path() == OpsQueuesPath {
			// asynqmon's pages live under its root with a slash; its
			// page names its assets by absolute paths, so serving it here
			// too is the same page.
			c.Request().URI().SetPath(OpsQueuesPath + "/")
		}
		return serve(c)
	})
}

// opsSignIn is the page a browser without the cookie gets: it asks for an
// access token (from the admin's app, or POST /v1/auth/login) and trades
// it for the cookie. The token stays in the page's memory only.
func opsSignIn(c *fiber.Ctx) error {
	c.Status(fiber.StatusUnauthorized)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Content-Security-Policy", "default-src 'none'; script-src 'sha256-"+opsSignInScriptHash+"'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'")
	return c.SendString(opsSignInPage)
}

const opsSignInScript = `document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await fetch("/v1/ops/session", {method: "POST",
    headers: {Authorization: "Bearer " + document.getElementById("t").value.trim()}});
  if (r.ok) { location.reload(); return; }
  const p = await r.json().catch(() => ({}));
  document.getElementById("m").textContent = (p.title || r.status) + (p.detail ? "：" + p.detail : "");
});`

const opsSignInPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kincare 运维 · Ops</title></head>
<body style="font-family: sans-serif; max-width: 34rem; margin: 4rem auto; padding: 0 1rem">
<h1>任务队列 · Job queues</h1>
<p>仅限平台管理员。请粘贴您的访问令牌，换取 15 分钟内有效的运维会话。<br>
Platform admins only. Paste your access token to open an ops session.</p>
<form id="f"><input id="t" type="password" autocomplete="off" aria-label="access token" style="width: 100%">
<p><button>进入 · Enter</button></p></form>
<p id="m" role="alert"></p>
<script>` + opsSignInScript + `</script>
</body>
</html>`

var opsSignInScriptHash = func() string {
	sum := sha256.Sum256([]byte(opsSignInScript))
	return base64.StdEncoding.EncodeToString(sum[:])
}()
