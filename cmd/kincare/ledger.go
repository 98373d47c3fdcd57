package main

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/allowances"
	"github.com/kincare/kincare/app/classes"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/app/meals"
)

// ledgerReconcileEvery is how often the ledger is checked for what a
// crash left half-done: entries only in their account (not yet in the
// journal), holds whose order ended, was completed, or was never
// written, and paid class seats' holds likewise. Every repair is idempotent, so replicas may run it at once.
const ledgerReconcileEvery = 5 * time.Minute

// startLedgerReconciler repairs the ledger at start and then every
// ledgerReconcileEvery.
func (s *server) startLedgerReconciler(l *appledger.Service, a *allowances.Service, c *classes.Service, m *meals.Service) {
	pass := func(ctx context.Context) {
		if n, err := l.Reconcile(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("ledger journal reconcile", "err", err)
		} else if n > 0 {
			s.log.Info("ledger entries journaled by the reconciler", "entries", n)
		}
		if r, err := a.Reconcile(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("allowance holds reconcile", "err", err)
		} else if r.Orphans+r.Settled > 0 {
			s.log.Info("allowance holds settled by the reconciler", "orphans_released", r.Orphans,
				"settled", r.Settled)
		}
		if r, err := c.ReconcileLedger(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("class seat holds reconcile", "err", err)
		} else if r.Orphans+r.Settled > 0 {
			s.log.Info("class seat holds settled by the reconciler", "orphans_released", r.Orphans,
				"settled", r.Settled)
		}
		if r, err := m.ReconcileLedger(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("meal subsidy holds reconcile", "err", err)
		} else if r.Orphans+r.Settled > 0 {
			s.log.Info("meal subsidy holds settled by the reconciler", "orphans_released", r.Orphans,
				"settled", r.Settled)
		}
	}
	s.background(func(ctx context.Context) {
		pass(ctx)
		every(ctx, ledgerReconcileEvery, pass)
	})
}
