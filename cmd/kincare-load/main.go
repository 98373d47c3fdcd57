// Command kincare-load is a small closed-loop HTTP load driver for
// kincare's benchmarks (docs/benchmarks.md, test/load/auth_bench.sh).
//
//	kincare-load [flags]                         load each -url in turn
//	kincare-load sms-sink -addr A -out FILE      record SMS webhook posts
//	kincare-load login -base URL -codes FILE     print an access token
//
// Each of -c workers owns one keep-alive HTTP/1.1 connection and sends its
// next request only after reading the previous response, so requests/s is
// what the server sustains at that concurrency, not what a client could
// offer. A run ends by itself: after -warmup plus -d per target, or after
// -max-requests, whichever comes first. It only ever requests the URLs
// given (no proxies from the environment, no redirects followed).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	cmd := "load"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var code int
	switch cmd {
	case "load":
		code = runLoad(ctx, args, os.Stdout, os.Stderr)
	case "sms-sink":
		code = runSMSSink(ctx, args, os.Stderr)
	case "login":
		code = runLogin(ctx, args, os.Stdout, os.Stderr)
	default:
		fmt.Fprintf(os.Stderr, "kincare-load: unknown command %q (want load, sms-sink or login)\n", cmd)
		code = 2
	}
	os.Exit(code)
}

// listFlag accepts a flag many times and comma-separated values in each.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// headerFlag collects "Name: value" pairs.
type headerFlag http.Header

func (h headerFlag) String() string { return fmt.Sprint(http.Header(h)) }
func (h headerFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want \"Name: value\", got %q", v)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

// runLoad returns 0 when every target answered only 2xx, 1 when any
// target saw errors or other statuses (a benchmark of failures measures
// the wrong thing, and scripts should notice), 2 for bad usage.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kincare-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var urls listFlag
	header := headerFlag{}
	cfg := loadConfig{}
	fs.Var(&urls, "url", "target `URL`; repeat or comma-separate to run several one after another")
	fs.IntVar(&cfg.conns, "c", 64, "concurrent connections (closed-loop workers)")
	fs.DurationVar(&cfg.duration, "d", 10*time.Second, "measured duration per target")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured warm-up per target")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Second, "per-request timeout")
	fs.Int64Var(&cfg.maxRequests, "max-requests", 5_000_000, "safety bound on requests per target, warm-up included")
	fs.Var(header, "H", "request header \"Name: value\"; repeatable")
	asJSON := fs.Bool("json", false, "print results as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := validate(urls, cfg, fs.NArg()); err != nil {
		fmt.Fprintf(stderr, "kincare-load: %v\n", err)
		return 2
	}
	cfg.header = http.Header(header)

	results := make([]result, 0, len(urls))
	for _, u := range urls {
		fmt.Fprintf(stderr, "kincare-load: %s: %d connections, %s warm-up, %s measured\n", u, cfg.conns, cfg.warmup, cfg.duration)
		r, err := measure(ctx, u, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "kincare-load: %s: %v\n", u, err)
			return 1
		}
		if len(results) > 0 && results[0].RPS > 0 {
			r.Ratio = r.RPS / results[0].RPS
		}
		results = append(results, r)
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
	} else {
		printTable(stdout, results)
	}
	code := 0
	for _, r := range results {
		if r.Non2xx > 0 || r.Errors > 0 {
			fmt.Fprintf(stderr, "kincare-load: %s: %d non-2xx, %d errors\n", r.URL, r.Non2xx, r.Errors)
			code = 1
		}
		if r.FirstError != "" {
			fmt.Fprintf(stderr, "kincare-load: %s: first error: %s\n", r.URL, r.FirstError)
		}
		if r.Capped {
			fmt.Fprintf(stderr, "kincare-load: %s: stopped by -max-requests before -d elapsed\n", r.URL)
		}
	}
	return code
}

func validate(urls []string, cfg loadConfig, extra int) error {
	switch {
	case extra > 0:
		return errors.New("unexpected arguments; targets go in -url")
	case len(urls) == 0:
		return errors.New("-url is required")
	case cfg.conns < 1:
		return errors.New("-c must be at least 1")
	case cfg.duration <= 0 || cfg.warmup < 0 || cfg.timeout <= 0:
		return errors.New("-d and -timeout must be positive, -warmup not negative")
	case cfg.maxRequests < 1:
		return errors.New("-max-requests must be at least 1")
	}
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-url %q is not an http(s) URL", s)
		}
	}
	return nil
}

func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\tconns\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tnon-2xx\terrors\tratio\t")
	for i, r := range results {
		ratio := "-"
		if i > 0 {
			ratio = fmt.Sprintf("%.1f%%", 100*r.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%s\t\n",
			r.URL, r.Connections, r.Requests, r.RPS, r.P50, r.P90, r.P99, r.Max, r.Non2xx, r.Errors, ratio)
	}
	_ = tw.Flush()
}
