package meals

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/meal"
)

// OrphanAfter is how old a meal's subsidy reservation whose order was
// never written must be before ReconcileLedger releases it: longer than
// any order takes to place.
const OrphanAfter = 10 * time.Minute

// LedgerRepairs is what one reconciliation of meal subsidies settled.
type LedgerRepairs struct {
	Holds   int // open meal holds looked at
	Orphans int // released: their order was never written
	Settled int // settled after their order was cancelled or handed over
}

// ReconcileLedger settles the meal subsidies a crash between two writes
// left held, in the elders' allowance accounts and the monthly cap
// accounts alike: a reservation whose order was never stored is
// released once OrphanAfter old; an order cancelled, handed over or not
// collected whose settlement was cut short is settled as it would have
// been. Run beside the ledger's own Reconcile; the allowances'
// reconciler leaves meal refs to this one.
func (s *Service) ReconcileLedger(ctx context.Context) (LedgerRepairs, error) {
	var r LedgerRepairs
	var errs []error
	after := ""
	for {
		list, err := s.d.Ledger.Holding(ctx, after, 100)
		if err != nil {
			return r, errors.Join(append(errs, err)...)
		}
		for _, a := range list {
			for _, h := range a.Holds() {
				id, ok := strings.CutPrefix(h.Ref, "meal:")
				if !ok {
					continue
				}
				r.Holds++
				if err := s.repairHold(ctx, a, h, id, &r); err != nil {
					errs = append(errs, fmt.Errorf("hold %s of %s: %w", h.Ref, a.ID(), err))
				}
			}
		}
		if len(list) < 100 {
			return r, errors.Join(errs...)
		}
		after = list[len(list)-1].ID()
	}
}

func (s *Service) repairHold(ctx context.Context, a *ledger.Account, h ledger.Hold, orderID string, r *LedgerRepairs) error {
	o, err := s.d.Orders.Get(ctx, orderID)
	switch {
	case fault.Is(err, meal.ErrOrderNotFound):
		if s.d.Now().Sub(h.At) < OrphanAfter {
			return nil // the order may still be on its way
		}
		r.Orphans++
		return s.release(ctx, a.ID(), orderID, "")
	case err != nil:
		return err
	}
	switch o.Status {
	case meal.Cancelled:
		r.Settled++
		return s.releaseSubsidy(ctx, o, "")
	case meal.Served, meal.NoShow:
		r.Settled++
		return s.settle(ctx, o, "")
	}
	return nil
}
