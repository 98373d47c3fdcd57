package allowances_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/allowances"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/statements"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/test/testenv"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// crashingJournal is the test's port for a process that dies after an
// account's write and before its journal's: while crashing, appends are
// lost.
type crashingJournal struct {
	appledger.Journal
	crashing atomic.Bool
}

func (j *crashingJournal) Append(ctx context.Context, es []ledger.Entry) error {
	if j.crashing.Load() {
		return errors.New("injected crash before the journal write")
	}
	return j.Journal.Append(ctx, es)
}

var home = geo.Point{Lat: 31.1883, Lng: 121.4365}

// TestTheReconcilerRepairsEveryCrashAndTheStatementStillMatches: four
// orders draw ¥120 each on a mother's bathing subsidy, and each meets a
// different crash:
//   - A is served, and its commit reaches the account but not the journal;
//   - B is cancelled cleanly (released, journaled);
//   - C is reserved, and the process dies before the order is written;
//   - D is served, and the process dies between the order's write and
//     its commit.
//
// Before the repair the provider's statement cannot claim what the
// journal lacks. After the ledger's and the allowances' reconcilers (and
// a second run that changes nothing), every hold is settled, the journal
// equals the account, and the statement claims exactly the account's
// commits, to the fen.
func TestTheReconcilerRepairsEveryCrashAndTheStatementStillMatches(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	c := testenv.NewClock(time.Now())
	journal := &crashingJournal{Journal: store.LedgerJournal()}
	led := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: journal, Now: c.Now})
	svc := allowances.NewService(allowances.Deps{Ledger: led, Elders: store.Elders(), Families: store.Families(),
		Orders: store.Orders(), Now: c.Now, NewID: newID})
	stmts := statements.NewService(statements.Deps{Orders: store.Orders(), Providers: store.Providers(), Commits: led})

	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	from := calendar.Today(c.Now(), shanghai).AddDays(-40)
	subsidy := elder.Allowance{ID: newID(), Issuer: "上海市徐汇区民政局", Kind: elder.ServiceSubsidy, MonthlyFen: 100000,
		ServiceTypes: []service.Type{service.Bathing}, ValidFrom: from}
	mother := elder.Elder{ID: newID(), FamilyID: newID(), Allowances: []elder.Allowance{subsidy}}
	if err := store.Elders().Create(ctx, mother); err != nil {
		t.Fatal(err)
	}
	prov := &provider.Provider{ID: newID(), Admins: []string{"boss"},
		Profile: provider.Profile{LegalName: "徐汇助浴服务中心", TimeZone: "Asia/Shanghai"}}
	if err := store.Providers().Create(ctx, prov); err != nil {
		t.Fatal(err)
	}

	start := c.Now().Add(2 * time.Hour).Truncate(time.Minute)
	account := allowances.Opening(mother, subsidy, start)
	place := func(write bool) *order.Order {
		t.Helper()
		o, err := order.New(order.Draft{ID: newID(), OrderedBy: "daughter", ElderID: mother.ID, FamilyID: mother.FamilyID,
			ProviderID: prov.ID, ItemID: "bath", PriceVersion: 1, ServiceType: service.Bathing,
			Pricing: order.Pricing{MarketFen: 15000, InclusiveFen: 12000, AllowanceFen: 12000, DueFen: 0,
				Allowances: []order.AllowanceDraw{{AllowanceID: subsidy.ID, Account: account.ID, Fen: 12000}}},
			Window:  order.Window{Start: start, End: start.Add(time.Hour), TimeZone: "Asia/Shanghai"},
			Address: geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104", Location: home},
		}, newID(), c.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Reserve(ctx, mother, o); err != nil {
			t.Fatal(err)
		}
		if write {
			if err := store.Orders().Create(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		return o
	}
	serve := func(o *order.Order) *order.Order {
		t.Helper()
		office, cg := order.ByProvider("boss"), order.ByCaregiver("cg")
		served, err := store.Orders().Update(ctx, o.ID(), func(o *order.Order) error {
			at := start
			return errors.Join(o.Dispatch(office, newID(), c.Now()), o.Assign(office, "cg", newID(), c.Now()),
				o.CheckIn(cg, order.Report{DeviceTime: at, Point: home}, order.DefaultCheckInRules, newID(), at),
				o.BeginService(cg, newID(), at), o.CheckOut(cg, order.Report{DeviceTime: at.Add(time.Hour), Point: home},
					newID(), at.Add(time.Hour)))
		})
		if err != nil {
			t.Fatal(err)
		}
		return served
	}

	a, b, _, d := place(true), place(true), place(false), place(true)
	journal.crashing.Store(true)
	if err := svc.Settle(ctx, serve(a)); err != nil {
		t.Fatalf("A's commit: %v", err)
	}
	journal.crashing.Store(false)
	cancelled, err := store.Orders().Update(ctx, b.ID(), func(o *order.Order) error {
		return o.Cancel(order.ByFamily("daughter"), "", newID(), c.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Settle(ctx, cancelled); err != nil {
		t.Fatal(err)
	}
	serve(d) // and the process dies before D's settlement

	boss := actor.Actor{UserID: "boss", Roles: identity.NewRoles(identity.RoleProviderAdmin)}
	month := ledger.Month(start, shanghai).Key
	before, err := stmts.Get(ctx, boss, prov.ID, month)
	if err != nil {
		t.Fatal(err)
	}
	if before.Totals.AllowanceClaimFen != 0 || before.Totals.Served != 2 {
		t.Fatalf("before the repair the statement claims %d for %d served; want nothing the journal lacks",
			before.Totals.AllowanceClaimFen, before.Totals.Served)
	}

	c.Add(allowances.DefaultOrphanAfter + time.Minute)
	r, err := svc.Reconcile(ctx)
	if err != nil || r.Orphans != 1 || r.Settled != 1 {
		t.Fatalf("allowance reconcile = %+v, %v; want C released and D committed", r, err)
	}
	if n, err := led.Reconcile(ctx); err != nil || n == 0 {
		t.Fatalf("ledger reconcile wrote %d, %v; want A's commit", n, err)
	}
	if r, err := svc.Reconcile(ctx); err != nil || r.Orphans+r.Settled != 0 {
		t.Fatalf("a second run = %+v, %v; want nothing to do", r, err)
	}
	if n, err := led.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("a second ledger run wrote %d, %v", n, err)
	}

	acc, err := led.Balance(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Committed() != 24000 || acc.Held() != 0 || acc.Available() != 100000-24000 || len(acc.Holds()) != 0 {
		t.Fatalf("account: committed %d, held %d, available %d, holds %+v", acc.Committed(), acc.Held(),
			acc.Available(), acc.Holds())
	}
	_, entries, _, err := led.History(ctx, account, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var reserved, released, committed int64
	for _, e := range entries {
		switch e.Kind {
		case ledger.Reserve:
			reserved += e.Amount
		case ledger.Release:
			released += e.Amount
		case ledger.Commit:
			committed += e.Amount
		}
	}
	if reserved != 48000 || released != 24000 || committed != 24000 || 100000-reserved+released != acc.Available() {
		t.Fatalf("entries: reserved %d, released %d, committed %d", reserved, released, committed)
	}
	after, err := stmts.Get(ctx, boss, prov.ID, month)
	if err != nil {
		t.Fatal(err)
	}
	if after.Totals.AllowanceClaimFen != acc.Committed() || after.Totals.AllowanceFen != acc.Committed() ||
		len(after.Claims) != 1 || after.Claims[0].Issuer != subsidy.Issuer || after.Claims[0].Orders != 2 ||
		after.Totals.Cancellations != 1 {
		t.Fatalf("statement after the repair: %+v", after.Totals)
	}
	stranger := actor.Actor{UserID: "someone", Roles: identity.NewRoles(identity.RoleProviderAdmin)}
	if _, err := stmts.Get(ctx, stranger, prov.ID, month); !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("a stranger's statement: %v, want provider_not_found", err)
	}
	if _, err := stmts.Get(ctx, boss, prov.ID, "2026/12"); !errors.Is(err, ledger.ErrPeriodInvalid) { // calendar-safe: never a month
		t.Fatalf("a malformed month: %v", err)
	}
}
