package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/app/indicators"
)

// startIndicators builds the indicators' read model in the background
// when it was never built (the first start of a version that keeps it,
// on a store full of history): the relay only feeds it from now on.
func (s *server) startIndicators(p *indicators.Projector) {
	s.background(func(ctx context.Context) {
		started := time.Now()
		n, err := p.RebuildIfEmpty(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("indicators: first build of the read model", "err", err)
		case n > 0:
			s.log.Info("indicators: read model built from the collections", "facts", n,
				"took", time.Since(started).String())
		}
	})
}

// runIndicators is "kincare indicators rebuild": the read model derived
// again from the collections, as POST /v1/regulator/indicators/rebuild
// does. Against MONGODB_URI it runs beside the servers; the embedded
// store belongs to one process, so stop the server first.
func runIndicators(args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "rebuild" {
		fmt.Fprintln(stderr, "usage: kincare indicators rebuild")
		return 2
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		fmt.Fprintf(stderr, "kincare indicators: configuration: %v\n", err)
		return 2
	}
	log := newLogger(stdout, cfg.LogLevel)
	ctx, stop := signalContext()
	defer stop()
	started := time.Now()
	n, err := rebuildIndicators(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "kincare indicators: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "kincare indicators: %d facts written in %s\n", n, time.Since(started).Round(time.Millisecond))
	return 0
}

func rebuildIndicators(ctx context.Context, cfg config.Config, log *slog.Logger) (n int, err error) {
	uri := cfg.MongoURI
	opts := mongo.Options{Database: cfg.MongoDatabase, MaxPool: cfg.MongoMaxPool, Log: log}
	if cfg.EmbeddedMongo() {
		m, err := embedded.StartMongo(cfg.DataDir+"/mongo", log)
		if err != nil {
			return 0, fmt.Errorf("the embedded store (is the server still running on %s?): %w", cfg.DataDir, err)
		}
		defer func() { err = errors.Join(err, m.Close(context.Background())) }()
		uri, opts.SerializeWrites, opts.SQLiteDir = m.URI(), true, m.Dir()
	}
	store, err := mongo.Connect(ctx, uri, opts)
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, store.Close(context.Background())) }()
	if err := store.EnsureIndexes(ctx); err != nil {
		return 0, err
	}
	return indicators.NewProjector(store.IndicatorSources(), store.IndicatorFacts()).Rebuild(ctx)
}
