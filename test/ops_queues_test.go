package e2e_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestPlatformAdminsWatchTheQueuesInABrowser: the asynq dashboard at
// /ops/queues is the platform admins' alone. A browser without
// credentials gets a sign-in page; an admin's access token buys a
// short-lived cookie good for /ops/ only; with it the dashboard and its
// JSON API answer (over the embedded miniredis here, real Redis when
// REDIS_URL is set). Everyone else is refused, a forged or foreign
// cookie is worth nothing, a demoted admin's cookie dies with the role,
// and a request from another site changes nothing.
func TestPlatformAdminsWatchTheQueuesInABrowser(t *testing.T) {
	t.Parallel()
	st := startProviderServer(t, false)
	srv, admin := st.srv, st.admin
	family := srv.signUp(t)

	// Nobody signed in: a problem for tools, the sign-in page for a
	// browser, which holds no secret and runs only its own script.
	wantProblem(t, srv.get(t, "/ops/queues"), http.StatusUnauthorized, "unauthenticated")
	wantProblem(t, srv.get(t, "/ops/queues/api/queues"), http.StatusUnauthorized, "unauthenticated")
	page := srv.get(t, "/ops/queues", "Accept", "text/html,application/xhtml+xml")
	if page.status != http.StatusUnauthorized || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(page.body), "/v1/ops/session") ||
		!strings.Contains(page.header.Get("Content-Security-Policy"), "script-src 'sha256-") {
		t.Fatalf("the sign-in page: %d %v %s", page.status, page.header, page.body)
	}

	// A family user: 403, with a token or asking for a cookie.
	wantProblem(t, family.get(t, "/ops/queues"), http.StatusForbidden, "forbidden")
	r := family.post(t, "/v1/ops/session", nil)
	wantProblem(t, r, http.StatusForbidden, "forbidden")
	if r.header.Get("Set-Cookie") != "" {
		t.Fatalf("a family user got a cookie: %s", r.header.Get("Set-Cookie"))
	}
	wantProblem(t, srv.post(t, "/v1/ops/session", nil), http.StatusUnauthorized, "unauthenticated")

	// The admin trades their token for the cookie.
	cookie := opsCookie(t, admin)
	withCookie := []string{"Cookie", cookie.Name + "=" + cookie.Value}
	dash := srv.get(t, "/ops/queues", append(withCookie, "Accept", "text/html")...)
	if dash.status != http.StatusOK || !strings.Contains(string(dash.body), "/ops/queues/") ||
		!strings.Contains(string(dash.body), "Asynq") {
		t.Fatalf("the dashboard: %d %.300s", dash.status, dash.body)
	}
	wantStatus(t, srv.get(t, "/ops/queues/", withCookie...), http.StatusOK)
	api := srv.get(t, "/ops/queues/api/queues", withCookie...)
	var queues struct {
		Queues []any `json:"queues"`
	}
	if api.status != http.StatusOK || json.Unmarshal(api.body, &queues) != nil || queues.Queues == nil {
		t.Fatalf("asynqmon's API: %d %s", api.status, api.body)
	}
	// Once something is announced (a family invites a member: the relay
	// hands the event to asynq), the dashboard shows its queue, with
	// the figures asynq's inspector reads (on miniredis as on Redis).
	fam := family.createFamily(t, uniqueName("王家"))
	invitee := newPhone()
	family.invite(t, fam.ID, &invitee, "member")
	var names []string
	if !waitUntil(pushWait, func() bool {
		var q struct {
			Queues []struct {
				Queue string `json:"queue"`
			} `json:"queues"`
		}
		_ = json.Unmarshal(srv.get(t, "/ops/queues/api/queues", withCookie...).body, &q)
		names = names[:0]
		for _, x := range q.Queues {
			names = append(names, x.Queue)
		}
		return len(names) > 0
	}) {
		t.Fatal("the dashboard shows no queue after an event was announced")
	}
	wantStatus(t, srv.get(t, "/ops/queues/api/queues/"+names[0], withCookie...), http.StatusOK)
	// A bearer token works too, for tools.
	wantStatus(t, admin.get(t, "/ops/queues/api/queues"), http.StatusOK)

	// The cookie is not a token, and a changed cookie is nothing.
	wantProblem(t, srv.get(t, "/v1/me", bearer(cookie.Value)...), http.StatusUnauthorized, "token_invalid")
	forged := cookie.Value[:len(cookie.Value)-2] + "xx"
	wantProblem(t, srv.get(t, "/ops/queues/api/queues", "Cookie", cookie.Name+"="+forged), http.StatusUnauthorized,
		"unauthenticated")

	// What changes queues is refused from another site.
	for _, from := range [][]string{{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}} {
		r := srv.do(t, http.MethodDelete, "/ops/queues/api/queues/nothing-here", nil, append(withCookie, from...)...)
		wantProblem(t, r, http.StatusForbidden, "cross_site_request")
	}

	// A second admin's cookie stops working the moment they are demoted.
	second := srv.signUp(t)
	wantStatus(t, admin.do(t, http.MethodPut, "/v1/users/"+second.id+"/roles",
		map[string][]string{"roles": {"platform_admin"}}), http.StatusOK)
	theirs := opsCookie(t, second)
	wantStatus(t, srv.get(t, "/ops/queues/api/queues", "Cookie", theirs.Name+"="+theirs.Value), http.StatusOK)
	wantStatus(t, admin.do(t, http.MethodPut, "/v1/users/"+second.id+"/roles", map[string][]string{"roles": {"family"}}),
		http.StatusOK)
	wantProblem(t, srv.get(t, "/ops/queues/api/queues", "Cookie", theirs.Name+"="+theirs.Value), http.StatusForbidden,
		"forbidden")
}

// opsCookie is the cookie POST /v1/ops/session sets for p, checked for
// the attributes that keep it to /ops/ and out of scripts and other
// sites' requests.
func opsCookie(t *testing.T, p *person) *http.Cookie {
	t.Helper()
	r := p.post(t, "/v1/ops/session", nil)
	wantStatus(t, r, http.StatusOK)
	c, err := http.ParseSetCookie(r.header.Get("Set-Cookie"))
	if err != nil {
		t.Fatalf("Set-Cookie %q: %v", r.header.Get("Set-Cookie"), err)
	}
	if c.Name != "kincare_ops" || c.Path != "/ops/" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode ||
		c.MaxAge <= 0 || c.MaxAge > 15*60 || c.Value == "" || c.Value == p.access {
		t.Fatalf("the ops cookie: %+v", c)
	}
	return c
}
