// Package ledger is kincare's exactly-once ledger (DESIGN.md invariants 6
// and 10): an Account holds what one holder may draw in one period, and
// append-only Entries reserve, commit, release and adjust it. It knows
// nothing of allowances, orders or meals: its clients (allowances today;
// meal subsidies, class refunds and time-bank minutes next) name the
// account, the unit and what each entry is for (its ref).
//
// Exactly once: an entry's key is (account, kind, ref), and the account
// itself remembers the keys of its last RecentEntries entries and every
// open reservation, so a retried or duplicated request changes nothing
// twice. Never below zero: every change is a method of the one account
// document, which its repository writes conditionally on its version, so
// the balance check and the change are one atomic write whatever runs
// concurrently; there are no multi-document transactions. The journal of
// entries is written after the account, from the account's own recent
// entries, and is repaired from them after a crash in between.
//
// Pure domain code: time is passed in, storage is the caller's.
package ledger
