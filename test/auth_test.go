package e2e_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDaughterLogsInRefreshesAndLogsOut walks the whole life of a session:
// code, login, profile, refresh with rotation, theft detection by reuse,
// a second login on the same phone, and logout. One phone may be sent
// one code a minute: the server's clock (KINCARE_TEST_CLOCK_OFFSET_FILE,
// which the code limits follow and sessions do not) stands still until
// the test moves it past that minute.
func TestDaughterLogsInRefreshesAndLogsOut(t *testing.T) {
	t.Parallel()
	const gatewayToken = "gw-e2e-secret-7f3a"
	clk := newOffsetClock(t)
	start := clk.stop(t)
	srv := startServer(t, config{env: map[string]string{"SMS_WEBHOOK_TOKEN": gatewayToken,
		"KINCARE_TEST_CLOCK_OFFSET_FILE": clk.path}})
	daughter := newPhone()

	// She asks for a code; the gateway is asked to text it to her number.
	r := srv.post(t, "/v1/auth/otp", map[string]string{"phone": daughter.national})
	wantStatus(t, r, http.StatusAccepted)
	if r.json["expiresInSeconds"] != float64(300) || r.json["resendAfterSeconds"] != float64(60) {
		t.Errorf("OTP answer %s, want expiresInSeconds 300 and resendAfterSeconds 60", r.body)
	}
	sms := srv.sms.messages(daughter.e164)
	if len(sms) != 1 {
		t.Fatalf("gateway got %d messages for %s, want 1", len(sms), daughter.e164)
	}
	msg := sms[0]
	if !strings.HasPrefix(msg.Phone, "+86") || msg.Template != "login_code" || msg.Locale != "zh-CN" || msg.Params.Minutes != 5 {
		t.Errorf("SMS %+v, want phone +86..., template login_code, locale zh-CN, 5 minutes", msg)
	}
	if msg.authorization != "Bearer "+gatewayToken {
		t.Errorf("gateway saw Authorization %q, want the configured SMS_WEBHOOK_TOKEN", msg.authorization)
	}

	// Logging in with it creates her account.
	loginByCode := map[string]string{"phone": daughter.national, "code": msg.Params.Code}
	r = srv.post(t, "/v1/auth/login", loginByCode)
	wantStatus(t, r, http.StatusOK)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("login Cache-Control %q, want no-store", cc)
	}
	first := decode[session](t, r)
	if !first.NewUser || first.TokenType != "Bearer" || first.Access == "" || first.Refresh == "" {
		t.Fatalf("first login %s, want newUser, Bearer and both tokens", r.body)
	}
	if !slices.Equal(first.User.Roles, []string{"family"}) {
		t.Errorf("roles %q, want [family]", first.User.Roles)
	}
	if first.User.Phone != daughter.e164 {
		t.Errorf("user.phone %q, want %q", first.User.Phone, daughter.e164)
	}
	if d := time.Until(first.AccessExpires); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("access token expires in %s, want about 15m", d)
	}
	if d := time.Until(first.RefreshExpires); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("refresh token expires in %s, want about 30 days", d)
	}

	// The code worked once; it does not work again.
	r = srv.post(t, "/v1/auth/login", loginByCode)
	wantProblem(t, r, http.StatusUnauthorized, "otp_expired")

	// Her profile shows her own number unmasked.
	m := srv.me(t, first.Access)
	if m.ID != first.User.ID || m.Phone != daughter.e164 || m.HasPassword || m.Locale != "zh-CN" {
		t.Errorf("GET /v1/me = %+v, want id %s, phone %s, no password, zh-CN", m, first.User.ID, daughter.e164)
	}

	// Refreshing rotates the refresh token.
	r = srv.refresh(t, first.Refresh)
	wantStatus(t, r, http.StatusOK)
	second := decode[session](t, r)
	if second.Refresh == "" || second.Refresh == first.Refresh {
		t.Fatalf("refresh gave refresh token %q, want a new one", second.Refresh)
	}
	if second.NewUser || second.User.ID != first.User.ID {
		t.Errorf("refresh: newUser %v, user %s; want false, %s", second.NewUser, second.User.ID, first.User.ID)
	}
	if got := srv.me(t, second.Access); got.ID != first.User.ID {
		t.Errorf("refreshed access token is for %s, want %s", got.ID, first.User.ID)
	}

	// Someone presents the spent token again: the whole session ends, for
	// the thief and for her.
	r = srv.refresh(t, first.Refresh)
	wantProblem(t, r, http.StatusUnauthorized, "refresh_token_reused")
	for name, tok := range map[string]string{"the spent token": first.Refresh, "the newest token": second.Refresh} {
		r = srv.refresh(t, tok)
		if r.status != http.StatusUnauthorized {
			t.Errorf("after reuse, refreshing with %s: %s, want 401", name, r)
		}
	}
	r = srv.refresh(t, second.Refresh)
	wantProblem(t, r, http.StatusUnauthorized, "session_ended")

	// She logs in again. A new code is refused until a minute has passed
	// since the first, and the answer says how long is left.
	for _, d := range []time.Duration{0, 59 * time.Second} {
		clk.standAt(t, start.Add(d))
		r = srv.post(t, "/v1/auth/otp", map[string]string{"phone": daughter.national})
		wantProblem(t, r, http.StatusTooManyRequests, "rate_limited")
		if wait, want := retryAfter(t, r), int((time.Minute - d).Seconds()); wait != want {
			t.Errorf("%s after the first code: Retry-After %d, want %d", d, wait, want)
		}
	}
	if n := len(srv.sms.messages(daughter.e164)); n != 1 {
		t.Fatalf("the gateway got %d messages for her, want only the first", n)
	}
	clk.standAt(t, start.Add(time.Minute))
	r = srv.post(t, "/v1/auth/otp", map[string]string{"phone": daughter.national})
	wantStatus(t, r, http.StatusAccepted)
	code := srv.sms.lastCode(t, daughter.e164)
	if code == msg.Params.Code {
		t.Logf("note: the second code equals the first (1 in a million)")
	}
	r = srv.post(t, "/v1/auth/login", map[string]string{"phone": daughter.e164, "code": code})
	wantStatus(t, r, http.StatusOK)
	third := decode[session](t, r)
	if third.NewUser || third.User.ID != first.User.ID {
		t.Errorf("second login by code: newUser %v, id %s; want false and %s", third.NewUser, third.User.ID, first.User.ID)
	}
	if sessionOf(t, third.Access) == sessionOf(t, first.Access) {
		t.Errorf("the second login reused the revoked session %s", sessionOf(t, first.Access))
	}

	// She logs out: that session's refresh token stops working at once.
	r = srv.post(t, "/v1/auth/logout", nil, bearer(third.Access)...)
	wantStatus(t, r, http.StatusNoContent)
	r = srv.refresh(t, third.Refresh)
	wantProblem(t, r, http.StatusUnauthorized, "session_ended")

	// Nothing secret reached the log.
	logs := srv.logsThrough(t, r)
	if !strings.Contains(logs, `"route":"/v1/auth/refresh"`) {
		t.Fatalf("the captured log has no access line for /v1/auth/refresh; is stdout captured?\n%s", tail(logs, 10))
	}
	secrets := map[string]string{
		"phone (national)":         daughter.national,
		"phone (E.164)":            daughter.e164,
		"SMS gateway token":        gatewayToken,
		"first access token":       first.Access,
		"first refresh token":      first.Refresh,
		"second access token":      second.Access,
		"second refresh token":     second.Refresh,
		"third access token":       third.Access,
		"third refresh token":      third.Refresh,
		"refresh token's MAC":      first.Refresh[strings.LastIndex(first.Refresh, ".")+1:],
		"access token's signature": first.Access[strings.LastIndex(first.Access, ".")+1:],
	}
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the %s", what)
		}
	}
}

