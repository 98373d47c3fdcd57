// Package allowances is the allowance ledger: the first client of the
// exactly-once ledger (app/ledger). Each allowance of an elder draws on
// one ledger account per period — the issuer's calendar month, or the
// whole validity of a one-off grant — created on first use. Orders
// reserve their draws when they are placed, commit them when the service
// is completed and release them when it is not given; the family, the
// regulators and platform admins read the account; regulators and
// platform admins adjust it with a reason.
package allowances

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/audittrail"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
)

// Ledger is the exactly-once ledger: app/ledger.Service.
type Ledger interface {
	Reserve(ctx context.Context, open ledger.Opening, p ledger.Posting) (appledger.Posted, error)
	Commit(ctx context.Context, open ledger.Opening, ref string, amount int64, by string) (appledger.Posted, error)
	Release(ctx context.Context, open ledger.Opening, ref, by string) (appledger.Posted, error)
	Adjust(ctx context.Context, open ledger.Opening, p ledger.Posting,
		announce func(ledger.Entry) (event.Event, error)) (appledger.Posted, error)
	Balance(ctx context.Context, open ledger.Opening) (*ledger.Account, error)
	History(ctx context.Context, open ledger.Opening, before int64, limit int) (*ledger.Account, []ledger.Entry, int64, error)
	Holding(ctx context.Context, after string, limit int) ([]*ledger.Account, error)
}

// Elders reads elders with their allowances.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// Families reads the family an elder belongs to.
type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Orders reads the orders holds are for.
type Orders interface {
	Get(ctx context.Context, id string) (*order.Order, int64, error)
}

// Deps are what the allowance ledger needs.
type Deps struct {
	Ledger   Ledger
	Elders   Elders
	Families Families
	Orders   Orders
	// Officials logs what regulators do.
	Officials *audittrail.Officials
	Now       func() time.Time
	NewID     func() string
	// OrphanAfter is how old a hold whose order was never written must be
	// before Reconcile releases it: longer than any order creation takes.
	OrphanAfter time.Duration
}

// DefaultOrphanAfter is Deps.OrphanAfter's default.
const DefaultOrphanAfter = 10 * time.Minute

// Service gathers the allowance ledger's use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.OrphanAfter <= 0 {
		d.OrphanAfter = DefaultOrphanAfter
	}
	return &Service{d: d}
}

// Audiences says who hears of an adjustment: the elder's family.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{
		elder.EventAllowanceAdjusted: notify.AudienceFunc(func(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
			var out notify.Hearers
			if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
				return nil, err
			}
			return out.Recipients(), nil
		}),
	}
}

const accountPrefix = "allowance:"

// Opening is the ledger account allowance al of elder e draws on for a
// service starting at t: the issuer's calendar month of t, or the whole
// validity of a one-off grant. Money counts in fen, free hours in
// minutes. A month outside the allowance's validity grants nothing.
func Opening(e elder.Elder, al elder.Allowance, t time.Time) ledger.Opening {
	loc := al.Location()
	p := ledger.Month(t, loc)
	if al.OneOff {
		p = ledger.Span(al.ValidFrom, al.ValidTo, loc)
	}
	unit, amount := ledger.Fen, al.MonthlyFen
	if al.Kind == elder.FreeHours {
		unit, amount = ledger.Minute, int64(al.MonthlyHours)*60
	}
	first := time.Date(al.ValidFrom.Year, al.ValidFrom.Month, al.ValidFrom.Day, 0, 0, 0, 0, loc)
	if !p.End.After(first) {
		amount = 0
	}
	if !al.ValidTo.IsZero() {
		after := time.Date(al.ValidTo.Year, al.ValidTo.Month, al.ValidTo.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
		if !p.Start.Before(after) {
			amount = 0
		}
	}
	return ledger.Opening{ID: accountPrefix + al.ID + ":" + p.Key, Holder: e.ID, Source: al.Issuer, Unit: unit,
		Period: p, Amount: amount}
}

// month is the month a draw counts in on statements: the service's, in
// the issuer's zone.
func month(al elder.Allowance, t time.Time) string { return ledger.Month(t, al.Location()).Key }

// existing names an account that must exist already: settling never
// creates one.
func existing(id string) ledger.Opening { return ledger.Opening{ID: id} }

// orderRef is what an order's entries are for.
func orderRef(id string) string { return "order:" + id }
