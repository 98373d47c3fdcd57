package allowances

import (
	"context"
	"slices"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
)

// View is an allowance's account for one period and a page of its
// entries, newest first.
type View struct {
	Elder      elder.Elder
	Allowance  elder.Allowance
	Account    *ledger.Account
	Entries    []ledger.Entry
	NextCursor string
}

// LedgerQuery asks for one period (yyyy-mm in the issuer's zone; empty:
// the current month) and a page.
type LedgerQuery struct {
	Period string
	Cursor string
	Limit  int
}

// Ledger shows an allowance's account to the elder's family, to the
// regulators of the elder's region and to platform admins; to anyone else the elder does not
// exist. A period nothing has drawn on yet shows its grant and no
// entries, and is not created by being read.
func (s *Service) Ledger(ctx context.Context, a actor.Actor, elderID, allowanceID string, q LedgerQuery) (View, error) {
	e, al, err := s.allowance(ctx, a, elderID, allowanceID, false)
	if err != nil {
		return View{}, err
	}
	open, err := s.openingFor(e, al, q.Period)
	if err != nil {
		return View{}, err
	}
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return View{}, err
	}
	var before int64
	if p.After != "" {
		if before, err = strconv.ParseInt(p.After, 10, 64); err != nil || before < 1 {
			return View{}, page.ErrCursorInvalid
		}
	}
	acc, entries, next, err := s.d.Ledger.History(ctx, open, before, p.Limit)
	if err != nil {
		return View{}, err
	}
	return View{Elder: e, Allowance: al, Account: acc, Entries: entries,
		NextCursor: page.Cursor(strconv.FormatInt(next, 10), next > 0)}, nil
}

// allowance loads an elder's allowance for someone who may read it: a
// supervisor of the elder's region (a regulator of it, a platform admin)
// or, unless supervisorOnly, the owner of the elder's family. To anyone
// else the elder does not exist.
func (s *Service) allowance(ctx context.Context, a actor.Actor, elderID, allowanceID string,
	supervisorOnly bool) (elder.Elder, elder.Allowance, error) {
	if a.UserID == "" {
		return elder.Elder{}, elder.Allowance{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, elder.Allowance{}, err
	}
	if !a.Oversees(e.Profile.Address.RegionCode) {
		if supervisorOnly {
			return elder.Elder{}, elder.Allowance{}, elder.ErrNotFound
		}
		if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound); err != nil {
			return elder.Elder{}, elder.Allowance{}, err
		}
	}
	i := slices.IndexFunc(e.Allowances, func(al elder.Allowance) bool { return al.ID == allowanceID })
	if i < 0 {
		return elder.Elder{}, elder.Allowance{}, elder.ErrAllowanceNotFound
	}
	return e, e.Allowances[i], nil
}

// openingFor is the allowance's account for period (yyyy-mm; empty: the
// current month); a one-off grant has one period, its validity.
func (s *Service) openingFor(e elder.Elder, al elder.Allowance, period string) (ledger.Opening, error) {
	at := s.d.Now()
	if period != "" {
		p, err := ledger.ParseMonth(period, al.Location())
		if err != nil {
			return ledger.Opening{}, err
		}
		at = p.Start
	}
	return Opening(e, al, at), nil
}
