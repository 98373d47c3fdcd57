// Package ledger runs the exactly-once ledger (domain/ledger) on storage
// without multi-document transactions: each posting is one conditional
// write of its account, the journal entry is written after it, and
// Reconcile writes what a crash in between left out. Its clients (app/
// allowances first) say which account and what for; it knows nothing of
// them. It must not import other use-case packages.
package ledger

import (
	"context"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
)

// ErrAccountNotFound is an account never used: its period has not
// started drawing.
var ErrAccountNotFound = fault.New(fault.NotFound, "ledger_account_not_found")

// Accounts keeps accounts, one document each.
type Accounts interface {
	// Get returns ErrAccountNotFound for an account never used.
	Get(ctx context.Context, id string) (*ledger.Account, error)
	// Update applies fn to the account in one conditional write,
	// retrying on conflict; an account never used is first created from
	// open (concurrent first uses create it once). Entries fn's change
	// spills out of the account (ledger.Account.Spill) are journaled
	// before the write.
	Update(ctx context.Context, open ledger.Opening, fn func(*ledger.Account) error) (*ledger.Account, error)
	// Unjournaled pages through accounts with entries the journal may
	// lack, written before before.
	Unjournaled(ctx context.Context, before time.Time, after string, limit int) ([]*ledger.Account, error)
	// MarkJournaled records that the journal holds every entry of the
	// account through seq.
	MarkJournaled(ctx context.Context, id string, seq int64) error
	// Holding pages through accounts with a hold taken before before.
	Holding(ctx context.Context, before time.Time, after string, limit int) ([]*ledger.Account, error)
	// HeldFor pages through accounts, by id after after, with a hold for
	// party.
	HeldFor(ctx context.Context, party, after string, limit int) ([]*ledger.Account, error)
}

// Journal is the append-only record of entries, one document each,
// unique by key.
type Journal interface {
	// Append writes entries; one already there is left as it is.
	Append(ctx context.Context, es []ledger.Entry) error
	// Get finds an entry by key; ok is false when there is none.
	Get(ctx context.Context, key string) (ledger.Entry, bool, error)
	// Before lists an account's entries with seq below before, newest
	// first, at most limit.
	Before(ctx context.Context, account string, before int64, limit int) ([]ledger.Entry, error)
	// Commits lists the commit entries for party counted in month.
	Commits(ctx context.Context, party, month string) ([]ledger.Entry, error)
}
