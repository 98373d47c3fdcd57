package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestStrangersGuessingPasswordsCannotLockTheOwnerOut: strangers behind
// ten addresses try passwords on a son's phone. The password locks, for
// a quarter of an hour; his SMS code never does: a new user whose phone
// was hammered while her first code was on its way logs in with it. The
// son's phone is told, once, that his password is being guessed. One
// address alone is stopped at its own five wrong passwords.
func TestStrangersGuessingPasswordsCannotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startServer(t, config{env: familyEnv("FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL(),
		"OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms",
		"TRUSTED_PROXIES", "127.0.0.0/8")}) // the test client plays the load balancer
	from := func(addr string) []string { return []string{"X-Forwarded-For", addr} }
	guess := func(ph phone, i int, addr string) *response {
		return srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national,
			"password": fmt.Sprintf("guess %d", i)}, from(addr)...)
	}

	t.Run("a code still logs in after ten wrong passwords from ten addresses", func(t *testing.T) {
		newcomer := newPhone()
		code := srv.requestCode(t, newcomer, from("192.0.2.10")...)
		for i := range 10 {
			wantProblem(t, guess(newcomer, i, fmt.Sprintf("198.51.100.%d", i+1)), http.StatusUnauthorized, "credentials_invalid")
		}
		locked := guess(newcomer, 11, "198.51.100.99")
		p := wantProblem(t, locked, http.StatusTooManyRequests, "password_locked")
		if s := retryAfter(t, locked); s < 1 || s > 15*60 {
			t.Errorf("Retry-After %d, want within the 15-minute window", s)
		}
		if !strings.Contains(p.Detail, "验证码") {
			t.Errorf("the lock's detail %q does not point to logging in by code", p.Detail)
		}
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": newcomer.national, "code": code}, from("192.0.2.10")...)
		if s := decode[session](t, r); r.status != http.StatusOK || !s.NewUser {
			t.Fatalf("her correct code after the guessing: %s, want 200 and a new account", r)
		}
	})

	t.Run("the owner is told, once, and one address is stopped at five", func(t *testing.T) {
		sonPhone := newPhone()
		son := srv.loginExisting(t, sonPhone)
		token := son.addDevice(t, "android")
		wantStatus(t, son.put(t, "/v1/me/password", map[string]string{"password": "correct horse 1"}), http.StatusNoContent)

		for i := range 5 {
			wantProblem(t, guess(sonPhone, i, "203.0.113.7"), http.StatusUnauthorized, "credentials_invalid")
		}
		wantProblem(t, srv.post(t, "/v1/auth/login", map[string]string{"phone": sonPhone.national,
			"password": "correct horse 1"}, from("203.0.113.7")...), http.StatusTooManyRequests, "password_locked")
		// His own address is not that one.
		wantStatus(t, srv.post(t, "/v1/auth/login", map[string]string{"phone": sonPhone.national,
			"password": "correct horse 1"}, from("192.0.2.20")...), http.StatusOK)

		push := waitPushes(t, fcm, token, 1)[0]
		wantPush(t, push, "有人在尝试您的密码",
			"过去 15 分钟内，有人用错误的密码尝试登录您的账号 5 次。如非本人操作，请设置更复杂的密码；您仍可用短信验证码登录。",
			map[string]string{"type": "account.password_guessed"})
		for i := 5; i < 10; i++ {
			wantProblem(t, guess(sonPhone, i, fmt.Sprintf("203.0.113.%d", 20+i)), http.StatusUnauthorized, "credentials_invalid")
		}
		srv.waitJobsIdle(t)
		if n := len(son.inbox(t, "?limit=100").Items); n != 1 {
			t.Errorf("the son has %d notifications after ten wrong passwords, want the one warning", n)
		}
		wantPushCount(t, fcm, token, "the son", 1)
	})
}
