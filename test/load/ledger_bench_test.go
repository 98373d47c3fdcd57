package load

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/mongo"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/test/loadkit"
)

// TestLedgerReserve measures the ledger kincare runs (app/ledger on
// adapters/mongo: one conditional write of the account per posting, the
// journal insert after it), CONNS (64) goroutines for SECONDS (10) each
// after WARMUP (1) s. A call reserves an amount for a fresh ref and then
// releases it, so an account's open holds stay at most one per worker
// (an allowance's month holds tens, not thousands); reserves/s is calls/s.
// Two workloads: every call on one account (contended), and on one of
// ACCOUNTS (1000) accounts at random. MongoDB is MONGODB_URI, else the
// embedded FerretDB in this process with kincare's embedded settings
// (pool 4, the per-document write guard). It asserts no speed; it checks
// that every account ends with nothing held and its journal complete.
//
//	LEDGER_BENCH=1 go test ./test/load -run TestLedgerReserve -v -count=1
func TestLedgerReserve(t *testing.T) {
	if os.Getenv("LEDGER_BENCH") == "" {
		t.Skip("a benchmark: set LEDGER_BENCH=1")
	}
	conns := envInt(t, "CONNS", 64)
	seconds := time.Duration(envInt(t, "SECONDS", 10)) * time.Second
	warmup := time.Duration(envInt(t, "WARMUP", 1)) * time.Second
	nAccounts := max(envInt(t, "ACCOUNTS", 1000), 1)
	ctx := context.Background()

	uri, name := os.Getenv("MONGODB_URI"), "MongoDB at MONGODB_URI, pool 100"
	embeddedStore := uri == ""
	var sqliteDir string
	if embeddedStore {
		m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(context.Background()) })
		uri, name, sqliteDir = m.URI(), "embedded FerretDB (SQLite) in this process, pool 4, write guard on", m.Dir()
	}
	pool := uint64(100)
	if embeddedStore {
		pool = 4
	}
	opts := mongo.Options{Database: fmt.Sprintf("kincare_ledgerbench_%d", time.Now().UnixNano()),
		MaxPool: pool, SerializeWrites: embeddedStore}
	if embeddedStore {
		opts.SQLiteDir = sqliteDir
	}
	store, err := mongo.Connect(ctx, uri, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Drop(context.Background()); _ = store.Close(context.Background()) })
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	svc := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(),
		Now: time.Now})
	t.Logf("machine: %d CPUs (GOMAXPROCS %d), %s, %s; MongoDB: %s; load average before: %s", runtime.NumCPU(),
		runtime.GOMAXPROCS(0), loadkit.CPUModel(), runtime.Version(), name, loadkit.LoadAverage())

	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	period := ledger.Month(time.Now(), shanghai)
	opening := func(w string, i int) ledger.Opening {
		return ledger.Opening{ID: fmt.Sprintf("bench:%s:%04d:%s", w, i, period.Key), Holder: "elder" + strconv.Itoa(i),
			Source: "民政局", Unit: ledger.Fen, Period: period, Amount: 1_000_000_000}
	}
	type result struct {
		name string
		loadkit.Result
		accounts int
	}
	var results []result
	for _, w := range []struct {
		name     string
		accounts int
	}{{"contended: 1 account", 1}, {fmt.Sprintf("spread: %d accounts", nAccounts), nAccounts}} {
		opens := make([]ledger.Opening, w.accounts)
		for i := range opens {
			opens[i] = opening(strconv.Itoa(w.accounts), i)
		}
		d := loadkit.Drive(conns, warmup, seconds, func(worker int, n int64, rng *rand.Rand) loadkit.Call {
			open := opens[rng.IntN(len(opens))]
			ref := "order:" + strconv.Itoa(worker) + "-" + strconv.FormatInt(n, 36)
			return func() (string, int) {
				if _, err := svc.Reserve(ctx, open, ledger.Posting{Ref: ref, Amount: 1200, Party: "p", Month: period.Key}); err != nil {
					if fe, ok := fault.As(err); ok {
						return "reserve " + fe.Code, 1
					}
					return "reserve error", 1
				}
				if _, err := svc.Release(ctx, open, ref, ""); err != nil {
					return "release error", 1
				}
				return "reserved+released", 1
			}
		})
		for _, open := range opens {
			a, err := svc.Balance(ctx, open)
			if err != nil {
				t.Fatal(err)
			}
			if a.Held() != 0 || a.Available() != open.Amount {
				t.Errorf("%s: %s holds %d, available %d after the run", w.name, open.ID, a.Held(), a.Available())
			}
		}
		results = append(results, result{name: w.name, Result: d, accounts: w.accounts})
		t.Logf("%s: %d reserves, %.0f/s, p50 %.2f ms, p99 %.2f ms; %s", w.name, d.N, d.RPS,
			float64(d.P50.Microseconds())/1000, float64(d.P99.Microseconds())/1000, loadkit.Outcomes(d.Outcomes, " "))
	}
	t.Logf("load average after: %s", loadkit.LoadAverage())
	t.Logf("%-28s %9s %10s %8s %8s %8s", "workload", "reserves", "reserves/s", "p50 ms", "p99 ms", "max ms")
	for _, r := range results {
		t.Logf("%-28s %9d %10.0f %8.2f %8.2f %8.1f", r.name, r.N, r.RPS, float64(r.P50.Microseconds())/1000,
			float64(r.P99.Microseconds())/1000, float64(r.Max.Microseconds())/1000)
	}
	if len(results) == 2 {
		t.Logf("contended ÷ spread: %.2f", results[0].RPS/results[1].RPS)
	}
}
