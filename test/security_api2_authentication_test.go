package e2e_test

// API2:2023 Broken Authentication. Every operation that wants a token
// refuses a request without one and every kind of bad one (garbage, an
// unsigned token, another key's, an expired one, a refresh token, a
// deleted account's) with 401 and a Bearer challenge; public operations
// answer the same with or without them. A token's claims are not its
// authority (roles come from the account), spent sessions cannot be
// refreshed, a login code locks after five wrong guesses, and the login
// answers do not tell strangers which phones have accounts.

import (
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// badCredential is an Authorization header that must never pass.
type badCredential struct {
	name string
	hdr  []string // nil: no Authorization header at all
	code string   // the problem code a protected operation answers
}

func (w *world) badCredentials(t *testing.T) []badCredential {
	t.Helper()
	good := validClaims(t, session{Access: w.who(famA).access, User: me{ID: w.who(famA).id}})
	key := accessKey(w.jwtSecret)
	now := time.Now()
	gone := w.signUp(t)
	wantStatus(t, gone.del(t, "/v1/me"), http.StatusNoContent)
	return []badCredential{
		{"no credentials", nil, "unauthenticated"},
		{"garbage", bearer("not.a.jwt"), "token_invalid"},
		{"Basic credentials", []string{"Authorization", "Basic ZmFtQTpwYXNzd29yZA=="}, "unauthenticated"},
		{"alg none", bearer(sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good)), "token_invalid"},
		{"another key", bearer(sign(t, jwt.SigningMethodHS256, accessKey([]byte("another deployment's 32-byte secret")), good)), "token_invalid"},
		{"expired", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{
			"iat": now.Add(-20 * time.Minute).Unix(), "nbf": now.Add(-20 * time.Minute).Unix(), "exp": now.Add(-2 * time.Minute).Unix()}))), "token_expired"},
		{"a refresh token", bearer(w.who(famA).refresh), "token_invalid"},
		{"a deleted account's", bearer(gone.access), "user_deleted"},
	}
}

func testAuthentication(t *testing.T, w *world) {
	creds := w.badCredentials(t)
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		// Every row without credentials and with one kind of bad ones,
		// the kinds taking turns; the middleware that refuses them is the
		// same for every operation, and getMe meets every kind below.
		for i, r := range securityRows(w) {
			t.Run(r.op, func(t *testing.T) {
				t.Parallel()
				p := w.prepare(t, r)
				for _, c := range []badCredential{creds[0], creds[1+i%(len(creds)-1)]} {
					want, code := r.anonStatus(), c.code
					if p.spec.security == "none" {
						// Public: credentials are not even read.
						if c.hdr != nil && c.name != "garbage" {
							continue
						}
						code = ""
					} else if c.hdr != nil && p.spec.security == "optional" {
						want = http.StatusUnauthorized // a caller who says who they are must be right
					}
					got := w.sendWith(t, p, w.request(t, p, ""), c.hdr...)
					if got.status != want {
						t.Errorf("%s with %s: %d %v, want %d", r.op, c.name, got.status, got.json["code"], want)
						continue
					}
					if want == http.StatusUnauthorized && code != "" {
						if got.json["code"] != code {
							t.Errorf("%s with %s: code %v, want %s", r.op, c.name, got.json["code"], code)
						}
						if h := got.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
							t.Errorf("%s with %s: WWW-Authenticate %q, want a Bearer challenge", r.op, c.name, h)
						}
					}
				}
			})
		}
	})
	t.Run("every kind of bad credential", func(t *testing.T) {
		t.Parallel()
		for _, c := range creds {
			wantProblem(t, w.srv.get(t, "/v1/me", c.hdr...), http.StatusUnauthorized, c.code)
			// An optional token that is there must be right too.
			if c.hdr != nil {
				wantProblem(t, w.srv.get(t, "/v1/providers/"+w.provA, c.hdr...), http.StatusUnauthorized, c.code)
			}
		}
	})
	t.Run("a token's roles are not its authority", func(t *testing.T) {
		t.Parallel()
		// Signed with the server's own key, as if an earlier grant had
		// put the roles in: the account's roles decide.
		claims := except(validClaims(t, session{Access: w.who(stranger).access, User: me{ID: w.who(stranger).id}}),
			jwt.MapClaims{"roles": []string{"platform_admin", "regulator"}})
		tok := bearer(sign(t, jwt.SigningMethodHS256, accessKey(w.jwtSecret), claims))
		wantProblem(t, w.srv.do(t, http.MethodPut, "/v1/providers/"+w.provA+"/credit",
			map[string]string{"status": "black_listed", "reason": "伪造"}, tok...), http.StatusForbidden, "forbidden")
		wantProblem(t, w.srv.do(t, http.MethodPut, "/v1/users/"+w.who(stranger).id+"/roles",
			map[string][]string{"roles": {"platform_admin"}}, tok...), http.StatusForbidden, "forbidden")
	})
	t.Run("a logged-out session cannot be refreshed", func(t *testing.T) {
		t.Parallel()
		p := w.signUp(t)
		wantStatus(t, p.post(t, "/v1/auth/logout", nil), http.StatusNoContent)
		wantProblem(t, w.srv.refresh(t, p.refresh), http.StatusUnauthorized, "session_ended")
		// Accepted risk (docs/security.md): the access token itself lapses
		// at its expiry, at most ACCESS_TOKEN_TTL after it was issued (the
		// world's; the default's 15 minutes are TestDaughterLogsIn…'s).
		c := claimsOf(t, p.access)
		iat, _ := c["iat"].(float64)
		exp, _ := c["exp"].(float64)
		if life := time.Duration(exp-iat) * time.Second; life <= 0 || life > worldAccessTTL {
			t.Errorf("an access token lives %s, want at most ACCESS_TOKEN_TTL (%s)", life, worldAccessTTL)
		}
	})
	t.Run("a login code locks after five wrong guesses", func(t *testing.T) {
		t.Parallel()
		ph := newPhone()
		code := w.srv.requestCode(t, ph, "X-Forwarded-For", randomAddress())
		wrong := "000000"
		if code == wrong {
			wrong = "999999"
		}
		for range 4 {
			wantProblem(t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national, "code": wrong}),
				http.StatusUnauthorized, "otp_invalid")
		}
		wantProblem(t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national, "code": wrong}),
			http.StatusTooManyRequests, "otp_locked")
		// Even the right code no longer opens the account.
		wantProblem(t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national, "code": code}),
			http.StatusTooManyRequests, "otp_locked")
	})
	t.Run("login answers do not tell which phones have accounts", func(t *testing.T) {
		t.Parallel()
		withPassword, without := w.signUp(t), w.signUp(t)
		wantStatus(t, withPassword.put(t, "/v1/me/password", map[string]string{"password": "e2e-Passw0rd-long"}), http.StatusNoContent)
		var first problem
		for i, ph := range []phone{withPassword.phone, without.phone, newPhone()} {
			got := wantProblem(t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national, "password": "wrong-guess-123"}),
				http.StatusUnauthorized, "credentials_invalid")
			if i == 0 {
				first = got
			} else if got.Title != first.Title || got.Detail != first.Detail {
				t.Errorf("a wrong password for %s answers %q/%q, for an account with a password %q/%q",
					[]string{"", "an account without a password", "no account"}[i], got.Title, got.Detail, first.Title, first.Detail)
			}
		}
	})
}

// randomSecret is a JWT signing key for the world's server.
func randomSecret() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}
