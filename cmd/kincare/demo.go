package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/domain/fault"
)

// demoOptions are the flags of "kincare demo".
type demoOptions struct {
	seed      uint64
	orders    int
	providers int
	inboxDays int
	reset     bool
	// cpuProfile, if set, is where a pprof CPU profile of the run goes:
	// the demo's speed is what decides how large a district is practical.
	cpuProfile string
}

// runDemo is "kincare demo": it fills the embedded store under DATA_DIR
// with a city district (see demoPlan) through the use cases, as its
// people would have, and prints the accounts to log in as. Exit codes
// as run's: 2 for a bad command line or a store it must not touch.
func runDemo(args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kincare demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o demoOptions
	fs.Uint64Var(&o.seed, "seed", 2026, "the same seed makes the same district")
	fs.IntVar(&o.orders, "orders", 20_000, "home-care orders over the past year (families, elders and children scale with them)")
	fs.IntVar(&o.providers, "providers", 60, "providers in the district: each kind keeps its share, at least one of each")
	fs.IntVar(&o.inboxDays, "inbox-days", 7, "days of notifications written to inboxes (older events count as delivered and purged)")
	fs.BoolVar(&o.reset, "reset", false, "erase the store's data first (refused without it when there is any)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the run to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kincare demo [--seed N] [--orders N] [--providers N] [--inbox-days N] [--reset] [--cpuprofile FILE]")
		fmt.Fprintln(stderr, "Fills the embedded store under DATA_DIR with a demo district and prints accounts to log in as.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || o.orders < 10 || o.orders > 200_000 || o.providers < 1 || o.providers > 600 || o.inboxDays < 0 {
		fs.Usage()
		return 2
	}
	if env, _ := lookup("KINCARE_ENV"); env == string(config.EnvProduction) {
		fmt.Fprintln(stderr, "kincare demo: refused with KINCARE_ENV=production: demo data is made-up people")
		return 2
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		fmt.Fprintf(stderr, "kincare demo: configuration: %v\n", err)
		return 2
	}
	switch {
	case cfg.Env == config.EnvProduction:
		fmt.Fprintln(stderr, "kincare demo: refused with KINCARE_ENV=production: demo data is made-up people")
		return 2
	case !cfg.EmbeddedMongo() || !cfg.EmbeddedRedis():
		fmt.Fprintln(stderr, "kincare demo: fills the embedded store only; unset MONGODB_URI and REDIS_URL")
		return 2
	}
	log := newLogger(stdout, "warn")
	ctx, stop := signalContext()
	defer stop()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "kincare demo: %v\n", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "kincare demo: cpu profile: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if err := demo(ctx, cfg, o, log, stdout); err != nil {
		if errors.Is(err, errStoreNotEmpty) {
			fmt.Fprintf(stderr, "kincare demo: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "kincare demo: %v%s\n", err, faultDetails(err))
		return 1
	}
	return 0
}

// faultDetails spells out a refusal's fields and parameters: a demo
// step the domain refused is a bug in the demo, and this says where.
func faultDetails(err error) string {
	var f *fault.Error
	if !errors.As(err, &f) || len(f.Fields)+len(f.Params) == 0 {
		return ""
	}
	return fmt.Sprintf(" (fields %v, params %v)", f.Fields, f.Params)
}

var errStoreNotEmpty = errors.New("the store under DATA_DIR has data; run again with --reset to erase it first")

func demo(ctx context.Context, cfg config.Config, o demoOptions, log *slog.Logger, out io.Writer) (err error) {
	started := time.Now()
	dir := filepath.Join(cfg.DataDir, "mongo")
	// Unsynced: the demo writes a year of a district one use case at a
	// time, a commit each, and need not wait for the disk at every one;
	// a demo the machine interrupted is made again with --reset.
	m, err := embedded.StartMongoWith(dir, log, embedded.MongoOptions{Unsynced: true})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, m.Close(context.Background())) }()
	r, err := embedded.StartRedis()
	if err != nil {
		return err
	}
	defer r.Close()
	store, err := mongo.Connect(ctx, m.URI(), mongo.Options{Database: cfg.MongoDatabase, MaxPool: cfg.MongoMaxPool,
		SerializeWrites: true, SQLiteDir: m.Dir(), Log: log})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close(context.Background())) }()
	if err := store.EnsureIndexes(ctx); err != nil {
		return err
	}
	empty, err := store.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		if !o.reset {
			return errStoreNotEmpty
		}
		fmt.Fprintf(out, "erasing the data under %s\n", dir)
		if err := os.Remove(filepath.Join(cfg.DataDir, demoAccountsFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := store.Drop(ctx); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		if err := store.EnsureIndexes(ctx); err != nil {
			return err
		}
	}
	rdb, err := redis.Connect(ctx, redis.Options{URL: r.URL()})
	if err != nil {
		return err
	}
	defer rdb.Close()
	key, err := signingKey(cfg)
	if err != nil {
		return err
	}
	w, err := newDemoWorld(ctx, store, rdb, key, o, log)
	if err != nil {
		return err
	}
	w.clock.follow = r.SetTime
	r.SetTime(w.clock.Now())
	fmt.Fprintf(out, "kincare demo: seed %d, %d orders over the year to %s\n", o.seed, o.orders,
		w.clock.end.Format("2006-01-02"))
	if err := w.build(ctx, out); err != nil {
		return err
	}
	// The demo hands its events on itself, without the relay that feeds
	// the indicators' read model: derive it from what the year left.
	n, err := indicators.NewProjector(store.IndicatorSources(), store.IndicatorFacts()).Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "kincare demo: %d indicator facts\n", n)
	w.printAccounts(out, time.Since(started))
	return w.saveAccounts(filepath.Join(cfg.DataDir, demoAccountsFile), out)
}

// demoAccountsFile, under DATA_DIR, lists the printed accounts as JSON,
// with the family or provider each belongs to: for scripts (the growth
// benchmark logs in as them) and for whoever lost the output.
const demoAccountsFile = "demo-accounts.json"

func (w *demoWorld) saveAccounts(path string, out io.Writer) error {
	b, err := json.MarshalIndent(map[string]any{"seed": w.opt.seed, "orders": w.opt.orders,
		"password": demoPassword, "accounts": w.accounts}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "These accounts are also in %s.\n", path)
	return nil
}

// signalContext ends on SIGINT or SIGTERM, as the server's does.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
}
