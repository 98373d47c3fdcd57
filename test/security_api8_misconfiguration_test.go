package e2e_test

// API8:2023 Security Misconfiguration, and how requests are taken in
// (the 2023 list has no injection category of its own; these checks
// are about the server's input handling). Routes answer only at their
// exact path and methods; bodies that are not JSON, or not the JSON the
// contract names, are refused with a problem that gives no parser's or
// store's words away; query parameters an operation does not declare
// are refused; NoSQL operators ({"$gt":""}, keys with $ or .) in bodies,
// query strings and path segments are 4xx and never match; display
// text with control characters, bidi overrides or nothing visible is
// refused, naming the field; responses are not sniffed or cached and
// name no server software; CORS is off unless configured.

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func testMisconfiguration(t *testing.T, w *world) {
	t.Run("routes answer only at their exact path", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			path, _, _ := strings.Cut(placeholderPath(p), "?")
			wrongs := []string{strings.ToUpper(path), path + "/"}
			if r.op == "getOpsQueues" {
				// asynqmon's pages live under /ops/queues/ by design
				// (behind the same check: test/ops_queues_test.go).
				wrongs = wrongs[:1]
			}
			for _, wrong := range wrongs {
				got := w.srv.do(t, p.spec.method, wrong, nil, w.anyToken(r)...)
				if got.status != http.StatusNotFound || got.json["code"] != "route_not_found" {
					t.Errorf("%s %s: %d %v, want 404 route_not_found", p.spec.method, wrong, got.status, got.json["code"])
				}
			}
		}
	})
	t.Run("methods the contract does not list answer 405", func(t *testing.T) {
		t.Parallel()
		methods := map[string][]string{}
		for _, op := range mustSpec(t) {
			methods[op.path] = append(methods[op.path], op.method)
		}
		for path, have := range methods {
			concrete := specParam.ReplaceAllString(path, "x")
			for _, m := range []string{"TRACE", firstMissing(have)} {
				if slices.Contains(have, m) {
					continue
				}
				got := w.srv.do(t, m, concrete, nil, bearer(w.who(famA).access)...)
				if got.status != http.StatusMethodNotAllowed || got.json["code"] != "method_not_allowed" || got.header.Get("Allow") == "" {
					t.Errorf("%s %s: %d %v (Allow %q), want 405 method_not_allowed with Allow", m, path, got.status,
						got.json["code"], got.header.Get("Allow"))
				}
			}
		}
	})
	t.Run("bodies that are not the contract's JSON are refused, and errors tell nothing of the server", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			if !p.spec.hasBody {
				continue
			}
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				token := w.anyToken(r)
				f := w.request(t, p, "")
				for _, c := range []struct {
					body, contentType string
					status            int
					code              string
				}{
					{`{"a":`, "application/json", http.StatusBadRequest, "malformed_json"},
					{`{"a":1}}`, "application/json", http.StatusBadRequest, "malformed_json"},
					{"a=1", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "unsupported_media_type"},
				} {
					f.body = c.body
					got := wantProblem(t, w.sendWith(t, p, f, append(token, "Content-Type", c.contentType)...), c.status, c.code)
					if leak := internals.FindString(got.Title + " " + got.Detail); leak != "" {
						t.Errorf("%s: a %s problem says %q", r.op, c.code, leak)
					}
				}
			})
		}
	})
	t.Run("query parameters the contract does not list are refused", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			f := w.request(t, p, "")
			f.path = withQuery(f.path, "familyId[$ne]", "x")
			got := wantProblem(t, w.sendWith(t, p, f, w.anyToken(r)...), http.StatusBadRequest, "invalid_parameter")
			wantFieldCode(t, got, "query.familyId[$ne]", "unknown_parameter")
		}
	})
	t.Run("NoSQL operators match nothing", func(t *testing.T) {
		t.Parallel()
		testNoSQLOperators(t, w)
	})
	t.Run("display text hides nothing", func(t *testing.T) {
		t.Parallel()
		testDisplayText(t, w)
	})
	t.Run("responses name no software and are neither sniffed nor cached", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"/healthz", "/v1/me", "/v1/providers/" + w.provA, "/v1/nothing"} {
			got := w.srv.get(t, path, bearer(w.who(famA).access)...)
			for _, h := range []string{"Server", "X-Powered-By", "X-AspNet-Version"} {
				if v := got.header.Get(h); v != "" {
					t.Errorf("GET %s: %s: %s", path, h, v)
				}
			}
			if v := got.header.Get("X-Content-Type-Options"); v != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, v)
			}
			if v := got.header.Get("Cache-Control"); strings.HasPrefix(path, "/v1/") && v != "no-store" {
				t.Errorf("GET %s: Cache-Control %q, want no-store", path, v)
			}
		}
	})
	t.Run("no CORS unless configured", func(t *testing.T) {
		t.Parallel()
		got := w.srv.get(t, "/v1/me", append(bearer(w.who(famA).access), "Origin", "https://evil.example")...)
		if v := got.header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("a page of https://evil.example may read /v1/me: Access-Control-Allow-Origin %q", v)
		}
		pre := w.srv.do(t, http.MethodOptions, "/v1/me", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
		if v := pre.header.Get("Access-Control-Allow-Origin"); v != "" || pre.status < 400 {
			t.Errorf("a preflight from https://evil.example: %d with Access-Control-Allow-Origin %q, want a refusal", pre.status, v)
		}
	})
}

