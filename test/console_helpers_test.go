package e2e_test

// A real browser for the console's stories: Debian's chromium, headless,
// driven over the DevTools protocol by chromedp. chromedp is the test's
// only way to see what an official sees (the page is a client-side app:
// its tables and charts exist only after its scripts ran against the
// API), and it needs no driver binary or Node beside the browser itself.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserCandidates are where a Chromium may be found: CHROME_PATH
// first, then Debian's and others' names on PATH.
var browserCandidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// findBrowser is the Chromium to drive, or skips the test (saying so)
// when this machine has none; CI installs one (.ci/run).
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range browserCandidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skipf("no Chromium found (tried $CHROME_PATH and %s on PATH): the console's browser test needs one "+
		"(Debian: apt-get install chromium)", strings.Join(browserCandidates, ", "))
	return ""
}

// tab is one headless browser tab on a 1366×768 office screen, with
// what it asked the network for and what its console said.
type tab struct {
	ctx      context.Context
	base     string
	download string // the directory downloads land in

	mu        sync.Mutex
	requests  []string
	errors    []string
	downloads map[string]bool // guid → completed
	names     map[string]string
}

func openTab(t *testing.T, chrome string, srv *server) *tab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.WindowSize(1366, 768),
		// No host name resolves: a page that needed a CDN would break
		// here as it would on a network cut off from the internet (the
		// server is reached by its IP address).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root with its sandbox (CI containers).
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	tb := &tab{ctx: ctx, base: srv.base, download: t.TempDir(), downloads: map[string]bool{}, names: map[string]string{}}
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first call starts the browser, bound to ctx (no timeout on it).
	listen := func() error {
		if err := chromedp.Listen(ctx, tb.onTabEvent); err != nil {
			return err
		}
		if err := chromedp.ListenBrowser(ctx, tb.onBrowserEvent); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: tb.download, EventsEnabled: new(true)})
		return err
	}
	if err := listen(); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	// The window's size includes the browser's frame; the page gets the
	// whole office screen.
	tb.run(t, "a 1366×768 screen", chromedp.EmulateViewport(1366, 768))
	return tb
}

// onTabEvent keeps what the page asked the network for and what its
// scripts complained of. It runs in chromedp's read loop: no commands.
func (tb *tab) onTabEvent(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.errors = append(tb.errors, msg)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			tb.errors = append(tb.errors, "console.error "+strings.Join(parts, " "))
		}
	}
}

func (tb *tab) onBrowserEvent(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch e := ev.(type) {
	case *browser.EventDownloadWillBegin:
		tb.names[e.GUID] = e.SuggestedFilename
	case *browser.EventDownloadProgress:
		if e.State == browser.DownloadProgressStateCompleted {
			tb.downloads[e.GUID] = true
		}
	}
}

// stepTimeout bounds one step; chromedp polls for the selectors a step
// waits on, so a step ends as soon as the page shows what it should.
const stepTimeout = 45 * time.Second

// run performs a step's actions, failing with what the page showed and
// what its scripts complained of when one does not complete in time.
func (tb *tab) run(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fail(t, step, err)
	}
}

func (tb *tab) fail(t *testing.T, step string, err error) {
	t.Helper()
	shot, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	text, _ := chromedp.Run(shot, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	tb.mu.Lock()
	defer tb.mu.Unlock()
	t.Fatalf("%s: %v\nthe page shows:\n%s\nscript errors: %q", step, err, tail(text, 40), tb.errors)
}

// value runs one action that returns a value, within a step's time.
func value[T any](t *testing.T, tb *tab, step string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.fail(t, step, err)
	}
	return v
}

// text is the visible text of the first element matching sel.
func (tb *tab) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, tb, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// foreignRequests are the URLs the tab asked for anywhere but the server.
func (tb *tab) foreignRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, u := range tb.requests {
		if !strings.HasPrefix(u, tb.base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:"+tb.base) {
			out = append(out, u)
		}
	}
	return out
}

func (tb *tab) scriptErrors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.errors...)
}

// waitDownload waits until the browser finished a download and returns
// its suggested name and its bytes.
func (tb *tab) waitDownload(t *testing.T) (string, []byte) {
	t.Helper()
	var guid string
	ok := waitUntil(stepTimeout, func() bool {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for g, done := range tb.downloads {
			if done {
				guid = g
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no download completed within %s", stepTimeout)
	}
	tb.mu.Lock()
	name := tb.names[guid]
	delete(tb.downloads, guid)
	tb.mu.Unlock()
	// AllowAndName saves the file under its GUID.
	body, err := os.ReadFile(filepath.Join(tb.download, guid))
	if err != nil {
		t.Fatalf("the download %q: %v", name, err)
	}
	return name, body
}

// screenshot saves the tab as docs/screenshots/name when
// CONSOLE_SCREENSHOTS=1 (README shows them; other runs leave the tree
// alone).
func (tb *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("CONSOLE_SCREENSHOTS") != "1" {
		return
	}
	png := value(t, tb, "screenshot "+name, chromedp.CaptureScreenshot())
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
