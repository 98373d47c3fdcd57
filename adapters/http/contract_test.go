package http

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/openapi"
)

// The contract and the router must describe the same API: every Fiber
// route has a spec operation and every operation a route.
func TestRoutesAndSpecAgree(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	var spec, routes []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			spec = append(spec, method+" "+fiberPath(path))
		}
	}
	for _, r := range app.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		routes = append(routes, r.Method+" "+r.Path)
	}
	slices.Sort(spec)
	slices.Sort(routes)
	routes = slices.Compact(routes)
	for _, r := range routes {
		if !slices.Contains(spec, r) {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for _, s := range spec {
		if !slices.Contains(routes, s) {
			t.Errorf("spec operation %s has no route", s)
		}
	}
}

// Every code declared anywhere has zh-CN and en text.
func TestEveryErrorCodeIsTranslated(t *testing.T) {
	for code, m := range messages {
		if m.zhTitle == "" || m.enTitle == "" || m.zhDetail == "" || m.enDetail == "" {
			t.Errorf("%s: missing text", code)
		}
	}
	for _, code := range declaredCodes(t) {
		if _, ok := messages[code]; !ok {
			t.Errorf("code %q is declared in Go code but has no message", code)
		}
	}
}

// With METRICS_TOKEN set, a scrape without it is refused.
func TestMetricsWantTheConfiguredToken(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20, MetricsToken: "s3cret-scrape-token"}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer s3cret-scrape-token": 200} {
		req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("Authorization %q: status %d, want %d", token, resp.StatusCode, want)
		}
	}
}

// Every status the middleware in front of an operation's handler can
// answer (authentication, rate limits, body limit, idempotency keys,
// request validation) is declared by that operation. What handlers
// answer themselves is checked from the end-to-end tests' traffic (see
// test/contract_statuses_test.go).
func TestEveryMiddlewareStatusIsDeclared(t *testing.T) {
	_, api, err := build(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.answers) != len(api.ops) {
		t.Fatalf("answers known for %d of %d operations", len(api.answers), len(api.ops))
	}
	for id, answers := range api.answers {
		route := api.ops[id]
		for _, status := range answers {
			if route.Operation.Responses.Status(status) == nil {
				t.Errorf("%s (%s %s) can answer %d but does not declare it", id, route.Method, route.Path, status)
			}
		}
	}
}

// A route answers only at its exact path: not in another case, not with
// a trailing slash. Each of these would reach an operation (and answer
// 401 or 200) if routing were lenient.
func TestRoutingIsExact(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/V1/ME", "/v1/Me", "/v1/me/", "/v1/me//", "/HEALTHZ", "/healthz/", "/OPENAPI.YAML", "/docs/"} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		var p Problem
		_ = json.Unmarshal(body, &p)
		if resp.StatusCode != http.StatusNotFound || p.Code != "route_not_found" ||
			resp.Header.Get("Content-Type") != problemJSON {
			t.Errorf("GET %s: %d %s %s, want 404 route_not_found problem+json", path, resp.StatusCode,
				resp.Header.Get("Content-Type"), body)
		}
	}
	for _, path := range []string{"/healthz", "/openapi.yaml"} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		if resp, err := app.Test(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %v %v, want 200", path, resp.StatusCode, err)
		}
	}
}

// A query parameter the operation does not declare is refused, not
// ignored: ?x[$ne]=1 must not look like a filter that worked.
func TestUndeclaredQueryParametersAreRefused(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, field := range map[string]string{
		"/healthz?x[$ne]=1":                           "query.x[$ne]",
		"/openapi.yaml?v=2":                           "query.v",
		"/v1/providers?near=31.1,121.4&familyId=f-1":  "query.familyId",
		"/v1/providers?near=31.1,121.4&limit[$gt]=0":  "query.limit[$gt]",
		"/v1/services?near=31.1,121.4&type=bathing&x": "query.x",
	} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		var p Problem
		_ = json.Unmarshal(body, &p)
		if resp.StatusCode != http.StatusBadRequest || p.Code != "invalid_parameter" || len(p.Errors) != 1 ||
			p.Errors[0].Field != field || p.Errors[0].Code != "unknown_parameter" {
			t.Errorf("GET %s: %d %s, want 400 invalid_parameter naming %s", path, resp.StatusCode, body, field)
		}
	}
}

