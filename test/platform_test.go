package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOperatorsCanProbeScrapeAndReadTheDocs(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{})
	user := srv.login(t, newPhone())
	srv.me(t, user.Access)

	t.Run("healthz", func(t *testing.T) {
		r := srv.get(t, "/healthz")
		wantStatus(t, r, http.StatusOK)
		if r.json["status"] != "ok" {
			t.Errorf("healthz %s, want status ok", r.body)
		}
	})
	t.Run("probes answer HEAD like GET", func(t *testing.T) {
		// RFC 9110 9.1: general-purpose servers MUST support HEAD; some
		// load balancers probe with it.
		for _, path := range []string{"/healthz", "/readyz"} {
			r := srv.do(t, http.MethodHead, path, nil)
			if r.status != http.StatusOK || len(r.body) != 0 {
				t.Errorf("HEAD %s: %d with %d body bytes, want 200 and no body", path, r.status, len(r.body))
			}
		}
	})
	t.Run("readyz checks both stores", func(t *testing.T) {
		r := srv.get(t, "/readyz")
		wantStatus(t, r, http.StatusOK)
		checks, _ := r.json["checks"].(map[string]any)
		if r.json["status"] != "ready" || checks["mongo"] != "ok" || checks["redis"] != "ok" {
			t.Errorf("readyz %s, want ready with mongo and redis ok", r.body)
		}
		details, _ := r.json["details"].(map[string]any)
		redis, _ := details["redis"].(map[string]any)
		if masters, _ := redis["masters"].(float64); redis["state"] != "ok" || masters < 1 || redis["mode"] == nil {
			t.Errorf("readyz %s, want details of redis: its mode, state ok, its masters", r.body)
		}
	})
	t.Run("metrics count requests by route template", func(t *testing.T) {
		r := srv.get(t, "/metrics")
		wantStatus(t, r, http.StatusOK)
		m := string(r.body)
		series := regexp.MustCompile(`(?m)^kincare_http_requests_total\{[^}]*route="/v1/me"[^}]*status="200"[^}]*\} [1-9]`)
		if !series.MatchString(m) {
			t.Errorf("no kincare_http_requests_total series for route=\"/v1/me\" status 200 with a count:\n%s", grepLines(m, "kincare_http_requests_total"))
		}
		if !strings.Contains(m, "kincare_http_request_duration_seconds_bucket") {
			t.Errorf("no request latency histogram")
		}
		for _, leak := range []string{user.User.ID, user.Access, user.Refresh} {
			if strings.Contains(m, leak) {
				t.Errorf("metrics contain a user id or token")
			}
		}
	})
	t.Run("the contract is served", func(t *testing.T) {
		r := srv.get(t, "/openapi.yaml")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.Contains(ct, "yaml") {
			t.Errorf("Content-Type %q, want yaml", ct)
		}
		spec, err := os.ReadFile(filepath.Join("..", "openapi", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.body, spec) {
			t.Errorf("GET /openapi.yaml differs from openapi/openapi.yaml (%d vs %d bytes)", len(r.body), len(spec))
		}
	})
	t.Run("the docs work offline", func(t *testing.T) {
		r := srv.get(t, "/docs")
		wantStatus(t, r, http.StatusOK)
		page := string(r.body)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q, want text/html", ct)
		}
		if !strings.Contains(page, `src="/docs/swagger-ui-bundle.js"`) || !strings.Contains(page, "/openapi.yaml") {
			t.Errorf("docs page does not load /docs/swagger-ui-bundle.js and /openapi.yaml:\n%s", page)
		}
		if external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).FindString(page); external != "" {
			t.Errorf("docs page references %q; it must work offline", external)
		}
		for asset, ctype := range map[string]string{"swagger-ui-bundle.js": "javascript", "swagger-ui.css": "text/css"} {
			r := srv.get(t, "/docs/"+asset)
			wantStatus(t, r, http.StatusOK)
			if len(r.body) < 1000 || !strings.Contains(r.header.Get("Content-Type"), ctype) {
				t.Errorf("/docs/%s: %d bytes of %q, want a real %s asset", asset, len(r.body), r.header.Get("Content-Type"), ctype)
			}
		}
	})
	t.Run("docs serve nothing but their assets", func(t *testing.T) {
		for _, path := range []string{"/docs/evil.js", "/docs/..%2F..%2Fgo.mod", "/docs/SWAGGER-UI-LICENSE"} {
			r := srv.get(t, path)
			if r.status == http.StatusOK {
				t.Errorf("GET %s answered 200", path)
			}
			if r.status >= 500 {
				t.Errorf("GET %s: %s", path, r)
			}
		}
	})
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestBadConfigurationStopsTheServerBeforeItStarts runs the binary with
// broken settings: it must exit 2 naming every bad variable on stderr,
// never echo a secret, and start nothing.
func TestBadConfigurationStopsTheServerBeforeItStarts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		env     map[string]string
		want    []string // each must start a line of stderr after the prefix
		secrets []string // must not appear anywhere
	}{
		{
			name: "a body limit that is not a number",
			env:  map[string]string{"HTTP_BODY_LIMIT_BYTES": "abc"},
			want: []string{`HTTP_BODY_LIMIT_BYTES is "abc"`},
		},
		{
			name: "production with nothing configured",
			env:  map[string]string{"KINCARE_ENV": "production"},
			want: []string{"SMS_PROVIDER ", "JWT_SIGNING_KEY ", "MONGODB_URI ", "REDIS_URL ", "FCM_PROJECT_ID "},
		},
		{
			name: "several bad values at once",
			env: map[string]string{
				"HTTP_ADDR": "8080", "LOG_LEVEL": "loud", "ACCESS_TOKEN_TTL": "forever",
				"SMS_PROVIDER": "webhook", "ADMIN_PHONES": "13800138000,not-a-phone",
			},
			want: []string{"HTTP_ADDR ", "LOG_LEVEL ", "ACCESS_TOKEN_TTL ", "SMS_WEBHOOK_URL ", "ADMIN_PHONES "},
		},
		{
			name: "secrets in bad values are not echoed",
			env: map[string]string{
				"JWT_SIGNING_KEY": "tooshort-hunter2",
				"MONGODB_URI":     "mongodb://kincare:s3cr3t-pw@",
				"REDIS_URL":       "http://:r3dis-pw@localhost:6379",
			},
			want:    []string{"JWT_SIGNING_KEY ", "MONGODB_URI ", "REDIS_URL "},
			secrets: []string{"hunter2", "s3cr3t-pw", "r3dis-pw"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := map[string]string{"PATH": os.Getenv("PATH"), "DATA_DIR": dir, "HTTP_ADDR": "127.0.0.1:0"}
			for k, v := range c.env {
				env[k] = v
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary)
			dieWithTest(cmd)
			cmd.Env, cmd.Dir = envList(env), dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit: %v, want code 2\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if len(lines) != len(c.want) {
				t.Errorf("stderr has %d lines, want one per bad variable (%d):\n%s", len(lines), len(c.want), stderr.String())
			}
			for _, w := range c.want {
				found := false
				for _, l := range lines {
					if strings.HasPrefix(l, "kincare: configuration: "+w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no stderr line starts with %q:\n%s", "kincare: configuration: "+w, stderr.String())
				}
			}
			for _, s := range c.secrets {
				if strings.Contains(stderr.String()+stdout.String(), s) {
					t.Errorf("the output echoes the secret %q:\n%s", s, stderr.String())
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing: no part of the server should start", stdout.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("DATA_DIR holds %d entries; nothing should be created on bad configuration", len(entries))
			}
		})
	}
}
