package e2e_test

// API4:2023 Unrestricted Resource Consumption. Every operation that
// takes a body refuses one over HTTP_BODY_LIMIT_BYTES (413); every list
// refuses a page over 100 (400); every string and array a request may
// carry is bounded by the contract (checked below); date ranges are
// bounded (an order or a quote at most 90 days ahead and 7 days long,
// availability 366 days, opening slots 92); and every route but the
// probes and metrics counts against the per-client limit (429 with
// Retry-After), writes also against the per-user one.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kincare/kincare/openapi"
)

// worldBodyLimit is HTTP_BODY_LIMIT_BYTES of the world's server: small,
// so that a body one byte over it is sent whole before the server
// answers (a server that stops reading mid-body resets the connection).
const worldBodyLimit = 4096

func testResourceConsumption(t *testing.T, w *world) {
	t.Run("no body over the limit is read", func(t *testing.T) {
		t.Parallel()
		huge := `{"x":"` + strings.Repeat("a", worldBodyLimit) + `"}`
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			if !p.spec.hasBody {
				continue
			}
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				f := w.request(t, p, "")
				f.body = huge
				wantProblem(t, w.sendWith(t, p, f, w.anyToken(r)...), http.StatusRequestEntityTooLarge, "body_too_large")
			})
		}
	})
	t.Run("no page holds more than 100", func(t *testing.T) {
		t.Parallel()
		for _, r := range securityRows(w) {
			p := w.prepare(t, r)
			if !p.spec.pages {
				continue
			}
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				for _, limit := range []string{"0", "101", "100000"} {
					f := w.request(t, p, "")
					f.path = withQuery(f.path, "limit", limit)
					got := wantProblem(t, w.sendWith(t, p, f, w.anyToken(r)...), http.StatusBadRequest, "invalid_parameter")
					wantField(t, got, "query.limit")
				}
			})
		}
	})
	t.Run("time ranges are bounded", func(t *testing.T) {
		t.Parallel()
		famA := w.who(famA)
		far := shanghaiToday().AddDate(0, 0, 91).Add(2 * time.Hour) // 10:00 in Shanghai, 91 days ahead
		window := map[string]string{"start": far.Format(time.RFC3339), "end": far.Add(time.Hour).Format(time.RFC3339)}
		got := wantProblem(t, famA.post(t, "/v1/quotes", map[string]any{"elderId": w.elderA, "providerId": w.provA,
			"itemId": w.itemA, "window": window}), http.StatusUnprocessableEntity, "window_invalid")
		wantFieldCode(t, got, "/window/start", "too_far_ahead")
		got = wantProblem(t, famA.post(t, "/v1/orders", map[string]any{"elderId": w.elderA, "providerId": w.provA,
			"itemId": w.itemA, "priceVersion": 1, "window": window}, "Idempotency-Key", randomID()),
			http.StatusUnprocessableEntity, "window_invalid")
		wantFieldCode(t, got, "/window/start", "too_far_ahead")
		near := w.window()
		start, _ := time.Parse(time.RFC3339, near["start"])
		long := map[string]string{"start": near["start"], "end": start.Add(8 * 24 * time.Hour).Format(time.RFC3339)}
		wantProblem(t, famA.post(t, "/v1/quotes", map[string]any{"elderId": w.elderA, "providerId": w.provA,
			"itemId": w.itemA, "window": long}), http.StatusUnprocessableEntity, "window_invalid")
		from := time.Now().UTC().Truncate(time.Second)
		wantProblem(t, famA.get(t, "/v1/offerings/"+w.offeringA+"/availability?from="+url.QueryEscape(from.Format(time.RFC3339))+
			"&to="+url.QueryEscape(from.AddDate(1, 0, 2).Format(time.RFC3339))), http.StatusUnprocessableEntity, "slot_range_invalid")
		day := shanghaiToday().AddDate(0, 0, 1)
		wantProblem(t, w.who(provA).post(t, "/v1/offerings/"+w.offeringA+"/slots", map[string]string{
			"from": day.Format(time.DateOnly), "to": day.AddDate(0, 0, 93).Format(time.DateOnly)}),
			http.StatusUnprocessableEntity, "slot_range_invalid")
	})
	t.Run("every route counts against the limits", func(t *testing.T) {
		t.Parallel()
		testRateLimits(t, w)
	})
}

