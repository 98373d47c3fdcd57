package ledger

import "time"

// Kind is what an entry does to its account.
type Kind string

const (
	// Reserve holds an amount for a ref (an order being placed): it is no
	// longer available, and not yet spent.
	Reserve Kind = "reserve"
	// Commit spends at most what the ref holds (the service was given);
	// what it does not spend is released in the same write.
	Commit Kind = "commit"
	// Release gives back what the ref still holds (cancelled, or the part
	// a commit did not spend).
	Release Kind = "release"
	// Adjust adds to (positive) or takes from (negative) the account, by
	// a person with a reason: a regulator's correction.
	Adjust Kind = "adjust"
)

// Kinds lists every kind.
var Kinds = []Kind{Reserve, Commit, Release, Adjust}

// Unit is what an account counts.
type Unit string

const (
	Fen    Unit = "fen"    // money, 1/100 yuan
	Minute Unit = "minute" // free service time
)

// Entry is one change of one account, as the journal keeps it. Entries
// are values: never changed once written.
type Entry struct {
	Key     string // unique: account, kind and ref
	Account string
	Seq     int64 // the account's count of entries, this one included
	Kind    Kind
	Ref     string // what it is for, e.g. "order:<id>"; an adjustment's own id
	// Amount is positive for reserve, commit and release; an adjustment's
	// is signed.
	Amount int64
	// Available is what the account had left to reserve after this entry.
	Available int64
	// Party is who the amount is for (the provider serving the order),
	// so statements can sum what each party claims.
	Party string
	// Month (yyyy-mm) is the month the entry counts in on statements: the
	// month of the service it pays for.
	Month  string
	By     string // the user who caused it; empty for the system
	Reason string // why, for adjustments
	At     time.Time

	// Of the account, copied so a statement needs no account reads.
	Holder, Source string
	Unit           Unit
	Period         string
}

// KeyOf is the unique key of the entry of kind for ref in account.
func KeyOf(account string, kind Kind, ref string) string {
	return account + "|" + string(kind) + "|" + ref
}
