package ledger

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/ledger"
)

// Deps are the stores and settings the ledger needs.
type Deps struct {
	Accounts Accounts
	Journal  Journal
	Now      func() time.Time
	Log      *slog.Logger
	// Grace is how old an unjournaled entry must be before Reconcile
	// writes it: younger ones are most likely being written by the
	// request that made them.
	Grace time.Duration
}

// Service posts entries exactly once.
type Service struct {
	d       Deps
	tracked *tracker
}

// DefaultGrace is Deps.Grace's default.
const DefaultGrace = time.Minute

func NewService(d Deps) *Service {
	if d.Grace <= 0 {
		d.Grace = DefaultGrace
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, tracked: newTracker()}
}

// Posted is what a posting did and the account after it.
type Posted struct {
	ledger.Result
	Account *ledger.Account
}

// Reserve holds p.Amount for p.Ref in the account open names, or
// refuses with ledger.ErrInsufficient.
func (s *Service) Reserve(ctx context.Context, open ledger.Opening, p ledger.Posting) (Posted, error) {
	key := ledger.KeyOf(open.ID, ledger.Reserve, p.Ref)
	return s.post(ctx, open, key, func(a *ledger.Account, now time.Time) (ledger.Result, error) {
		return a.Reserve(p, now)
	})
}

// Commit spends amount of what ref holds and releases the rest;
// ledger.ErrNotHeld when it holds nothing (settled already).
func (s *Service) Commit(ctx context.Context, open ledger.Opening, ref string, amount int64, by string) (Posted, error) {
	return s.post(ctx, open, "", func(a *ledger.Account, now time.Time) (ledger.Result, error) {
		return a.Commit(ref, amount, by, now)
	})
}

// Release gives back what ref holds; ledger.ErrNotHeld when it holds
// nothing (settled already).
func (s *Service) Release(ctx context.Context, open ledger.Opening, ref, by string) (Posted, error) {
	return s.post(ctx, open, "", func(a *ledger.Account, now time.Time) (ledger.Result, error) {
		return a.Release(ref, by, now)
	})
}

// Adjust adds or takes p.Amount with a reason; announce, when given,
// makes the event the adjustment's account write carries (its outbox).
func (s *Service) Adjust(ctx context.Context, open ledger.Opening, p ledger.Posting,
	announce func(ledger.Entry) (event.Event, error)) (Posted, error) {
	key := ledger.KeyOf(open.ID, ledger.Adjust, p.Ref)
	return s.post(ctx, open, key, func(a *ledger.Account, now time.Time) (ledger.Result, error) {
		r, err := a.Adjust(p, now)
		if err != nil || r.Replayed || announce == nil {
			return r, err
		}
		e, err := announce(r.Entries[0])
		if err != nil {
			return ledger.Result{}, err
		}
		a.Record(e)
		return r, nil
	})
}

// post applies one change to the account in its one conditional write,
// then journals the entries it made. A key the account may have applied
// but no longer keeps (it spilled into the journal) is looked up there
// first, so a late retry is still answered, not applied again: an entry
// leaves the account only once the journal has it, so it is in one or
// the other. The account's filter of every key it applied (ledger.Seen)
// spares that read for the keys it certainly never saw.
//
// A journal write that fails does not fail the posting: the account is
// the truth and already changed; Reconcile journals the entries later.
func (s *Service) post(ctx context.Context, open ledger.Opening, key string,
	apply func(*ledger.Account, time.Time) (ledger.Result, error)) (Posted, error) {
	var res ledger.Result
	var seen *ledger.Account
	a, err := s.d.Accounts.Update(ctx, open, func(a *ledger.Account) error {
		seen = a
		a.MarkJournaled(s.tracked.through(a.ID(), a.Journaled()))
		if key != "" && !a.Complete() && a.MayHaveApplied(key) {
			if _, recent := a.Applied(key); !recent {
				e, ok, err := s.d.Journal.Get(ctx, key)
				if err != nil {
					return err
				}
				if ok {
					res = ledger.Result{Entries: []ledger.Entry{e}, Replayed: true}
					return errReplayed
				}
			}
		}
		r, err := apply(a, s.d.Now())
		if err != nil {
			return err
		}
		res = r
		if r.Replayed {
			return errReplayed // nothing to write
		}
		return nil
	})
	if errors.Is(err, errReplayed) {
		return Posted{Result: res, Account: seen}, nil
	}
	if err != nil {
		return Posted{}, err
	}
	if err := s.d.Journal.Append(ctx, res.Entries); err != nil {
		s.d.Log.WarnContext(ctx, "ledger entries not journaled; the reconciler will", "account", open.ID, "err", err)
	} else {
		seqs := make([]int64, len(res.Entries))
		for i, e := range res.Entries {
			seqs[i] = e.Seq
		}
		s.tracked.appended(a.ID(), seqs)
	}
	return Posted{Result: res, Account: a}, nil
}

