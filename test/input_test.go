package e2e_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestBadRequestsGetProblemDetails sends what a buggy or hostile client
// might and expects a precise problem+json for each.
func TestBadRequestsGetProblemDetails(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: map[string]string{"HTTP_BODY_LIMIT_BYTES": "2048"}})
	user := srv.login(t, newPhone())
	auth := bearer(user.Access)

	cases := []struct {
		name   string
		method string
		path   string
		body   any
		hdr    []string
		status int
		code   string
		field  string // "" when the problem names no field
	}{
		{"malformed JSON", "POST", "/v1/auth/otp", `{"phone":`, nil, 400, "malformed_json", ""},
		{"JSON that is not an object", "POST", "/v1/auth/otp", `"13800138000"`, nil, 422, "validation_failed", ""},
		{"a number where a string belongs", "POST", "/v1/auth/otp", `{"phone":123}`, nil, 422, "validation_failed", "/phone"},
		{"a missing required field", "POST", "/v1/auth/otp", `{}`, nil, 422, "validation_failed", "/phone"},
		{"an unknown property", "POST", "/v1/auth/otp", `{"phone":"13800138000","nickname":"mum"}`, nil, 422, "validation_failed", "/nickname"},
		{"a phone too short for the schema", "POST", "/v1/auth/otp", `{"phone":"123"}`, nil, 422, "validation_failed", "/phone"},
		{"a well-formed string that is no mobile number", "POST", "/v1/auth/otp", `{"phone":"12345678901"}`, nil, 422, "phone_invalid", "/phone"},
		{"a code that is not six digits", "POST", "/v1/auth/login", `{"phone":"13800138000","code":"12ab"}`, nil, 422, "validation_failed", "/code"},
		{"an unknown device platform", "PUT", "/v1/me/devices/tok", `{"platform":"symbian","app":"family"}`, auth, 422, "validation_failed", "/platform"},
		{"an unknown locale", "PATCH", "/v1/me", `{"locale":"fr"}`, auth, 422, "validation_failed", "/locale"},
		{"no body where one is required", "POST", "/v1/auth/refresh", nil, nil, 422, "validation_failed", ""},
		{"text/plain instead of JSON", "POST", "/v1/auth/otp", `{"phone":"13800138000"}`, []string{"Content-Type", "text/plain"}, 0, "unsupported_media_type", ""},
		{"a body over HTTP_BODY_LIMIT_BYTES", "POST", "/v1/auth/otp", `{"phone":"` + strings.Repeat("1", 4096) + `"}`, nil, 413, "body_too_large", ""},
		{"an unknown route", "GET", "/v1/nothing-here", nil, nil, 404, "route_not_found", ""},
		{"an unknown route under a known prefix", "GET", "/v1/me/secrets", nil, auth, 404, "route_not_found", ""},
		{"a method the route does not have", "DELETE", "/v1/me/password", nil, auth, 405, "method_not_allowed", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.do(t, c.method, c.path, c.body, c.hdr...)
			status := c.status
			if status == 0 { // 400 and 415 both fit RFC 9110 here
				status = http.StatusBadRequest
				if r.status == http.StatusUnsupportedMediaType {
					status = http.StatusUnsupportedMediaType
				}
			}
			p := wantProblem(t, r, status, c.code)
			if c.field != "" {
				wantField(t, p, c.field)
			}
		})
	}

	t.Run("JSON with a charset parameter is accepted", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/otp", map[string]string{"phone": newPhone().national}, "Content-Type", "application/json; charset=utf-8")
		wantStatus(t, r, http.StatusAccepted)
	})
	t.Run("a body just under the limit is read", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/otp", `{"phone":"`+strings.Repeat("1", 1900)+`"}`)
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/phone")
	})
	t.Run("405 names the allowed methods", func(t *testing.T) {
		r := srv.delete(t, "/v1/me/password", auth...)
		allow := r.header.Get("Allow")
		if !strings.Contains(allow, "PUT") {
			t.Errorf("Allow %q, want PUT (RFC 9110 requires Allow on 405)", allow)
		}
	})
	t.Run("refused requests are counted under their route template, not their raw path", func(t *testing.T) {
		metrics := string(srv.get(t, "/metrics").body)
		if strings.Contains(metrics, "nothing-here") || strings.Contains(metrics, "/v1/me/secrets") {
			t.Errorf("metrics carry a raw unmatched path as a label")
		}
		if !strings.Contains(metrics, `route="unmatched"`) {
			t.Errorf(`metrics have no route="unmatched" series for the 404s`)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

var uuidLike = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestErrorsSpeakTheClientsLanguageAndCarryRequestIDs(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})

	t.Run("Chinese by default", func(t *testing.T) {
		r := srv.get(t, "/v1/me")
		p := wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
		if !hasHan(p.Title) || !hasHan(p.Detail) {
			t.Errorf("default title %q / detail %q, want Chinese", p.Title, p.Detail)
		}
		if cl := r.header.Get("Content-Language"); cl != "zh-CN" {
			t.Errorf("Content-Language %q, want zh-CN", cl)
		}
	})
	for _, al := range []string{"en", "en-US,en;q=0.9", "en-GB, zh-CN;q=0.5"} {
		t.Run("English for "+al, func(t *testing.T) {
			r := srv.get(t, "/v1/me", "Accept-Language", al)
			p := wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
			if p.Title != "Not authenticated" || hasHan(p.Detail) {
				t.Errorf("title %q detail %q, want English", p.Title, p.Detail)
			}
			if cl := r.header.Get("Content-Language"); cl != "en" {
				t.Errorf("Content-Language %q, want en", cl)
			}
		})
	}
	for _, al := range []string{"fr", "zh-CN,en;q=0.5", "*"} {
		t.Run("Chinese for "+al, func(t *testing.T) {
			p := wantProblem(t, srv.get(t, "/v1/me", "Accept-Language", al), http.StatusUnauthorized, "unauthenticated")
			if !hasHan(p.Title) {
				t.Errorf("title %q, want Chinese", p.Title)
			}
		})
	}
	t.Run("templated details are filled in", func(t *testing.T) {
		p := newPhone()
		srv.requestCode(t, p)
		r := srv.post(t, "/v1/auth/otp", map[string]string{"phone": p.national}, "Accept-Language", "en")
		prob := wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
		if strings.Contains(prob.Detail, "{") || !strings.Contains(prob.Detail, r.header.Get("Retry-After")+" seconds") {
			t.Errorf("detail %q, want the Retry-After %s seconds filled in", prob.Detail, r.header.Get("Retry-After"))
		}
	})
	t.Run("the SMS follows the app's language", func(t *testing.T) {
		p := newPhone()
		srv.requestCode(t, p, "Accept-Language", "en")
		if ms := srv.sms.messages(p.e164); ms[len(ms)-1].Locale != "en" {
			t.Errorf("SMS locale %q, want en", ms[len(ms)-1].Locale)
		}
	})

	t.Run("a client's request id is echoed", func(t *testing.T) {
		const id = "app-7.3:req_42-e2e"
		r := srv.get(t, "/v1/me", "X-Request-Id", id)
		p := wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
		if r.header.Get("X-Request-Id") != id || p.RequestID != id {
			t.Errorf("X-Request-Id %q, requestId %q; want both %q", r.header.Get("X-Request-Id"), p.RequestID, id)
		}
		if p.Instance != "urn:kincare:request:"+id {
			t.Errorf("instance %q, want urn:kincare:request:%s", p.Instance, id)
		}
		if ok := srv.get(t, "/healthz", "X-Request-Id", id); ok.header.Get("X-Request-Id") != id {
			t.Errorf("a successful answer does not echo X-Request-Id")
		}
		if !waitUntil(ioWait, func() bool { return strings.Contains(srv.logs(), `"request_id":"`+id+`"`) }) {
			t.Errorf("the access log does not carry the request id")
		}
	})
	t.Run("a request id is generated when none is sent", func(t *testing.T) {
		r := srv.get(t, "/v1/me")
		p := wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
		id := r.header.Get("X-Request-Id")
		if !uuidLike.MatchString(id) || p.RequestID != id {
			t.Errorf("X-Request-Id %q, requestId %q; want one generated id in both", id, p.RequestID)
		}
		if again := srv.get(t, "/v1/me").header.Get("X-Request-Id"); again == id {
			t.Errorf("two requests got the same generated id %q", id)
		}
	})
	t.Run("an unsafe request id is replaced, not echoed", func(t *testing.T) {
		for _, bad := range []string{"has space", "quote\"s", strings.Repeat("a", 129)} {
			r := srv.get(t, "/v1/me", "X-Request-Id", bad)
			id := r.header.Get("X-Request-Id")
			if id == bad || !uuidLike.MatchString(id) {
				t.Errorf("for X-Request-Id %q the answer carries %q, want a generated id", bad, id)
			}
		}
	})
}
