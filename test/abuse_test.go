package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestLoginCodesResistFloodingAndGuessing(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})

	t.Run("one code a minute per phone, however the number is written", func(t *testing.T) {
		p := newPhone()
		srv.requestCode(t, p)
		for _, written := range []string{p.national, p.e164, "+86 " + p.national[:3] + " " + p.national[3:7] + " " + p.national[7:]} {
			r := srv.post(t, "/v1/auth/otp", map[string]string{"phone": written})
			wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
			if s := retryAfter(t, r); s < 1 || s > 60 {
				t.Errorf("Retry-After %d, want 1..60", s)
			}
		}
		if n := len(srv.sms.messages(p.e164)); n != 1 {
			t.Errorf("the gateway was asked to text %d codes, want 1", n)
		}
	})

	t.Run("five wrong codes lock the code, even against the right one", func(t *testing.T) {
		p := newPhone()
		code := srv.requestCode(t, p)
		wrong := func(i int) string { // six digits, never the real code
			n := 0
			fmt.Sscanf(code, "%d", &n)
			return fmt.Sprintf("%06d", (n+i)%1_000_000)
		}
		en := []string{"Accept-Language", "en"}
		for i := 1; i <= 4; i++ {
			r := srv.post(t, "/v1/auth/login", map[string]string{"phone": p.national, "code": wrong(i)}, en...)
			prob := wantProblem(t, r, http.StatusUnauthorized, "otp_invalid")
			if want := fmt.Sprintf("%d attempts left", 5-i); !strings.Contains(prob.Detail, want) {
				t.Errorf("attempt %d: detail %q, want %q", i, prob.Detail, want)
			}
		}
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": p.national, "code": wrong(5)})
		wantProblem(t, r, http.StatusTooManyRequests, "otp_locked")
		if s := retryAfter(t, r); s < 1 || s > 300 {
			t.Errorf("Retry-After %d after the lock, want 1..300 (the code's remaining life)", s)
		}
		r = srv.post(t, "/v1/auth/login", map[string]string{"phone": p.national, "code": code})
		wantProblem(t, r, http.StatusTooManyRequests, "otp_locked")
		retryAfter(t, r)
	})

	t.Run("a code for one phone does not log in another", func(t *testing.T) {
		a, b := newPhone(), newPhone()
		code := srv.requestCode(t, a)
		srv.requestCode(t, b)
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": b.national, "code": code})
		if r.status == http.StatusOK {
			t.Fatalf("%s's code logged in %s", a.e164, b.e164)
		}
		// a's code still works for a.
		r = srv.post(t, "/v1/auth/login", map[string]string{"phone": a.national, "code": code})
		wantStatus(t, r, http.StatusOK)
	})

	t.Run("password guessing is throttled per phone and client", func(t *testing.T) {
		p := newPhone()
		for i := 1; i <= 5; i++ {
			r := srv.post(t, "/v1/auth/login", map[string]string{"phone": p.national, "password": fmt.Sprintf("guess %d", i)})
			wantProblem(t, r, http.StatusUnauthorized, "credentials_invalid")
		}
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": p.e164, "password": "guess 6"})
		wantProblem(t, r, http.StatusTooManyRequests, "password_locked")
		retryAfter(t, r)
	})
}

func TestOneClientCannotFloodTheAPI(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: map[string]string{"RATE_LIMIT_IP_PER_MINUTE": "5"}})

	for i := 1; i <= 5; i++ {
		r := srv.get(t, "/v1/me")
		wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
	}
	r := srv.get(t, "/v1/me")
	wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
	if s := retryAfter(t, r); s < 1 || s > 60 {
		t.Errorf("Retry-After %d, want 1..60", s)
	}
	// Without TRUSTED_PROXIES a client cannot pose as another by header.
	r = srv.get(t, "/v1/me", "X-Forwarded-For", "192.0.2.44")
	wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
	// Every /v1 route shares the budget, public ones included.
	r = srv.post(t, "/v1/auth/otp", map[string]string{"phone": newPhone().national})
	wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
	// Probes are never limited: orchestrators call them from few IPs.
	for i := 0; i < 20; i++ {
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			if r := srv.get(t, path); r.status != http.StatusOK {
				t.Fatalf("GET %s while the client is limited: %s", path, r)
			}
		}
	}
}

// TestClientsBehindALoadBalancerAreLimitedOneByOne: with the load
// balancer's address in TRUSTED_PROXIES, the client IP comes from
// X-Forwarded-For, to which the balancer appends the address it saw.
func TestClientsBehindALoadBalancerAreLimitedOneByOne(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: map[string]string{
		"RATE_LIMIT_IP_PER_MINUTE": "5",
		"TRUSTED_PROXIES":          "127.0.0.0/8", // the test client plays the balancer
	}})
	via := func(xff string) []string { return []string{"X-Forwarded-For", xff} }

	// Addresses of this run's own: servers sharing one Redis share the
	// counts of an address, as replicas do.
	a, b, balancer := randomAddress(), randomAddress(), randomAddress()
	t.Run("each client has its own budget", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			wantProblem(t, srv.get(t, "/v1/me", via(a)...), http.StatusUnauthorized, "unauthenticated")
		}
		wantProblem(t, srv.get(t, "/v1/me", via(a)...), http.StatusTooManyRequests, "rate_limited")
		wantProblem(t, srv.get(t, "/v1/me", via(b)...), http.StatusUnauthorized, "unauthenticated")
		if !waitUntil(ioWait, func() bool { return strings.Contains(srv.logs(), `"ip":"`+a+`"`) }) {
			t.Errorf("the access log does not show the client's address from X-Forwarded-For")
		}
	})
	t.Run("a client cannot escape its budget by sending its own X-Forwarded-For", func(t *testing.T) {
		// The balancer appends the address it saw to
		// whatever the client sent; only that last entry is trustworthy.
		statuses := make([]int, 6)
		for i := range statuses {
			statuses[i] = srv.get(t, "/v1/me", via(fmt.Sprintf("%s, %s", randomAddress(), balancer))...).status
		}
		if statuses[5] != http.StatusTooManyRequests {
			t.Errorf("statuses %v: the 6th request from %s was not limited; "+
				"the client-supplied first X-Forwarded-For entry is taken as its address", statuses, balancer)
		}
	})
}
