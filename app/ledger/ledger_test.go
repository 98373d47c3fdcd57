package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/test/testenv"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// clock is a controllable now.
// flakyJournal fails its appends while broken: the crash between an
// account's write and its journal's that Reconcile must repair.
type flakyJournal struct {
	appledger.Journal
	broken atomic.Bool
}

var errCrash = errors.New("injected: the process died before the journal write")

func (j *flakyJournal) Append(ctx context.Context, es []ledger.Entry) error {
	if j.broken.Load() {
		return errCrash
	}
	return j.Journal.Append(ctx, es)
}

type fixture struct {
	svc     *appledger.Service
	journal *flakyJournal
	clock   *testenv.Clock
	open    ledger.Opening
}

func setup(t *testing.T, amount int64) fixture {
	t.Helper()
	store := testenv.Mongo(t)
	c := testenv.NewClock(time.Now())
	j := &flakyJournal{Journal: store.LedgerJournal()}
	svc := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: j, Now: c.Now})
	id := fmt.Sprintf("test:%d", time.Now().UnixNano())
	return fixture{svc: svc, journal: j, clock: c, open: ledger.Opening{ID: id, Holder: "mother", Source: "民政局",
		Unit: ledger.Fen, Period: ledger.Month(c.Now(), shanghai), Amount: amount}}
}

func (f fixture) journalSum(t *testing.T) (sum int64, n int) {
	t.Helper()
	es, err := f.journal.Before(context.Background(), f.open.ID, 1<<62, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		switch e.Kind {
		case ledger.Reserve:
			sum -= e.Amount
		case ledger.Release, ledger.Adjust:
			sum += e.Amount
		}
	}
	return sum, len(es)
}

// Never below zero: 100 concurrent reservations of 300 fen against
// 9,000 fen, each tried twice; exactly 30 hold, the rest are refused,
// no retry reserves twice, and the journal sums to the balance change.
func TestConcurrentReservationsNeverOverdraw(t *testing.T) {
	f := setup(t, 9000)
	ctx := context.Background()
	var held, refused atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range 100 {
		for try := range 2 {
			wg.Go(func() {
				<-gate
				r, err := f.svc.Reserve(ctx, f.open, ledger.Posting{Ref: fmt.Sprintf("order:%03d", i), Amount: 300,
					Party: "p", Month: f.open.Period.Key})
				switch {
				case err == nil && !r.Replayed:
					held.Add(1)
				case err == nil:
				case fault.Is(err, ledger.ErrInsufficient):
					refused.Add(1)
				default:
					t.Errorf("reserve %d/%d: %v", i, try, err)
				}
			})
		}
	}
	close(gate)
	wg.Wait()
	a, err := f.svc.Balance(ctx, f.open)
	if err != nil {
		t.Fatal(err)
	}
	if held.Load() != 30 || a.Available() != 0 || a.Held() != 9000 || len(a.Holds()) != 30 {
		t.Fatalf("%d reservations held, %d refused; account available %d, held %d in %d holds",
			held.Load(), refused.Load(), a.Available(), a.Held(), len(a.Holds()))
	}
	if sum, n := f.journalSum(t); sum != -9000 || n != 30 {
		t.Fatalf("journal: %d entries summing to %d, want 30 summing to -9000", n, sum)
	}
}

// A crash between the account's write and the journal's: the posting
// stands (the account is the truth), and Reconcile writes the missing
// entries from the account once they are older than the grace period,
// once, however often it runs.
func TestReconcileJournalsWhatACrashLeftOut(t *testing.T) {
	f := setup(t, 10000)
	ctx := context.Background()
	if _, err := f.svc.Reserve(ctx, f.open, ledger.Posting{Ref: "order:1", Amount: 4000}); err != nil {
		t.Fatal(err)
	}
	f.journal.broken.Store(true)
	if _, err := f.svc.Commit(ctx, f.open, "order:1", 3000, ""); err != nil {
		t.Fatalf("a commit whose journal write failed: %v", err)
	}
	if _, err := f.svc.Reserve(ctx, f.open, ledger.Posting{Ref: "order:2", Amount: 2500}); err != nil {
		t.Fatal(err)
	}
	f.journal.broken.Store(false)
	if _, n := f.journalSum(t); n != 1 {
		t.Fatalf("journal has %d entries before the repair, want the first reserve only", n)
	}
	if n, err := f.svc.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("reconcile within the grace period wrote %d, %v; want nothing yet", n, err)
	}
	f.clock.Add(appledger.DefaultGrace + time.Second)
	if n, err := f.svc.Reconcile(ctx); err != nil || n != 3 {
		t.Fatalf("reconcile wrote %d, %v; want the commit, its release and the second reserve", n, err)
	}
	if n, err := f.svc.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("a second reconcile wrote %d, %v; want nothing", n, err)
	}
	a, _ := f.svc.Balance(ctx, f.open)
	sum, n := f.journalSum(t)
	if n != 4 || sum != a.Available()-10000 || a.Committed() != 3000 {
		t.Fatalf("journal: %d entries summing to %d; account available %d committed %d", n, sum, a.Available(), a.Committed())
	}
}

// An account with more entries than it keeps: the oldest go to the
// journal before they leave it, a late retry is still answered from
// there, and the history pages through both.
func TestLongAccountsSpillIntoTheJournal(t *testing.T) {
	f := setup(t, 1_000_000)
	ctx := context.Background()
	f.journal.broken.Store(true) // nothing journaled on the way: the spill must do it
	const n = ledger.RecentEntries + 8
	for i := range n {
		if _, err := f.svc.Adjust(ctx, f.open, ledger.Posting{Ref: fmt.Sprintf("adj:%d", i), Amount: 1, Reason: "补发"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.journal.broken.Store(false)
	r, err := f.svc.Adjust(ctx, f.open, ledger.Posting{Ref: "adj:0", Amount: 1, Reason: "补发"}, nil)
	if err != nil || !r.Replayed || r.Account.Adjusted() != n {
		t.Fatalf("a late retry of the first adjustment = %+v, %v", r.Result, err)
	}
	var seqs []int64
	var cursor int64
	for {
		_, page, next, err := f.svc.History(ctx, f.open, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			seqs = append(seqs, e.Seq)
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	if len(seqs) != n || seqs[0] != n || seqs[n-1] != 1 {
		t.Fatalf("history pages gave %d entries (%v), want %d newest first", len(seqs), seqs, n)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]-1 {
			t.Fatalf("history out of order or with gaps: %v", seqs)
		}
	}
}
