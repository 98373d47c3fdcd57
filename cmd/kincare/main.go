// Command kincare serves the kincare API. With no configuration it starts
// embedded FerretDB and miniredis and keeps its data under ./data; with
// MONGODB_URI and REDIS_URL it uses those and starts nothing embedded.
// See README.md for every setting.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	// Families keep their own IANA zones; embed the zone database so the
	// distroless image, which has none, can load them.
	_ "time/tzdata"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/logbuf"
	"github.com/kincare/kincare/adapters/redis"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(os.LookupEnv, os.Stderr))
	}
	// "kincare demo" fills the embedded store with a demo district.
	if len(os.Args) > 1 && os.Args[1] == "demo" {
		os.Exit(runDemo(os.Args[2:], os.LookupEnv, os.Stdout, os.Stderr))
	}
	// "kincare indicators rebuild" derives the indicators' read model
	// again from the collections.
	if len(os.Args) > 1 && os.Args[1] == "indicators" {
		os.Exit(runIndicators(os.Args[2:], os.LookupEnv, os.Stdout, os.Stderr))
	}
	// "kincare worker" runs the background jobs without the HTTP API, for
	// deployments whose API replicas set JOBS_IN_PROCESS=false.
	worker := len(os.Args) > 1 && os.Args[1] == "worker"
	os.Exit(run(os.LookupEnv, os.Stdout, os.Stderr, worker))
}

// run returns the process exit code: 0 after a clean shutdown, 2 for bad
// configuration, 1 for any other failure.
func run(lookup func(string) (string, bool), stdout, stderr io.Writer, worker bool) int {
	cfg, err := config.Load(lookup)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "kincare: configuration: %s\n", line)
		}
		return 2
	}
	if worker && (cfg.EmbeddedMongo() || cfg.EmbeddedRedis()) {
		fmt.Fprintln(stderr, "kincare: configuration: kincare worker needs MONGODB_URI and a Redis (REDIS_URL, "+
			"REDIS_CLUSTER_ADDRS or REDIS_SENTINEL_ADDRS): the embedded stores belong to the process that started them")
		return 2
	}
	// The server's lines are batched (LOG_FLUSH_INTERVAL); every return
	// below writes out what waits, before main exits.
	logOut := logbuf.New(stdout, cfg.LogFlushInterval)
	defer logOut.Close()
	log := slog.New(logbuf.FlushOnError(newHandler(logOut, cfg.LogLevel), logOut))
	redis.LogTo(log)
	if worker {
		cfg.JobsInProcess = true
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	srv, err := start(ctx, cfg, log, !worker)
	if err != nil {
		log.Error("start failed", "err", err)
		return 1
	}
	// "http listening" (or "worker started") is how an operator, a
	// supervisor or the tests see the process ready: out at once.
	_ = logOut.Flush()
	select {
	case <-ctx.Done():
	case err := <-srv.served:
		// The listener died under us: stop rather than run deaf.
		log.Error("http server stopped", "err", err)
		srv.served <- err // shutdown waits for it
	}
	log.Info("shutting down", "deadline", cfg.ShutdownTimeout.String())
	if err := srv.shutdown(cfg.ShutdownTimeout); err != nil {
		log.Error("unclean shutdown", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// newLogger writes each line to w as it is logged, for the one-off
// commands (demo, indicators) that print their own results beside it.
func newLogger(w io.Writer, level string) *slog.Logger {
	return slog.New(newHandler(w, level))
}

func newHandler(w io.Writer, level string) slog.Handler {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})
}
