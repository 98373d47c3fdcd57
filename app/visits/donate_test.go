package visits_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/actor"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/visit"
	"github.com/kincare/kincare/test/testenv"
)

// crashingLedger dies once before crediting the receiver of a donation.
type crashingLedger struct {
	*appledger.Service
	armed atomic.Bool
}

var errDied = errors.New("injected: the process died between the giver's hold and the receiver's credit")

func (l *crashingLedger) Adjust(ctx context.Context, open ledger.Opening, p ledger.Posting,
	announce func(ledger.Entry) (event.Event, error)) (appledger.Posted, error) {
	if p.Amount > 0 && l.armed.CompareAndSwap(true, false) {
		return appledger.Posted{}, errDied
	}
	return l.Service.Adjust(ctx, open, p, announce)
}

type anyUser struct{}

func (anyUser) ByID(context.Context, string) (*identity.User, error) { return nil, nil }

// TestADonationACrashInterruptedIsFinishedOnce: the giver's minutes are
// held for the receiver, the process dies before the receiver's credit;
// the watch, once the ledger's grace has passed, credits the receiver
// and spends the hold — and a second pass changes nothing.
func TestADonationACrashInterruptedIsFinishedOnce(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	clock := testenv.NewClock(time.Now().UTC())
	led := &crashingLedger{Service: appledger.NewService(appledger.Deps{Accounts: store.LedgerAccounts(),
		Journal: store.LedgerJournal(), Now: clock.Now})}
	svc := visits.NewService(visits.Deps{Cares: store.Cares(), Visits: store.Visits(), Volunteers: store.Volunteers(),
		Users: anyUser{}, Ledger: led, Now: clock.Now, NewID: func() string { return uuid.NewString() }})
	giver, receiver := "giver-"+uuid.NewString(), "receiver-"+uuid.NewString()
	if _, err := led.Service.Adjust(ctx, visit.TimeBankOpening(giver), ledger.Posting{Ref: "visit:v1", Amount: 60,
		Reason: "探访"}, nil); err != nil {
		t.Fatal(err)
	}

	led.armed.Store(true)
	if _, err := svc.Donate(ctx, actor.Actor{UserID: giver}, receiver, 25); !errors.Is(err, errDied) {
		t.Fatalf("the interrupted donation: %v", err)
	}
	balance := func(user string) *ledger.Account {
		t.Helper()
		a, err := led.Balance(ctx, visit.TimeBankOpening(user))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if g, r := balance(giver), balance(receiver); g.Held() != 25 || r.Available() != 0 {
		t.Fatalf("after the crash: giver holds %d, receiver has %d", g.Held(), r.Available())
	}
	clock.Add(2 * appledger.DefaultGrace)
	for pass := range 2 {
		r, err := svc.Watch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 - pass; r.Donated != want {
			t.Fatalf("pass %d finished %d donations, want %d", pass, r.Donated, want)
		}
	}
	if g, r := balance(giver), balance(receiver); g.Available() != 35 || g.Held() != 0 || g.Committed() != 25 ||
		r.Available() != 25 {
		t.Fatalf("after the watch: giver %d left (%d held, %d spent), receiver %d; want 35, 0, 25 and 25",
			g.Available(), g.Held(), g.Committed(), r.Available())
	}
}
