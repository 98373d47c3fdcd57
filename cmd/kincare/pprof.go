package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startProfiler serves Go's profiler on addr (PPROF_ADDR, loopback only)
// on a listener of its own, so the API's routes, limits and access log
// never see it and a profile can be taken of a replica under load:
//
//	go tool pprof 'http://127.0.0.1:6060/debug/pprof/profile?seconds=10'
//
// The handlers are added to a mux of this server's own rather than
// http.DefaultServeMux, which anything in the process may serve.
func (s *server) startProfiler(addr string, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("profiler: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("profiler stopped", "err", err)
		}
	}()
	s.closers = append(s.closers, func(ctx context.Context) error { return srv.Shutdown(ctx) })
	log.Info("pprof listening", "addr", ln.Addr().String())
	return nil
}