// No answer may be sniffed into another media type, and no API answer
// kept by a cache.
func TestResponsesAreNeitherSniffedNorStored(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, store := range map[string]string{"/healthz": "", "/v1/me": "no-store", "/v1/nothing": "no-store", "/nothing": ""} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, got)
		}
		if got := resp.Header.Get("Cache-Control"); got != store {
			t.Errorf("GET %s: Cache-Control %q, want %q", path, got, store)
		}
	}
}

// A body is one JSON value or it is malformed: what follows the first
// value is not ignored.
func TestTrailingDataMakesABodyMalformed(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"phone":"13800138000"}}`, `{"phone":"13800138000"} {}`, `{"phone":"13800138000"}x`} {
		req, _ := http.NewRequest(http.MethodPost, "/v1/auth/otp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		var p Problem
		_ = json.Unmarshal(got, &p)
		if resp.StatusCode != http.StatusBadRequest || p.Code != "malformed_json" {
			t.Errorf("body %s: %d %s, want 400 malformed_json", body, resp.StatusCode, got)
		}
	}
}

// The contract remembers bodies it accepted, per media type; that must
// never let another body, or the same bytes in another media type, by.
func TestARememberedBodyLetsNothingElseBy(t *testing.T) {
	app, _ := holdsApp(t)
	send := func(key, contentType, body string) (int, string) {
		t.Helper()
		req := holdRequest("mother", key, body)
		req.Header.Set("Content-Type", contentType)
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		var p Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		return resp.StatusCode, p.Code
	}
	for i, c := range []struct {
		contentType, body string
		status            int
		code              string
	}{
		{"application/json", `{"tier":"inclusive"}`, 201, ""},
		{"application/json", `{"tier":"inclusive"}`, 201, ""}, // remembered
		{"application/json", `{"tier":"inclusive","x":1}`, 422, "validation_failed"},
		{"application/json", `{"tier":"vip"}`, 422, "validation_failed"},
		{"text/plain", `{"tier":"inclusive"}`, 415, "unsupported_media_type"},
		{"application/json", `{"tier":"inclusive"} {}`, 400, "malformed_json"},
	} {
		if status, code := send("r"+strconv.Itoa(i), c.contentType, c.body); status != c.status || code != c.code {
			t.Errorf("%s %s: %d %q; want %d %q", c.contentType, c.body, status, code, c.status, c.code)
		}
	}
}

// The fast path of validate passes a parameter only where kin-openapi's
// whole check (ValidateParameter) passes it too, for every operation it
// serves and values at and beyond each schema's edges.
func TestPlainParametersPassOnlyWhatKinOpenAPIPasses(t *testing.T) {
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"a", "s1", "0123456789abcdef", strings.Repeat("a", 64), strings.Repeat("a", 65),
		strings.Repeat("!", 255), strings.Repeat("~", 256), "a b", "é", "托位", "\x7f", "a\tb", "😀", "%41"}
	served := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			plain := plainParameters(operationParameters(route))
			if plain == nil {
				continue
			}
			served++
			for _, p := range plain {
				for _, v := range values {
					if p.Schema.Value.VisitJSONString(v) != nil {
						continue
					}
					req, _ := http.NewRequest(method, "/", nil)
					input := &openapi3filter.RequestValidationInput{Request: req, PathParams: map[string]string{},
						Route: route, Options: validationOptions}
					if p.In == openapi3.ParameterInPath {
						input.PathParams[p.Name] = v
					} else {
						req.Header.Set(p.Name, v)
					}
					if err := openapi3filter.ValidateParameter(t.Context(), input, p); err != nil {
						t.Errorf("%s %s: %s %q passes the fast path but not kin-openapi: %v", method, path, p.Name, v, err)
					}
				}
			}
		}
	}
	if served == 0 {
		t.Fatal("no operation takes the fast path")
	}
}
