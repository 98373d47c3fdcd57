package e2e_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// concurrently sends n copies of a request at once and returns the
// statuses and problem codes (code is "" for a success).
func (s *server) concurrently(t *testing.T, n int, method, path, body string, hdr ...string) (statuses []int, codes []string) {
	t.Helper()
	statuses, codes = make([]int, n), make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			for j := 0; j+1 < len(hdr); j += 2 {
				req.Header.Set(hdr[j], hdr[j+1])
			}
			<-start
			res, err := s.client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(res.Body)
			statuses[i] = res.StatusCode
			if res.StatusCode >= 300 {
				var p problem
				if err := json.Unmarshal(buf.Bytes(), &p); err == nil {
					codes[i] = p.Code
				}
			}
		}(i)
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return statuses, codes
}

func count(xs []int, want int) int {
	n := 0
	for _, x := range xs {
		if x == want {
			n++
		}
	}
	return n
}

// TestRacingClientsGetOneWinner fires identical requests at once where
// only one may succeed; the stores must decide atomically.
func TestRacingClientsGetOneWinner(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	const n = 6

	t.Run("one code request per phone, however many arrive at once", func(t *testing.T) {
		p := newPhone()
		statuses, codes := srv.concurrently(t, n, "POST", "/v1/auth/otp", `{"phone":"`+p.national+`"}`)
		if count(statuses, http.StatusAccepted) != 1 || count(statuses, http.StatusTooManyRequests) != n-1 {
			t.Errorf("statuses %v (%q), want one 202 and %d 429", statuses, codes, n-1)
		}
		if got := len(srv.sms.messages(p.e164)); got != 1 {
			t.Errorf("the gateway was asked to text %d codes, want 1", got)
		}
	})

	t.Run("a code logs in once, however many apps send it at once", func(t *testing.T) {
		p := newPhone()
		code := srv.requestCode(t, p)
		statuses, codes := srv.concurrently(t, n, "POST", "/v1/auth/login", `{"phone":"`+p.national+`","code":"`+code+`"}`)
		if count(statuses, http.StatusOK) != 1 || count(statuses, http.StatusUnauthorized) != n-1 {
			t.Errorf("statuses %v (%q), want one 200 and %d 401", statuses, codes, n-1)
		}
	})

	t.Run("a refresh token rotates once; the race revokes the session", func(t *testing.T) {
		s := srv.login(t, newPhone())
		statuses, codes := srv.concurrently(t, n, "POST", "/v1/auth/refresh", `{"refreshToken":"`+s.Refresh+`"}`)
		if count(statuses, http.StatusOK) > 1 || count(statuses, http.StatusOK)+count(statuses, http.StatusUnauthorized) != n {
			t.Fatalf("statuses %v (%q), want at most one 200 and the rest 401", statuses, codes)
		}
		for _, c := range codes {
			if c != "" && c != "refresh_token_reused" && c != "session_ended" {
				t.Errorf("a losing refresh answered %q, want refresh_token_reused or session_ended", c)
			}
		}
		// Whoever won, the token was presented twice: the session is over.
		r := srv.refresh(t, s.Refresh)
		wantProblem(t, r, http.StatusUnauthorized, "session_ended")
	})

	t.Run("one device registered at once from many requests", func(t *testing.T) {
		s := srv.login(t, newPhone())
		token := fcmToken()
		statuses, codes := srv.concurrently(t, n, "PUT", devicePath(token), `{"platform":"ios","app":"family"}`, bearer(s.Access)...)
		if count(statuses, http.StatusCreated) != 1 || count(statuses, http.StatusOK) != n-1 {
			t.Errorf("statuses %v (%q), want one 201 and %d 200", statuses, codes, n-1)
		}
		if ds := srv.devices(t, s.Access); len(ds) != 1 || ds[0].Token != token {
			t.Errorf("devices after concurrent registration: %+v, want just the one", ds)
		}
	})
}

// TestSIGTERMLetsARequestInFlightFinish holds a code request inside the
// server (the SMS gateway is slow) while SIGTERM arrives.
func TestSIGTERMLetsARequestInFlightFinish(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	srv.sms.delay.Store(int64(1500 * time.Millisecond))
	p := newPhone()
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := srv.client.Post(srv.base+"/v1/auth/otp", "application/json", strings.NewReader(`{"phone":"`+p.national+`"}`))
		if err != nil {
			done <- result{err: err}
			return
		}
		res.Body.Close()
		done <- result{status: res.StatusCode}
	}()
	// SIGTERM once the request is inside the server (held by the gateway).
	if !waitUntil(10*time.Second, func() bool { return srv.sms.received.Load() == 1 }) {
		t.Fatalf("the code request never reached the gateway")
	}
	stopped := time.Now()
	srv.stop(t)
	r := <-done
	if r.err != nil || r.status != http.StatusAccepted {
		t.Fatalf("the in-flight request got %d, %v; want 202", r.status, r.err)
	}
	if len(srv.sms.messages(p.e164)) != 1 {
		t.Errorf("the in-flight code was not texted")
	}
	if d := time.Since(stopped); d < 900*time.Millisecond {
		t.Errorf("stopped in %s, before the in-flight request could finish", d)
	}
	if !strings.Contains(srv.logs(), `"msg":"shutting down"`) {
		t.Errorf("no \"shutting down\" log line")
	}
}

func TestSMSGatewayOutageIsA503(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	srv.sms.failWith.Store(http.StatusBadGateway)
	p := newPhone()
	r := srv.post(t, "/v1/auth/otp", map[string]string{"phone": p.national})
	wantProblem(t, r, http.StatusServiceUnavailable, "sms_unavailable")
	logs := srv.logs()
	if !waitUntil(ioWait, func() bool { logs = srv.logs(); return strings.Contains(logs, "502") }) {
		t.Errorf("the log does not say what the gateway answered:\n%s", tail(logs, 5))
	}
	if strings.Contains(logs, p.national) {
		t.Errorf("the error log contains the phone number")
	}
	if !strings.Contains(srv.get(t, "/readyz").String(), `"ready"`) {
		t.Errorf("an SMS outage made the server unready")
	}
}

func TestOneUserCannotFloodWrites(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: map[string]string{"RATE_LIMIT_USER_WRITES_PER_MINUTE": "3"}})
	a := srv.login(t, newPhone())
	b := srv.login(t, newPhone())
	body := map[string]string{"platform": "web", "app": "family"}
	for i := 0; i < 3; i++ {
		wantStatus(t, srv.put(t, devicePath(fcmToken()), body, bearer(a.Access)...), http.StatusCreated)
	}
	r := srv.put(t, devicePath(fcmToken()), body, bearer(a.Access)...)
	wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
	retryAfter(t, r)
	// Reads go on, and other users are not affected.
	srv.me(t, a.Access)
	wantStatus(t, srv.put(t, devicePath(fcmToken()), body, bearer(b.Access)...), http.StatusCreated)
}
