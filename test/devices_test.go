package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

type device struct {
	Token      string `json:"token"`
	Platform   string `json:"platform"`
	App        string `json:"app"`
	Locale     string `json:"locale"`
	AppVersion string `json:"appVersion"`
	UpdatedAt  string `json:"updatedAt"`
}

// fcmToken looks like a real FCM registration token: an instance id, a
// colon, and a long base64url body.
func fcmToken() string {
	return fmt.Sprintf("cX%08dQ-_Rk:APA91bH%dx-Yz_0LmNoPqRsTuVwXyZ%08dAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_",
		randInt(100_000_000), randInt(1_000_000_000), randInt(100_000_000))
}

// devicePath escapes the token as a browser's encodeURIComponent would,
// ':' included.
func devicePath(token string) string {
	return "/v1/me/devices/" + strings.ReplaceAll(url.PathEscape(token), ":", "%3A")
}

func (s *server) devices(t *testing.T, access string) []device {
	t.Helper()
	r := s.get(t, "/v1/me/devices", bearer(access)...)
	wantStatus(t, r, http.StatusOK)
	return decode[struct {
		Items []device `json:"items"`
	}](t, r).Items
}

func hasDevice(ds []device, token string) bool {
	for _, d := range ds {
		if d.Token == token {
			return true
		}
	}
	return false
}

// TestPhoneChangesHandsBetweenFamilyMembers: a push token is registered,
// re-registered, handed to another person (whose app registers it), and
// removed; and nowhere does the raw token leak into logs or metrics.
func TestPhoneChangesHandsBetweenFamilyMembers(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	mother := srv.login(t, newPhone())
	son := srv.login(t, newPhone())
	token := fcmToken()
	if !strings.Contains(devicePath(token), "%3A") {
		t.Fatalf("test token %q should need escaping", token)
	}
	body := map[string]string{"platform": "android", "app": "family", "locale": "zh-CN", "appVersion": "1.4.2"}

	// The mother's app registers its token; doing so again is an update.
	r := srv.put(t, devicePath(token), body, bearer(mother.Access)...)
	wantStatus(t, r, http.StatusCreated)
	d := decode[device](t, r)
	if d.Token != token || d.Platform != "android" || d.App != "family" || d.AppVersion != "1.4.2" || d.UpdatedAt == "" {
		t.Errorf("registered device %s, want the token unescaped and the fields sent", r.body)
	}
	// The same token with its ':' left unescaped is the same device.
	body["appVersion"] = "1.5.0"
	r = srv.put(t, "/v1/me/devices/"+token, body, bearer(mother.Access)...)
	wantStatus(t, r, http.StatusOK)
	ds := srv.devices(t, mother.Access)
	if len(ds) != 1 || ds[0].Token != token || ds[0].AppVersion != "1.5.0" {
		t.Fatalf("mother's devices %+v, want just %s at 1.5.0", ds, token)
	}

	// She gives the phone to her son; his app registers the same token.
	r = srv.put(t, devicePath(token), map[string]string{"platform": "android", "app": "family"}, bearer(son.Access)...)
	if r.status != http.StatusOK && r.status != http.StatusCreated {
		t.Fatalf("son registers the handed-down token: %s, want 200 or 201", r)
	}
	if hasDevice(srv.devices(t, mother.Access), token) {
		t.Errorf("the token still lists under the mother after the son registered it")
	}
	if !hasDevice(srv.devices(t, son.Access), token) {
		t.Errorf("the token does not list under the son")
	}

	// She can no longer remove it; he can, once.
	r = srv.delete(t, devicePath(token), bearer(mother.Access)...)
	wantProblem(t, r, http.StatusNotFound, "device_not_found")
	if !hasDevice(srv.devices(t, son.Access), token) {
		t.Fatalf("the mother's refused delete removed the son's device")
	}
	r = srv.delete(t, devicePath(token), bearer(son.Access)...)
	wantStatus(t, r, http.StatusNoContent)
	if ds := srv.devices(t, son.Access); len(ds) != 0 {
		t.Errorf("son's devices after removal: %+v", ds)
	}
	r = srv.delete(t, devicePath(token), bearer(son.Access)...)
	wantProblem(t, r, http.StatusNotFound, "device_not_found")

	t.Run("devices list newest first", func(t *testing.T) {
		var tokens []string
		for i := 0; i < 3; i++ {
			tok := fcmToken()
			tokens = append(tokens, tok)
			wantStatus(t, srv.put(t, devicePath(tok), map[string]string{"platform": "ios", "app": "caregiver"}, bearer(mother.Access)...), http.StatusCreated)
			time.Sleep(5 * time.Millisecond) // distinct timestamps
		}
		ds := srv.devices(t, mother.Access)
		var got []string
		for _, d := range ds {
			got = append(got, d.Token)
		}
		want := []string{tokens[2], tokens[1], tokens[0]}
		if !slices.Equal(got, want) {
			t.Errorf("mother's devices in order %q, want newest first %q", got, want)
		}
	})
	t.Run("an unknown platform is refused", func(t *testing.T) {
		r := srv.put(t, devicePath(fcmToken()), map[string]string{"platform": "symbian", "app": "family"}, bearer(son.Access)...)
		p := wantProblem(t, r, http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/platform")
	})
	t.Run("devices need a login", func(t *testing.T) {
		wantProblem(t, srv.get(t, "/v1/me/devices"), http.StatusUnauthorized, "unauthenticated")
		r := srv.put(t, devicePath(fcmToken()), map[string]string{"platform": "ios", "app": "family"})
		wantProblem(t, r, http.StatusUnauthorized, "unauthenticated")
	})

	// Push tokens are credentials: they appear in no log and no metric.
	r = srv.get(t, "/metrics")
	wantStatus(t, r, http.StatusOK)
	metrics := string(r.body)
	if !strings.Contains(metrics, `route="/v1/me/devices/{token}"`) {
		t.Errorf("metrics have no series for the route template /v1/me/devices/{token}")
	}
	logs := srv.logsThrough(t, r)
	for _, leak := range []string{token, devicePath(token), token[:20]} {
		if strings.Contains(metrics, leak) {
			t.Errorf("metrics contain the device token (%q)", leak)
		}
		if strings.Contains(logs, leak) {
			t.Errorf("the log contains the device token (%q)", leak)
		}
	}
}
