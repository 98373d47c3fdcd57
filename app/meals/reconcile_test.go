package meals_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/test/testenv"
)

// TestTheReconcilerSettlesMealSubsidiesACrashLeftHeld: five meals, each
// with ¥5 reserved in its elder's allowance account and in the month's
// cap account, each left by a different crash:
//   - orphan: reserved, and the process died before the order was stored;
//   - cancelled: the order cancelled, its release lost;
//   - served: handed over, its commit lost;
//   - missed: not collected at a canteen that does not charge no-shows,
//     its release lost;
//   - placed: ordered, nothing to settle yet.
//
// Before OrphanAfter the reconciler settles what is certain and leaves
// the orphan; after it, the orphan is released. Another run changes
// nothing.
func TestTheReconcilerSettlesMealSubsidiesACrashLeftHeld(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	c := testenv.NewClock(time.Now().Truncate(time.Second))
	led := appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(), Journal: store.LedgerJournal(), Now: c.Now})
	svc := meals.NewService(meals.Deps{Canteens: store.Canteens(), Orders: store.MealOrders(), Ledger: led, Now: c.Now})
	if err := store.Canteens().Put(ctx, meal.Canteen{ProviderID: "canteen", TimeZone: "Asia/Shanghai"}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		name   string
		status meal.Status // "" : never stored
	}{{"orphan", ""}, {"cancelled", meal.Cancelled}, {"served", meal.Served}, {"missed", meal.NoShow}, {"placed", meal.Placed}}
	accounts := func(i int) []string {
		n := strconv.Itoa(i)
		return []string{"allowance:al" + n + ":m", "mealcap:e" + n + ":m"}
	}
	for i, tc := range cases {
		id := "mslot_" + tc.name
		for _, acc := range accounts(i) {
			open := ledger.Opening{ID: acc, Holder: "e" + strconv.Itoa(i), Source: "test", Unit: ledger.Fen,
				Period: ledger.Month(c.Now(), loc), Amount: 10_000}
			if _, err := led.Reserve(ctx, open, ledger.Posting{Ref: "meal:" + id, Amount: 500, Party: "canteen",
				Month: open.Period.Key}); err != nil {
				t.Fatal(err)
			}
		}
		if tc.status == "" {
			continue
		}
		o := &meal.Order{ID: id, ProviderID: "canteen", FamilyID: "f", ElderID: "e", Status: tc.status,
			Subsidy:   &meal.SubsidyDraw{Category: meal.LowIncome, Account: accounts(i)[0], CapAccount: accounts(i)[1], Fen: 500},
			CreatedAt: c.Now()}
		if _, err := store.MealOrders().Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	want := func(when string, held, committed map[string]int64) {
		t.Helper()
		for i, tc := range cases {
			for _, acc := range accounts(i) {
				a, err := led.Balance(ctx, ledger.Opening{ID: acc})
				if err != nil {
					t.Fatal(err)
				}
				if a.Held() != held[tc.name] || a.Committed() != committed[tc.name] {
					t.Errorf("%s, %s's %s: held %d committed %d; want %d and %d", when, tc.name, acc, a.Held(), a.Committed(),
						held[tc.name], committed[tc.name])
				}
			}
		}
	}

	c.Add(2 * time.Minute) // past the ledger's grace for holds being written
	r, err := svc.ReconcileLedger(ctx)
	if err != nil || r.Settled != 6 || r.Orphans != 0 {
		t.Fatalf("first run: %+v %v", r, err)
	}
	want("first run", map[string]int64{"orphan": 500, "placed": 500}, map[string]int64{"served": 500})

	c.Add(meals.OrphanAfter)
	if r, err := svc.ReconcileLedger(ctx); err != nil || r.Orphans != 2 || r.Settled != 0 {
		t.Fatalf("after OrphanAfter: %+v %v", r, err)
	}
	want("after OrphanAfter", map[string]int64{"placed": 500}, map[string]int64{"served": 500})
	if r, err := svc.ReconcileLedger(ctx); err != nil || r.Orphans+r.Settled != 0 || r.Holds != 2 {
		t.Fatalf("a third run: %+v %v", r, err)
	}
}