// retryAfter reads a whole-seconds Retry-After header.
func retryAfter(t *testing.T, r *response) int {
	t.Helper()
	v := r.header.Get("Retry-After")
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("Retry-After %q is not whole seconds; body %s", v, r.body)
	}
	return n
}

// TestSonSetsAPasswordAndLogsInWithIt covers login without a code and
// the account settings a user changes himself.
func TestSonSetsAPasswordAndLogsInWithIt(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	son := newPhone()
	s := srv.login(t, son)

	t.Run("a short password is refused", func(t *testing.T) {
		r := srv.put(t, "/v1/me/password", map[string]string{"password": "short1"}, bearer(s.Access)...)
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/password")
	})

	const password = "correct horse 1"
	r := srv.put(t, "/v1/me/password", map[string]string{"password": password}, bearer(s.Access)...)
	wantStatus(t, r, http.StatusNoContent)
	if !srv.me(t, s.Access).HasPassword {
		t.Errorf("GET /v1/me says hasPassword false after setting one")
	}

	t.Run("the right password logs in", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": son.e164, "password": password})
		wantStatus(t, r, http.StatusOK)
		p := decode[session](t, r)
		if p.NewUser || p.User.ID != s.User.ID || !p.User.HasPassword {
			t.Errorf("password login: newUser %v, id %s, hasPassword %v; want false, %s, true",
				p.NewUser, p.User.ID, p.User.HasPassword, s.User.ID)
		}
		if srv.me(t, p.Access).ID != s.User.ID {
			t.Errorf("password login's access token is for someone else")
		}
		wantStatus(t, srv.refresh(t, p.Refresh), http.StatusOK)
	})
	t.Run("a wrong password is refused", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": son.national, "password": "correct horse 2"})
		wantProblem(t, r, http.StatusUnauthorized, "credentials_invalid")
	})
	t.Run("a phone without an account answers like a wrong password", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": newPhone().national, "password": password})
		wantProblem(t, r, http.StatusUnauthorized, "credentials_invalid")
	})
	t.Run("code and password together are refused", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": son.national, "code": "123456", "password": password})
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "login_method_invalid")
		wantField(t, p, "/code")
		wantField(t, p, "/password")
	})
	t.Run("neither code nor password is refused", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": son.national})
		wantProblem(t, r, http.StatusUnprocessableEntity, "login_method_invalid")
	})
	t.Run("he switches his account to English", func(t *testing.T) {
		r := srv.do(t, http.MethodPatch, "/v1/me", map[string]string{"locale": "en"}, bearer(s.Access)...)
		wantStatus(t, r, http.StatusOK)
		if got := decode[me](t, r); got.Locale != "en" || got.ID != s.User.ID {
			t.Errorf("PATCH /v1/me answered %s, want his account with locale en", r.body)
		}
		r = srv.do(t, http.MethodPatch, "/v1/me", map[string]string{}, bearer(s.Access)...)
		wantStatus(t, r, http.StatusOK)
		if got := srv.me(t, s.Access); got.Locale != "en" || !got.HasPassword {
			t.Errorf("after an empty PATCH: locale %q hasPassword %v, want en and true", got.Locale, got.HasPassword)
		}
	})
	t.Run("a password longer than 72 bytes is refused", func(t *testing.T) {
		r := srv.put(t, "/v1/me/password", map[string]string{"password": strings.Repeat("x", 73)}, bearer(s.Access)...)
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/password")
	})
}

