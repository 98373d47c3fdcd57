package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runDemo runs "kincare demo args…" on dataDir and returns its exit code
// and what it printed.
func runDemo(t *testing.T, dataDir string, env map[string]string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"demo"}, args...)...)
	dieWithTest(cmd)
	vars := map[string]string{"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "TMPDIR": os.TempDir(),
		"DATA_DIR": dataDir}
	for k, v := range env {
		vars[k] = v
	}
	cmd.Env = envList(vars)
	cmd.Dir = dataDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("kincare demo: %v\n%s", err, out.String())
	return 0, ""
}

// TestANewcomerSeesKincareWithData: "kincare demo" fills an empty
// embedded store with a district (here its smallest), prints accounts
// that then log in with the printed password and see their family's and
// provider's orders; it will not touch a store with data unless told to
// (--reset), nor run in production.
func TestANewcomerSeesKincareWithData(t *testing.T) {
	t.Parallel()
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the demo fills the embedded store: MONGODB_URI is set")
	}
	dataDir := t.TempDir()
	small := []string{"--orders", "10", "--providers", "1", "--seed", "7"}
	code, out := runDemo(t, dataDir, nil, small...)
	if code != 0 || !strings.Contains(out, "Log in") {
		t.Fatalf("kincare demo: exit %d\n%s", code, out)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "demo-accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var demo struct {
		Password string `json:"password"`
		Accounts []struct {
			Role, Phone, Of string
		} `json:"accounts"`
	}
	if err := json.Unmarshal(raw, &demo); err != nil {
		t.Fatal(err)
	}
	roles := map[string]bool{}
	for _, a := range demo.Accounts {
		roles[a.Role] = true
		if !strings.Contains(out, a.Phone) {
			t.Errorf("the %s account %s is not printed", a.Role, a.Phone)
		}
	}
	for _, role := range []string{"platform admin", "regulator", "provider admin", "caregiver", "family"} {
		if !roles[role] {
			t.Errorf("no %s account among %+v", role, demo.Accounts)
		}
	}

	// A store with data is left alone, and production refused.
	if code, again := runDemo(t, dataDir, nil, small...); code != 2 || !strings.Contains(again, "--reset") {
		t.Errorf("a second run on the same store: exit %d, want 2 naming --reset\n%s", code, again)
	}
	if code, prod := runDemo(t, t.TempDir(), map[string]string{"KINCARE_ENV": "production"}, small...); code != 2 ||
		!strings.Contains(prod, "KINCARE_ENV=production") {
		t.Errorf("in production: exit %d, want 2\n%s", code, prod)
	}

	srv := startServer(t, config{dataDir: dataDir})
	tokens := map[string]string{}
	for _, a := range demo.Accounts {
		r := srv.post(t, "/v1/auth/login", map[string]string{"phone": a.Phone, "password": demo.Password})
		wantStatus(t, r, http.StatusOK)
		tokens[a.Role] = decode[session](t, r).Access
	}
	for _, a := range demo.Accounts {
		var path string
		switch a.Role {
		case "family":
			path = "/v1/families/" + a.Of + "/orders"
		case "provider admin":
			path = "/v1/providers/" + a.Of + "/orders"
		default:
			continue
		}
		r := srv.get(t, path, bearer(tokens[a.Role])...)
		wantStatus(t, r, http.StatusOK)
		if page := decode[listPage[orderView]](t, r); len(page.Items) == 0 {
			t.Errorf("the demo's %s sees no orders at %s", a.Role, path)
		}
	}
}