// errReplayed ends an update that has nothing to write.
var errReplayed = errors.New("ledger: replayed")

// Balance is the account open names as it stands, or as it would open
// when nothing has drawn on it yet (reading creates nothing).
func (s *Service) Balance(ctx context.Context, open ledger.Opening) (*ledger.Account, error) {
	a, err := s.d.Accounts.Get(ctx, open.ID)
	if errors.Is(err, ErrAccountNotFound) {
		return ledger.Open(open, s.d.Now())
	}
	return a, err
}

// History is a page of the account's entries, newest first, with seq
// below before (0: from the newest), and the cursor of the next page
// (0: none). The newest come from the account itself, which holds the
// entries the journal may still lack; older ones from the journal.
func (s *Service) History(ctx context.Context, open ledger.Opening, before int64, limit int) (*ledger.Account, []ledger.Entry, int64, error) {
	a, err := s.Balance(ctx, open)
	if err != nil {
		return nil, nil, 0, err
	}
	if before <= 0 || before > a.Seq()+1 {
		before = a.Seq() + 1
	}
	var out []ledger.Entry
	recent := a.Recent()
	for i := len(recent) - 1; i >= 0 && len(out) < limit; i-- {
		if recent[i].Seq < before {
			out = append(out, recent[i])
		}
	}
	oldestRecent := a.Seq() + 1
	if len(recent) > 0 {
		oldestRecent = recent[0].Seq
	}
	if len(out) < limit && min(before, oldestRecent) > 1 {
		older, err := s.d.Journal.Before(ctx, a.ID(), min(before, oldestRecent), limit-len(out))
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, older...)
	}
	var next int64
	if len(out) == limit && out[len(out)-1].Seq > 1 {
		next = out[len(out)-1].Seq
	}
	return a, out, next, nil
}

// Commits are the commit entries for party counted in month: what it
// claims back.
func (s *Service) Commits(ctx context.Context, party, month string) ([]ledger.Entry, error) {
	return s.d.Journal.Commits(ctx, party, month)
}

// HeldFor pages through the accounts, by id after after, holding
// something for party (a station asked to give a service for minutes
// held): the open holds are on each account (Holds), the entry that
// took each one from Reservation.
func (s *Service) HeldFor(ctx context.Context, party, after string, limit int) ([]*ledger.Account, error) {
	return s.d.Accounts.HeldFor(ctx, party, after, limit)
}

// Reservation is the reserve entry that took the account's hold ref,
// from the account's recent entries or, spilled out of them, the
// journal; ok is false when neither has it.
func (s *Service) Reservation(ctx context.Context, a *ledger.Account, ref string) (ledger.Entry, bool, error) {
	for _, e := range a.Recent() {
		if e.Kind == ledger.Reserve && e.Ref == ref {
			return e, true, nil
		}
	}
	return s.d.Journal.Get(ctx, ledger.KeyOf(a.ID(), ledger.Reserve, ref))
}