// ---------------------------------------------------------------------------
// Tokens

// accessKey is the HMAC key kincare signs access tokens with: derived
// from the configured secret (adapters/token).
func accessKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("kincare access v1"))
	return m.Sum(nil)
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claimsOf reads an access token's claims without verifying it.
func claimsOf(t *testing.T, access string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(access, c); err != nil {
		t.Fatalf("access token is not a JWT: %v", err)
	}
	return c
}

func sessionOf(t *testing.T, access string) string {
	t.Helper()
	sid, _ := claimsOf(t, access)["sid"].(string)
	if sid == "" {
		t.Fatalf("access token has no sid claim")
	}
	return sid
}

func rolesOf(t *testing.T, access string) []string {
	t.Helper()
	var out []string
	raw, _ := claimsOf(t, access)["roles"].([]any)
	for _, r := range raw {
		s, _ := r.(string)
		out = append(out, s)
	}
	return out
}

// validClaims are what kincare itself would put in s's access token.
func validClaims(t *testing.T, s session) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "kincare", "aud": []string{"kincare-api"}, "sub": s.User.ID, "sid": sessionOf(t, s.Access),
		"roles": []string{"family"}, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
}

func except(c jwt.MapClaims, changes jwt.MapClaims) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestForgedAndStaleTokensAreRefused(t *testing.T) {
	t.Parallel()
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(randInt(256))
	}
	srv := startServer(t, config{env: map[string]string{"JWT_SIGNING_KEY": hex.EncodeToString(secret)}})
	user := srv.login(t, newPhone())
	good := validClaims(t, user)
	key := accessKey(secret)
	now := time.Now()

	// Control: a token signed the way kincare signs is accepted, so each
	// refusal below is for the one thing that case changes.
	if got := srv.me(t, sign(t, jwt.SigningMethodHS256, key, good)); got.ID != user.User.ID {
		t.Fatalf("self-signed control token is for %s, want %s", got.ID, user.User.ID)
	}
	t.Run("expired within the 30 s leeway is still accepted", func(t *testing.T) {
		tok := sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{
			"iat": now.Add(-15 * time.Minute).Unix(), "nbf": now.Add(-15 * time.Minute).Unix(), "exp": now.Add(-5 * time.Second).Unix()}))
		srv.me(t, tok)
	})

	otherKey := accessKey([]byte("another deployment's secret, 32+ bytes long"))
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good)
	cases := []struct {
		name string
		hdr  []string
		code string
	}{
		{"no Authorization header", nil, "unauthenticated"},
		{"Basic credentials", []string{"Authorization", "Basic dXNlcjpwYXNz"}, "unauthenticated"},
		{"an empty bearer token", []string{"Authorization", "Bearer"}, "unauthenticated"},
		{"garbage", bearer("not.a.jwt"), "token_invalid"},
		{"alg none", bearer(none), "token_invalid"},
		{"signed with another key", bearer(sign(t, jwt.SigningMethodHS256, otherKey, good)), "token_invalid"},
		{"signed with the raw secret instead of the derived key", bearer(sign(t, jwt.SigningMethodHS256, secret, good)), "token_invalid"},
		{"HS512 with the right key", bearer(sign(t, jwt.SigningMethodHS512, key, good)), "token_invalid"},
		{"wrong audience", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"aud": []string{"kincare-admin"}}))), "token_invalid"},
		{"no audience", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"aud": nil}))), "token_invalid"},
		{"wrong issuer", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"iss": "evil"}))), "token_invalid"},
		{"no session", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"sid": nil}))), "token_invalid"},
		{"no subject", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"sub": nil}))), "token_invalid"},
		{"no expiry", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"exp": nil}))), "token_invalid"},
		{"not yet valid", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{"nbf": now.Add(10 * time.Minute).Unix()}))), "token_invalid"},
		{"expired beyond the leeway", bearer(sign(t, jwt.SigningMethodHS256, key, except(good, jwt.MapClaims{
			"iat": now.Add(-20 * time.Minute).Unix(), "nbf": now.Add(-20 * time.Minute).Unix(), "exp": now.Add(-2 * time.Minute).Unix()}))), "token_expired"},
		{"the refresh token", bearer(user.Refresh), "token_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.get(t, "/v1/me", c.hdr...)
			wantProblem(t, r, http.StatusUnauthorized, c.code)
			if h := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge", h)
			}
		})
	}

	t.Run("logout needs a valid access token", func(t *testing.T) {
		r := srv.post(t, "/v1/auth/logout", nil, bearer(user.Refresh)...)
		wantProblem(t, r, http.StatusUnauthorized, "token_invalid")
	})
	t.Run("forged refresh tokens are refused", func(t *testing.T) {
		parts := strings.Split(user.Refresh, ".")
		if len(parts) != 4 {
			t.Fatalf("refresh token %q has %d dot-separated parts, want 4", user.Refresh, len(parts))
		}
		bumped := strings.Join([]string{parts[0], parts[1], "2", parts[3]}, ".")
		for name, tok := range map[string]string{
			"garbage": "krt1.nope", "generation bumped": bumped, "the access token": user.Access,
		} {
			t.Run(name, func(t *testing.T) {
				wantProblem(t, srv.refresh(t, tok), http.StatusUnauthorized, "refresh_token_invalid")
			})
		}
		// None of that touched the real session.
		wantStatus(t, srv.refresh(t, user.Refresh), http.StatusOK)
	})
}