// firstMissing is the first of the usual methods a path does not have,
// or TRACE when it has them all.
func firstMissing(have []string) string {
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if !slices.Contains(have, m) {
			return m
		}
	}
	return "TRACE"
}

// internals are words of Go, its JSON decoder, drivers and stores that
// must never reach a client.
var internals = regexp.MustCompile(`(?i)json:|unexpected EOF|invalid character|goroutine|panic|runtime\.|\.go:\d|mongo|ferret|sqlite|redis|bson|fiber|fasthttp|kin-openapi|openapi3`)

var specParam = regexp.MustCompile(`\{[^}]+\}`)

// placeholderPath is the row's path, or for a fresh row its spec path
// with "x" for each parameter: routing does not look at the values.
func placeholderPath(p *prepared) string {
	if p.fresh != nil || p.each != nil {
		return specParam.ReplaceAllString(p.spec.path, "x")
	}
	return p.path
}

// ---------------------------------------------------------------------------
// NoSQL operators

// operatorSegments are ids that a query builder taking them as values
// could read as operators.
var operatorSegments = []string{`{"$gt":""}`, `$ne`, `.*`}

func testNoSQLOperators(t *testing.T, w *world) {
	ids := w.ownedIDs()
	for _, r := range securityRows(w) {
		p := w.prepare(t, r)
		t.Run(r.op, func(t *testing.T) {
			t.Parallel()
			token := w.anyToken(r)
			// In path segments: a GET its allowed actor may make answers
			// 4xx when the id is an operator.
			if p.spec.method == http.MethodGet && r.fresh == nil && r.each == nil {
				for _, id := range ids {
					if id == "" || !strings.Contains(r.path, id) {
						continue
					}
					for _, op := range operatorSegments {
						f := p.fixture
						f.path = strings.ReplaceAll(f.path, id, url.PathEscape(op))
						if got := w.sendWith(t, p, f, token...); got.status < 400 || got.status >= 500 {
							t.Errorf("%s with the id %s: %d, want 4xx", r.op, op, got.status)
						}
					}
				}
			}
			// In query strings: an operator as a declared parameter's
			// value, or in a parameter's name.
			for _, name := range p.spec.query {
				f := w.request(t, p, "")
				f.path = withQuery(f.path, name, `{"$gt":""}`)
				if got := w.sendWith(t, p, f, token...); got.status < 400 || got.status >= 500 {
					t.Errorf("%s with ?%s={\"$gt\":\"\"}: %d, want 4xx", r.op, name, got.status)
				}
				f.path = withQuery(w.request(t, p, "").path, name+"[$ne]", "x")
				if got := w.sendWith(t, p, f, token...); got.status != http.StatusBadRequest {
					t.Errorf("%s with ?%s[$ne]=x: %d, want 400", r.op, name, got.status)
				}
			}
			// In bodies: an operator object for a string, and keys with $
			// or a dot.
			if !p.spec.hasBody {
				return
			}
			f := w.request(t, p, "")
			base := map[string]any{}
			if f.body != nil {
				base = toMap(t, f.body)
			}
			var probes []map[string]any
			for k, v := range base {
				if _, ok := v.(string); ok {
					probe := copyMap(base)
					probe[k] = map[string]any{"$gt": ""}
					probes = append(probes, probe)
				}
			}
			for _, key := range []string{"$where", "profile.name"} {
				probe := copyMap(base)
				probe[key] = "1"
				probes = append(probes, probe)
			}
			for _, probe := range probes {
				f.body = probe
				if got := w.sendWith(t, p, f, token...); got.status != http.StatusUnprocessableEntity {
					t.Errorf("%s with %s: %d %v, want 422", r.op, compactJSON(probe), got.status, got.json["code"])
				}
			}
		})
	}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
