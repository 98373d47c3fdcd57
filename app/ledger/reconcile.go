package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/domain/ledger"
)

const reconcilePage = 100

// Reconcile journals every entry an account has and the journal may
// lack: a crash (or a failed write) between an account's update and its
// journal write leaves them only in the account, which keeps them until
// the journal has them. It returns how many entries it wrote (or found
// already written). Safe on several replicas at once: appends are
// unique by key, and marking is a versioned write.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	before := s.d.Now().Add(-s.d.Grace)
	var errs []error
	n, after := 0, ""
	for {
		list, err := s.d.Accounts.Unjournaled(ctx, before, after, reconcilePage)
		if err != nil {
			return n, errors.Join(append(errs, err)...)
		}
		for _, a := range list {
			es := a.Unjournaled()
			if err := s.journal(ctx, a, es); err != nil {
				errs = append(errs, fmt.Errorf("account %s: %w", a.ID(), err))
				continue
			}
			n += len(es)
		}
		if len(list) < reconcilePage {
			return n, errors.Join(errs...)
		}
		after = list[len(list)-1].ID()
	}
}

func (s *Service) journal(ctx context.Context, a *ledger.Account, es []ledger.Entry) error {
	if err := s.d.Journal.Append(ctx, es); err != nil {
		return err
	}
	return s.d.Accounts.MarkJournaled(ctx, a.ID(), a.Seq())
}

// Holding pages through accounts with holds taken before the grace
// period, for a client's reconciler to settle what its own records
// have ended (app/allowances: orders cancelled or completed, or never
// written).
func (s *Service) Holding(ctx context.Context, after string, limit int) ([]*ledger.Account, error) {
	return s.d.Accounts.Holding(ctx, s.d.Now().Add(-s.d.Grace), after, limit)
}