// testRateLimits runs on a server of its own with low limits: a user's
// third write in a minute is refused while reads go on; then one client
// exhausts its budget, and every operation but the probes and metrics
// refuses it.
func testRateLimits(t *testing.T, w *world) {
	srv := startServer(t, config{env: map[string]string{
		"RATE_LIMIT_IP_PER_MINUTE": "20", "RATE_LIMIT_USER_WRITES_PER_MINUTE": "2",
		"TRUSTED_PROXIES": "127.0.0.0/8", // each step below comes from an address of its own
	}})
	user := (&world{srv: srv}).signUp(t)
	from := []string{"X-Forwarded-For", randomAddress()}
	for range 2 {
		wantStatus(t, user.patch(t, "/v1/me", map[string]string{"locale": "en"}, from...), http.StatusOK)
	}
	limited := wantProblem(t, user.patch(t, "/v1/me", map[string]string{"locale": "en"}, from...),
		http.StatusTooManyRequests, "rate_limited")
	_ = limited
	if s := retryAfter(t, user.patch(t, "/v1/me", map[string]string{"locale": "zh-CN"}, from...)); s < 1 || s > 60 {
		t.Errorf("Retry-After %d, want 1..60", s)
	}
	wantStatus(t, user.get(t, "/v1/me", from...), http.StatusOK)

	// This client (no X-Forwarded-For) spends its budget, and spends it
	// again whenever the sliding minute gave a request back while the
	// rows below were prepared: a route is unlimited only if it answers
	// right after the budget was spent.
	spend := func() {
		t.Helper()
		for i := 0; srv.get(t, "/v1/me").status != http.StatusTooManyRequests; i++ {
			if i > 20 {
				t.Fatal("21 requests a minute from one client are all answered, with RATE_LIMIT_IP_PER_MINUTE=20")
			}
		}
	}
	spend()
	for _, r := range securityRows(w) {
		p := w.prepare(t, r)
		path := r.path
		if r.fresh != nil || r.each != nil {
			path = p.spec.path // the path as the spec writes it: the limit comes before routing
		}
		got := srv.do(t, p.spec.method, path, nil)
		if got.status != http.StatusTooManyRequests && !unlimitedPath(p.spec.path) {
			spend()
			got = srv.do(t, p.spec.method, path, nil)
		}
		if unlimitedPath(p.spec.path) {
			if got.status == http.StatusTooManyRequests {
				t.Errorf("%s: %d for a client over its limit; probes and metrics are exempt", r.op, got.status)
			}
			continue
		}
		if got.status != http.StatusTooManyRequests || got.json["code"] != "rate_limited" || got.header.Get("Retry-After") == "" {
			t.Errorf("%s for a client over its limit: %d %v (Retry-After %q), want 429 rate_limited with Retry-After",
				r.op, got.status, got.json["code"], got.header.Get("Retry-After"))
		}
	}
}

func unlimitedPath(specPath string) bool {
	return specPath == "/healthz" || specPath == "/readyz" || specPath == "/metrics"
}

// withQuery sets one query parameter of path.
func withQuery(path, name, value string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// Whatever a request carries is bounded by the contract before any
// handler sees it: every string has a maxLength (or an enum, a pattern
// or a date format), every array a maxItems. Runs without a server.
func TestEveryRequestFieldIsBounded(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	check := func(op, at string, s *openapi3.Schema, _ bool) {
		switch {
		case s.Type.Is("array") && s.MaxItems == nil:
			t.Errorf("%s: the array at %q has no maxItems", op, at)
		case s.Type.Is("string") && s.MaxLength == nil && len(s.Enum) == 0 && s.Pattern == "" &&
			s.Format != "date" && s.Format != "date-time":
			t.Errorf("%s: the string at %q has no maxLength", op, at)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value != nil && p.Value.Schema != nil {
					walkRequestSchema(p.Value.Schema.Value, p.Value.In+"."+p.Value.Name, func(at string, s *openapi3.Schema, c bool) {
						check(op.OperationID, at, s, c)
					})
				}
			}
			if op.RequestBody == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				walkRequestSchema(mt.Schema.Value, "", func(at string, s *openapi3.Schema, c bool) {
					check(op.OperationID, at+"/", s, c)
				})
			}
		}
	}
}
