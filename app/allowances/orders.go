package allowances

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
)

// amountOf is what a draw takes from its account: fen, or the minutes of
// its free hours.
func amountOf(d order.AllowanceDraw) int64 {
	if d.Hours > 0 {
		return int64(d.Hours) * 60
	}
	return d.Fen
}

// Reserve holds every draw of an order not yet stored, all or nothing:
// when one account has less left than its draw (another order took it
// first), what was reserved is released and ledger.ErrInsufficient
// returned, so the order can be priced again. e is the elder the order
// was priced for, whose allowances say how a new period's account opens.
func (s *Service) Reserve(ctx context.Context, e elder.Elder, o *order.Order) error {
	ref := orderRef(o.ID())
	draws := o.Pricing().Allowances
	for i, d := range draws {
		k := slices.IndexFunc(e.Allowances, func(a elder.Allowance) bool { return a.ID == d.AllowanceID })
		if k < 0 {
			return errors.Join(elder.ErrAllowanceNotFound, s.release(ctx, ref, draws[:i], o.OrderedBy()))
		}
		al := e.Allowances[k]
		open := Opening(e, al, o.Window().Start)
		if open.ID != d.Account {
			return errors.Join(fmt.Errorf("allowances: draw names account %s, want %s", d.Account, open.ID),
				s.release(ctx, ref, draws[:i], o.OrderedBy()))
		}
		_, err := s.d.Ledger.Reserve(ctx, open, ledger.Posting{Ref: ref, Amount: amountOf(d), Party: o.ProviderID(),
			Month: month(al, o.Window().Start), By: o.OrderedBy()})
		if err != nil {
			return errors.Join(err, s.release(ctx, ref, draws[:i], o.OrderedBy()))
		}
	}
	return nil
}

// Release gives back every draw of an order that was reserved but never
// stored (its write failed).
func (s *Service) Release(ctx context.Context, o *order.Order) error {
	return s.release(ctx, orderRef(o.ID()), o.Pricing().Allowances, o.OrderedBy())
}

// Settle does what the order's state asks of its draws, exactly once
// however often it is called: an order that ended without service
// releases them, a completed (or confirmed) one commits them. Anything
// else leaves them held.
func (s *Service) Settle(ctx context.Context, o *order.Order) error {
	draws := o.Pricing().Allowances
	if len(draws) == 0 {
		return nil
	}
	ref := orderRef(o.ID())
	if c, ended := o.Cancellation(); ended {
		return s.release(ctx, ref, draws, c.UserID)
	}
	if st := o.Status(); st != order.StatusCompleted && st != order.StatusConfirmed {
		return nil
	}
	var errs []error
	for _, d := range draws {
		// The whole draw: the order's price does not follow the visit's
		// length yet; the ledger would release any part not committed.
		_, err := s.d.Ledger.Commit(ctx, existing(d.Account), ref, amountOf(d), "")
		if err != nil && !settled(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Service) release(ctx context.Context, ref string, draws []order.AllowanceDraw, by string) error {
	var errs []error
	for _, d := range draws {
		if _, err := s.d.Ledger.Release(ctx, existing(d.Account), ref, by); err != nil && !settled(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Repairs is what one reconciliation settled.
type Repairs struct {
	Holds    int // open order holds looked at
	Orphans  int // released: their order was never written
	Settled  int // settled after their order ended or was completed
	Skipped  int // holds of other clients of the ledger
	Accounts int
}

const reconcilePage = 100

// Reconcile settles holds their orders no longer need: an order that was
// never written (a crash between the reservation and the order's write)
// is released once the hold is OrphanAfter old; an order cancelled,
// expired or completed whose settlement a crash cut short is settled.
// Run beside the ledger's own Reconcile, which repairs its journal.
func (s *Service) Reconcile(ctx context.Context) (Repairs, error) {
	var r Repairs
	var errs []error
	after := ""
	for {
		list, err := s.d.Ledger.Holding(ctx, after, reconcilePage)
		if err != nil {
			return r, errors.Join(append(errs, err)...)
		}
		for _, a := range list {
			if !strings.HasPrefix(a.ID(), accountPrefix) {
				continue
			}
			r.Accounts++
			for _, h := range a.Holds() {
				if err := s.repair(ctx, a, h, &r); err != nil {
					errs = append(errs, fmt.Errorf("hold %s of %s: %w", h.Ref, a.ID(), err))
				}
			}
		}
		if len(list) < reconcilePage {
			return r, errors.Join(errs...)
		}
		after = list[len(list)-1].ID()
	}
}

func (s *Service) repair(ctx context.Context, a *ledger.Account, h ledger.Hold, r *Repairs) error {
	id, ok := strings.CutPrefix(h.Ref, "order:")
	if !ok {
		r.Skipped++
		return nil
	}
	r.Holds++
	o, _, err := s.d.Orders.Get(ctx, id)
	switch {
	case fault.Is(err, order.ErrNotFound):
		if s.d.Now().Sub(h.At) < s.d.OrphanAfter {
			return nil // the order may still be on its way
		}
		if _, err := s.d.Ledger.Release(ctx, existing(a.ID()), h.Ref, ""); err != nil && !settled(err) {
			return err
		}
		r.Orphans++
		return nil
	case err != nil:
		return err
	}
	if _, ended := o.Cancellation(); ended || o.Status() == order.StatusCompleted || o.Status() == order.StatusConfirmed {
		r.Settled++
		return s.Settle(ctx, o)
	}
	return nil
}

// settled is a commit or release that found nothing to do: the hold was
// settled before (or, for an account never opened, never taken).
func settled(err error) bool {
	return fault.Is(err, ledger.ErrNotHeld) || fault.Is(err, appledger.ErrAccountNotFound)
}