// ---------------------------------------------------------------------------
// Roles

func TestAdminMakesADaughterARegulator(t *testing.T) {
	t.Parallel()
	adminPhone := newPhone()
	srv := startServer(t, config{env: map[string]string{"ADMIN_PHONES": adminPhone.national}})
	admin := srv.login(t, adminPhone)
	if !slices.Contains(admin.User.Roles, "platform_admin") || !slices.Contains(admin.User.Roles, "family") {
		t.Fatalf("ADMIN_PHONES user has roles %q, want platform_admin and family", admin.User.Roles)
	}
	if !slices.Contains(rolesOf(t, admin.Access), "platform_admin") {
		t.Fatalf("the admin's first access token carries roles %q, want platform_admin", rolesOf(t, admin.Access))
	}
	daughterPhone := newPhone()
	daughter := srv.login(t, daughterPhone)
	rolesPath := func(id string) string { return "/v1/users/" + id + "/roles" }

	t.Run("a family user may not grant roles", func(t *testing.T) {
		for _, id := range []string{daughter.User.ID, admin.User.ID} {
			r := srv.put(t, rolesPath(id), map[string][]string{"roles": {"platform_admin"}}, bearer(daughter.Access)...)
			wantProblem(t, r, http.StatusForbidden, "forbidden")
		}
		if got := srv.me(t, daughter.Access).Roles; !slices.Equal(got, []string{"family"}) {
			t.Errorf("after refused grants the daughter has %q", got)
		}
	})

	r := srv.put(t, rolesPath(daughter.User.ID), map[string][]string{"roles": {"regulator"}}, bearer(admin.Access)...)
	wantStatus(t, r, http.StatusOK)
	granted := decode[struct {
		ID          string   `json:"id"`
		PhoneMasked string   `json:"phoneMasked"`
		Phone       string   `json:"phone"`
		Roles       []string `json:"roles"`
	}](t, r)
	if granted.ID != daughter.User.ID || !slices.Contains(granted.Roles, "regulator") || !slices.Contains(granted.Roles, "family") {
		t.Errorf("grant answered %s, want the daughter with regulator and family", r.body)
	}
	if granted.PhoneMasked != daughterPhone.masked() {
		t.Errorf("phoneMasked %q, want %q", granted.PhoneMasked, daughterPhone.masked())
	}
	if strings.Contains(string(r.body), daughterPhone.national) {
		t.Errorf("the admin's view of another user shows the full number: %s", r.body)
	}

	// Her current token still says family; the next refresh carries the role.
	if got := rolesOf(t, daughter.Access); slices.Contains(got, "regulator") {
		t.Errorf("the old access token already carries %q", got)
	}
	r = srv.refresh(t, daughter.Refresh)
	wantStatus(t, r, http.StatusOK)
	refreshed := decode[session](t, r)
	if got := rolesOf(t, refreshed.Access); !slices.Contains(got, "regulator") || !slices.Contains(got, "family") {
		t.Errorf("the refreshed access token carries %q, want regulator and family", got)
	}
	if got := srv.me(t, refreshed.Access).Roles; !slices.Contains(got, "regulator") {
		t.Errorf("GET /v1/me roles %q, want regulator", got)
	}

	t.Run("the admin may not remove their own platform_admin", func(t *testing.T) {
		r := srv.put(t, rolesPath(admin.User.ID), map[string][]string{"roles": {"family"}}, bearer(admin.Access)...)
		wantProblem(t, r, http.StatusConflict, "self_demotion")
		if got := srv.me(t, admin.Access).Roles; !slices.Contains(got, "platform_admin") {
			t.Errorf("after a refused self-demotion the admin has %q", got)
		}
	})
	t.Run("an unknown role is refused", func(t *testing.T) {
		r := srv.put(t, rolesPath(daughter.User.ID), map[string][]string{"roles": {"root"}}, bearer(admin.Access)...)
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/roles/0")
	})
	t.Run("an unknown user is not found", func(t *testing.T) {
		r := srv.put(t, rolesPath("no-such-user"), map[string][]string{"roles": {"regulator"}}, bearer(admin.Access)...)
		wantProblem(t, r, http.StatusNotFound, "user_not_found")
	})
	t.Run("a role change takes effect at once, without a refresh", func(t *testing.T) {
		r := srv.put(t, rolesPath(daughter.User.ID), map[string][]string{"roles": {"platform_admin"}}, bearer(admin.Access)...)
		wantStatus(t, r, http.StatusOK)
		grant := map[string][]string{"roles": {"platform_admin", "regulator"}}
		r = srv.put(t, rolesPath(daughter.User.ID), grant, bearer(refreshed.Access)...)
		wantStatus(t, r, http.StatusOK)
		// Demoted, the same token loses the power at once.
		r = srv.put(t, rolesPath(daughter.User.ID), map[string][]string{"roles": {"regulator"}}, bearer(admin.Access)...)
		wantStatus(t, r, http.StatusOK)
		r = srv.put(t, rolesPath(daughter.User.ID), grant, bearer(refreshed.Access)...)
		wantProblem(t, r, http.StatusForbidden, "forbidden")
	})
}

