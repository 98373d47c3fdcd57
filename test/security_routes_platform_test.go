package e2e_test

// Rows: probes, metrics, the documentation and the console's files
// (public, but /metrics wants METRICS_TOKEN), login and tokens (public),
// and the caller's own account, devices and inbox (anyone signed in,
// each their own).

import (
	"net/http"
	"testing"
)

// who is a row's allowed actors and their statuses.
type who = map[actor]int

func platformRows(w *world) []row {
	ok := http.StatusOK
	return []row{
		{op: "getHealth", fixture: fixture{path: "/healthz"}, others: ok, anon: ok},
		{op: "getReadiness", fixture: fixture{path: "/readyz"}, others: ok, anon: ok},
		// A user's token is not the scrape token.
		{op: "getMetrics", fixture: fixture{path: "/metrics", as: map[actor]string{platform: w.metricsToken}},
			want: who{platform: ok}, others: http.StatusUnauthorized, anon: http.StatusUnauthorized},
		{op: "getOpenAPI", fixture: fixture{path: "/openapi.yaml"}, others: ok, anon: ok},
		{op: "getDocs", fixture: fixture{path: "/docs"}, others: ok, anon: ok},
		{op: "getDocsAsset", fixture: fixture{path: "/docs/swagger-ui.css"}, others: ok, anon: ok},
		// The console's page and assets are public; what it shows comes
		// from the regulators' operations, each with its own row.
		{op: "getConsole", fixture: fixture{path: "/console/"}, others: ok, anon: ok},
		{op: "getConsoleAsset", fixture: fixture{path: "/console/app.js"}, others: ok, anon: ok},
		// The ops views are the platform admins' alone; the cookie a
		// browser uses is checked in test/ops_queues_test.go.
		{op: "createOpsSession", fixture: fixture{path: "/v1/ops/session"}, want: who{platform: ok},
			others: http.StatusForbidden},
		{op: "getOpsQueues", fixture: fixture{path: "/ops/queues"}, want: who{platform: ok}, others: http.StatusForbidden},
	}
}

// Logging in, refreshing and logging out answer every caller alike,
// so one actor probes them (and a fresh account plays it where the
// request ends or changes the caller's session).
func authRows(*world) []row {
	ok, one := http.StatusOK, []actor{famA}
	return []row{
		{op: "requestOTP", each: func(*testing.T, *world) fixture {
			return fixture{path: "/v1/auth/otp", body: map[string]string{"phone": newPhone().national}}
		}, others: http.StatusAccepted, anon: http.StatusAccepted, only: one},
		{op: "login", each: func(t *testing.T, w *world) fixture {
			p := newPhone()
			code := w.srv.requestCode(t, p, "X-Forwarded-For", randomAddress())
			return fixture{path: "/v1/auth/login", body: map[string]string{"phone": p.national, "code": code}}
		}, others: ok, anon: ok, only: one},
		{op: "refreshTokens", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/auth/refresh", body: map[string]string{"refreshToken": w.signUp(t).refresh}}
		}, others: ok, anon: ok, only: one},
		{op: "logout", fresh: ownAccount("/v1/auth/logout", nil), others: http.StatusNoContent, only: one},
	}
}

// ownAccount is a fixture acting on the caller's own account, or
// changing what the caller is: a fresh account plays each actor, a new
// one each time.
func ownAccount(path string, body any) func(*testing.T, *world) fixture {
	return func(t *testing.T, w *world) fixture {
		as, fresh := map[actor]string{}, w.signUp(t).access
		for _, a := range actors {
			as[a] = fresh
		}
		return fixture{path: path, body: body, as: as}
	}
}

func meRows(w *world) []row {
	ok, none := http.StatusOK, http.StatusNoContent
	return []row{
		{op: "getMe", fixture: fixture{path: "/v1/me"}, others: ok},
		{op: "updateMe", fixture: fixture{path: "/v1/me", body: map[string]string{"locale": "zh-CN"}}, others: ok},
		// Hashing a password is dear by design: one actor probes it.
		{op: "setPassword", fixture: fixture{path: "/v1/me/password", body: map[string]string{"password": "e2e-Passw0rd-long"}},
			others: none, only: []actor{famA}},
		{op: "deleteMe", fresh: ownAccount("/v1/me", nil), others: none, only: []actor{famA}},
		{op: "exportMyData", fixture: fixture{path: "/v1/me/export"}, others: ok, only: []actor{famA, provA}},
		{op: "listDevices", fixture: fixture{path: "/v1/me/devices"}, others: ok},
		// A push token is the device's secret: whoever presents it owns it
		// from then on (the app of the user signed in on that phone).
		{op: "registerDevice", each: func(*testing.T, *world) fixture {
			return fixture{path: devicePath(fcmToken()), body: map[string]string{"platform": "android", "app": "family"}}
		}, others: http.StatusCreated},
		{op: "removeDevice", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: devicePath(w.who(famA).addDevice(t, "ios"))}
		}, want: who{famA: none}, others: http.StatusNotFound},
		{op: "listNotifications", fixture: fixture{path: "/v1/me/notifications"}, others: ok},
		{op: "markAllNotificationsRead", fresh: ownAccount("/v1/me/notifications/read-all", nil), others: ok,
			only: []actor{famA}},
		{op: "markNotificationRead", fixture: fixture{path: "/v1/me/notifications/" + w.notificationA + "/read"},
			want: who{famA: none}, others: http.StatusNotFound},
		{op: "getNotificationPreferences", fixture: fixture{path: "/v1/me/notification-preferences"}, others: ok},
		{op: "putNotificationPreferences", fixture: fixture{path: "/v1/me/notification-preferences",
			body: map[string]any{"categories": map[string]bool{}}}, others: ok},
		{op: "listMyFamilies", fixture: fixture{path: "/v1/families"}, others: ok},
		{op: "listMyInvites", fixture: fixture{path: "/v1/me/invites"}, others: ok},
		{op: "listMyProviders", fixture: fixture{path: "/v1/me/providers"}, others: ok},
		{op: "listMyStaffInvites", fixture: fixture{path: "/v1/me/staff-invites"}, others: ok},
	}
}
