// Package console holds the regulator's web console (政府端): a page,
// its scripts and style sheet, and a vendored Apache ECharts, all
// embedded in the binary so the console works with the network cut.
// It owns only bytes and how they may be cached; serving them is the
// HTTP adapter's (getConsole and getConsoleAsset in openapi/), and the
// console itself speaks only the public /v1 API, so the contract stays
// the single source of truth. It must not import app/ or domain/.
//
// Why vendored ECharts rather than go-echarts: the console is a
// client-side app whose charts change with a region filter and a month
// picker without a round trip to render HTML; go-echarts renders option
// JSON and HTML on the server and would need a private endpoint per
// chart, beside the contract. ECharts is taken from npm at a pinned
// version (see vendor/README.md) and named by its version, so browsers
// may keep it for a year.
package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

//go:embed web
var web embed.FS

// ContentSecurityPolicy allows nothing but this origin: no inline script
// or style, no eval, no frames, no other host to talk to or load from.
// ECharts draws on canvas and sets element styles through the CSSOM,
// which style-src does not govern.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// An Asset is one file of the console with what a response needs.
type Asset struct {
	Body        []byte
	ContentType string
	// ETag is a strong validator: a hash of the body.
	ETag string
	// Immutable assets carry their version in their name (the vendored
	// ECharts): a new version is a new name, so caches may keep them.
	Immutable bool
}

const pageName = "index.html"

// Files are the console's assets by name, read and hashed once.
type Files struct {
	assets map[string]Asset
	names  []string
}

// Load reads the embedded files once; every later call shares the result.
// It fails only if the embedded tree holds a file of an unknown type,
// which the package's tests would have found.
var Load = sync.OnceValues(func() (*Files, error) {
	f := &Files{assets: map[string]Asset{}}
	err := fs.WalkDir(web, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := web.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "web/")
		ctype, ok := contentTypes[path.Ext(name)]
		if !ok {
			return fmt.Errorf("console: %s has no content type", name)
		}
		sum := sha256.Sum256(body)
		f.assets[name] = Asset{Body: body, ContentType: ctype, ETag: `"` + hex.EncodeToString(sum[:12]) + `"`,
			Immutable: strings.HasPrefix(name, "echarts-")}
		if name != pageName {
			f.names = append(f.names, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := f.assets[pageName]; !ok {
		return nil, fmt.Errorf("console: no %s", pageName)
	}
	slices.Sort(f.names)
	return f, nil
})

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
}

// Page is the console's HTML page, served at /console/.
func (f *Files) Page() Asset { return f.assets[pageName] }

// Lookup is the asset served at /console/{name}.
func (f *Files) Lookup(name string) (Asset, bool) {
	if name == pageName {
		return Asset{}, false
	}
	a, ok := f.assets[name]
	return a, ok
}

// Names lists the assets served under /console/, sorted; the contract's
// enum of getConsoleAsset must name exactly these.
func (f *Files) Names() []string { return slices.Clone(f.names) }