// ---------------------------------------------------------------------------
// Restart

func TestSessionsSurviveARestart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	gateway := newSMSGateway(t)
	first := startServer(t, config{dataDir: dataDir, sms: gateway})
	p := newPhone()
	s := first.login(t, p)
	first.stop(t)
	if t.Failed() {
		t.FailNow()
	}

	// The generated key is kept under DATA_DIR, private to the server.
	keyFile := filepath.Join(dataDir, "jwt-signing.key")
	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("no signing key under DATA_DIR: %v", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("%s has mode %o, want no access for group or others", keyFile, perm)
	}
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(secret) < 32 {
		t.Fatalf("%s does not hold 32+ hex-encoded bytes (%d bytes, %v)", keyFile, len(secret), err)
	}

	second := startServer(t, config{dataDir: dataDir, sms: gateway})
	if got := second.me(t, s.Access); got.ID != s.User.ID || got.Phone != p.e164 {
		t.Errorf("after restart GET /v1/me = %+v, want %s %s", got, s.User.ID, p.e164)
	}
	// The key file is the key in use: a token signed with it is accepted.
	if got := second.me(t, sign(t, jwt.SigningMethodHS256, accessKey(secret), validClaims(t, s))); got.ID != s.User.ID {
		t.Errorf("a token signed with the key from %s is for %s, want %s", keyFile, got.ID, s.User.ID)
	}
	r := second.refresh(t, s.Refresh)
	wantStatus(t, r, http.StatusOK)
	if got := decode[session](t, r); got.User.ID != s.User.ID || got.NewUser {
		t.Errorf("refresh after restart: user %s newUser %v, want %s false", got.User.ID, got.NewUser, s.User.ID)
	}
}
