package http

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/adapters/console"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/openapi"
)

// The contract's enum of console assets names exactly the embedded files,
// so an asset added without its spec entry (or the reverse) fails here
// and not in an official's browser.
func TestConsoleAssetsAreTheContractsEnum(t *testing.T) {
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/console/{asset}").Get
	var enum []string
	for _, v := range op.Parameters.GetByInAndName("path", "asset").Schema.Value.Enum {
		enum = append(enum, v.(string))
	}
	slices.Sort(enum)
	files, err := console.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := files.Names(); !slices.Equal(got, enum) {
		t.Errorf("embedded console assets %v, the contract's enum %v", got, enum)
	}
}

// What the page and the scripts load is served from the binary: every
// /console/ path in the page and every module a script imports is an
// asset, and nothing names another host (the console works offline).
func TestTheConsoleLoadsOnlyItsOwnAssets(t *testing.T) {
	files, err := console.Load()
	if err != nil {
		t.Fatal(err)
	}
	page := string(files.Page().Body)
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	imports := regexp.MustCompile(`from '\./([^']+)'`)
	for _, name := range files.Names() {
		a, _ := files.Lookup(name)
		if strings.HasSuffix(name, ".js") && !a.Immutable {
			for _, m := range imports.FindAllStringSubmatch(string(a.Body), -1) {
				refs = append(refs, []string{"", "/console/" + m[1]})
			}
			if regexp.MustCompile(`\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write`).Match(a.Body) {
				t.Errorf("%s writes HTML from strings: build elements with dom.js", name)
			}
		}
	}
	if len(refs) < 3 {
		t.Fatalf("found only %v in the page", refs)
	}
	for _, r := range refs {
		ref := r[1]
		if ref == "data:," {
			continue
		}
		name, ok := strings.CutPrefix(ref, "/console/")
		if !ok {
			t.Errorf("the console loads %q, not one of its assets", ref)
			continue
		}
		if _, ok := files.Lookup(name); !ok {
			t.Errorf("the console loads %q, which is not embedded", ref)
		}
	}
}

func TestTheConsoleIsServedWithItsPolicyAndValidators(t *testing.T) {
	app, err := New(Options{BodyLimit: 1 << 20}, Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: openapi.YAML, Registry: prometheus.NewRegistry(),
		Idempotency: idempotency.NewGuard(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), idempotency.Options{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, hdr ...string) *http.Response {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, c := range []struct {
		path, ctype, cache string
	}{
		{"/console/", "text/html; charset=utf-8", "no-cache"},
		{"/console/app.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/console/console.css", "text/css; charset=utf-8", "no-cache"},
		{"/console/echarts-6.1.0.min.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
	} {
		res := get(c.path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != c.ctype || len(body) == 0 {
			t.Errorf("GET %s: %d %q (%d bytes)", c.path, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		if got := res.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self';") ||
			strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
			t.Errorf("GET %s: Content-Security-Policy %q", c.path, csp)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", c.path)
		}
		again := get(c.path, "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", c.path, again.StatusCode)
		}
	}
	for _, path := range []string{"/console/index.html", "/console/nope.js", "/console", "/console/../openapi.yaml"} {
		if res := get(path); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 404 (or 400 from the contract's enum)", path, res.StatusCode)
		}
	}
}
