package allowances

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/service"
)

// Balances is what each of the elder's allowances that pays for t on
// the service's day has left in the period of that day: what quotes and
// orders price against. Reading opens no account.
func (s *Service) Balances(ctx context.Context, e elder.Elder, t service.Type, at time.Time) ([]quotes.Balance, error) {
	var out []quotes.Balance
	for _, al := range e.Allowances {
		if !al.CoversOn(t, calendar.Today(at, al.Location())) {
			continue
		}
		open := Opening(e, al, at)
		a, err := s.d.Ledger.Balance(ctx, open)
		if err != nil {
			return nil, err
		}
		out = append(out, quotes.Balance{AllowanceID: al.ID, Kind: al.Kind, Account: open.ID, Period: open.Period.Key,
			Unit: open.Unit, Granted: a.Granted() + a.Adjusted(), Remaining: a.Available()})
	}
	return out, nil
}
