// Package statements is a provider's monthly statement (对账单): the
// orders it served in the month, what families owe for them, what the
// elders' allowances paid (what the provider claims back from each
// issuer, read from the ledger's commits), and the cancellations with
// their fees. Only the provider's admins and office staff may read it.
package statements

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// Orders lists orders: app/orders' store.
type Orders interface {
	List(ctx context.Context, f orders.Filter, p page.Request) ([]*order.Order, bool, error)
}

// Providers reads providers.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Commits reads the ledger's commit entries for a party in a month:
// app/ledger.Service.
type Commits interface {
	Commits(ctx context.Context, party, month string) ([]ledger.Entry, error)
}

type Deps struct {
	Orders    Orders
	Providers Providers
	Commits   Commits
}

type Service struct{ d Deps }

func NewService(d Deps) *Service { return &Service{d: d} }

// Statement is one provider's month. Amounts are integer fen; free
// hours committed are minutes.
type Statement struct {
	ProviderID    string
	ProviderName  string
	Month         string
	TimeZone      string
	From, To      time.Time // the month in the provider's zone: From ≤ service start < To
	Served        []Served
	Cancellations []Cancelled
	Claims        []Claim
	Totals        Totals
}

// Served is a completed (or confirmed) order whose service started in
// the month; it draws on the allowance periods of that day.
type Served struct {
	OrderID      string
	ServiceType  string
	ItemID       string
	Start        time.Time
	Status       order.Status
	PriceFen     int64 // the price charged: 普惠 when it applied
	AllowanceFen int64 // what allowances paid, as the order was priced
	DueFen       int64 // what the family owes
}

// Cancelled is an order of the month that ended without service.
type Cancelled struct {
	OrderID     string
	ServiceType string
	Start       time.Time
	Status      order.Status
	By          order.Party
	At          time.Time
	FeeFen      int64 // what the family owes the provider
}

// Claim is what the ledger committed for the provider from one issuer's
// allowances in the month: what it claims back.
type Claim struct {
	Issuer string
	Unit   ledger.Unit
	Amount int64
	Orders int
}

// Totals add up the statement. AllowanceClaimFen and
// AllowanceClaimMinutes are the ledger's commits; DueFromFamiliesFen
// is the served orders' amounts due plus the cancellation fees.
type Totals struct {
	Served                int
	PriceFen              int64
	AllowanceFen          int64
	DueFen                int64
	Cancellations         int
	FeesFen               int64
	DueFromFamiliesFen    int64
	AllowanceClaimFen     int64
	AllowanceClaimMinutes int64
}

// Get builds the statement of month (yyyy-mm, in the provider's zone)
// for an admin or office member of the provider; to anyone else the
// provider does not exist.
func (s *Service) Get(ctx context.Context, a actor.Actor, providerID, month string) (Statement, error) {
	if a.UserID == "" {
		return Statement{}, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return Statement{}, err
	}
	if !p.InOffice(a.UserID) {
		return Statement{}, provider.ErrNotFound
	}
	loc, err := time.LoadLocation(p.Profile.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	period, err := ledger.ParseMonth(month, loc)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{ProviderID: p.ID, ProviderName: p.Profile.LegalName, Month: period.Key, TimeZone: loc.String(),
		From: period.Start, To: period.End}
	if err := s.orders(ctx, &st); err != nil {
		return Statement{}, err
	}
	commits, err := s.d.Commits.Commits(ctx, p.ID, period.Key)
	if err != nil {
		return Statement{}, err
	}
	st.claims(commits)
	return st, nil
}

func (s *Service) orders(ctx context.Context, st *Statement) error {
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		list, more, err := s.d.Orders.List(ctx, orders.Filter{ProviderID: st.ProviderID, From: st.From, To: st.To}, p)
		if err != nil {
			return err
		}
		for _, o := range list {
			st.add(o)
		}
		if !more || len(list) == 0 {
			break
		}
		p.After = list[len(list)-1].ID()
	}
	slices.SortFunc(st.Served, func(a, b Served) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.OrderID, b.OrderID))
	})
	slices.SortFunc(st.Cancellations, func(a, b Cancelled) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.OrderID, b.OrderID))
	})
	return nil
}

func (st *Statement) add(o *order.Order) {
	pr, w := o.Pricing(), o.Window()
	if c, ended := o.Cancellation(); ended {
		st.Cancellations = append(st.Cancellations, Cancelled{OrderID: o.ID(), ServiceType: string(o.ServiceType()),
			Start: w.Start, Status: o.Status(), By: c.By, At: c.At, FeeFen: c.FeeFen})
		st.Totals.Cancellations++
		st.Totals.FeesFen += c.FeeFen
		st.Totals.DueFromFamiliesFen += c.FeeFen
		return
	}
	if o.Status() != order.StatusCompleted && o.Status() != order.StatusConfirmed {
		return // not served yet
	}
	st.Served = append(st.Served, Served{OrderID: o.ID(), ServiceType: string(o.ServiceType()), ItemID: o.ItemID(),
		Start: w.Start, Status: o.Status(), PriceFen: pr.PriceFen(), AllowanceFen: pr.AllowanceFen, DueFen: pr.DueFen})
	st.Totals.Served++
	st.Totals.PriceFen += pr.PriceFen()
	st.Totals.AllowanceFen += pr.AllowanceFen
	st.Totals.DueFen += pr.DueFen
	st.Totals.DueFromFamiliesFen += pr.DueFen
}

// claims sums the ledger's commits per issuer and unit.
func (st *Statement) claims(commits []ledger.Entry) {
	type key struct {
		issuer string
		unit   ledger.Unit
	}
	byKey := map[key]*Claim{}
	refs := map[key]map[string]bool{}
	for _, e := range commits {
		k := key{e.Source, e.Unit}
		c := byKey[k]
		if c == nil {
			c = &Claim{Issuer: e.Source, Unit: e.Unit}
			byKey[k], refs[k] = c, map[string]bool{}
		}
		c.Amount += e.Amount
		refs[k][e.Ref] = true
		if e.Unit == ledger.Minute {
			st.Totals.AllowanceClaimMinutes += e.Amount
		} else {
			st.Totals.AllowanceClaimFen += e.Amount
		}
	}
	for k, c := range byKey {
		c.Orders = len(refs[k])
		st.Claims = append(st.Claims, *c)
	}
	slices.SortFunc(st.Claims, func(a, b Claim) int {
		return cmp.Or(cmp.Compare(a.Issuer, b.Issuer), cmp.Compare(a.Unit, b.Unit))
	})
}
