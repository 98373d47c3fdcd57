package ledger

import (
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

// RecentEntries is how many of its latest entries an account keeps in
// its own document: the keys a retry is checked against without a
// journal read, and what the journal is repaired from. An entry leaves
// the account only once the journal is known to have it (Spill).
const RecentEntries = 24

// MaxReason bounds an adjustment's reason.
const MaxReason = 500

var (
	ErrAccountInvalid = fault.New(fault.Internal, "ledger_account_invalid")
	// ErrAmountInvalid is a zero or negative amount where a positive one
	// is needed, or an adjustment of zero.
	ErrAmountInvalid = fault.New(fault.Unprocessable, "amount_invalid")
	// ErrInsufficient is a reservation or a deduction larger than what
	// the account has left.
	ErrInsufficient = fault.New(fault.Conflict, "balance_insufficient")
	// ErrNotHeld is a commit or release for a ref that holds nothing
	// (never reserved, or already settled).
	ErrNotHeld = fault.New(fault.Conflict, "nothing_held")
	// ErrOverCommit is a commit of more than the ref holds.
	ErrOverCommit = fault.New(fault.Conflict, "commit_exceeds_hold")
	// ErrReasonRequired is an adjustment without a reason.
	ErrReasonRequired = fault.New(fault.Unprocessable, "reason_required")
)

// Opening is what a client says an account is when it is first used:
// a new period's account is created then, never by a job that could
// run twice.
type Opening struct {
	ID     string // stable for (client, holder's grant, period)
	Holder string // whose it is: an elder
	Source string // who funds it: the issuer
	Unit   Unit
	Period Period
	Amount int64 // granted for the period, ≥ 0
}

// Hold is what a ref has reserved and not yet settled.
type Hold struct {
	Ref    string
	Amount int64
	Party  string
	Month  string
	Seq    int64 // of its reserve entry
	At     time.Time
}

// Account is one document: the period's grant, what is held, spent and
// adjusted, the open holds and the latest entries. The repository adds
// its version.
type Account struct {
	id, holder, source string
	unit               Unit
	period             Period
	granted            int64
	adjusted           int64
	held               int64
	committed          int64
	seq                int64
	holds              []Hold
	recent             []Entry
	seen               Seen
	journaled          int64
	createdAt          time.Time

	// The events this account's next write announces (adjustments).
	event.Outbox
}

// Open makes the account an Opening describes, with no entries.
func Open(o Opening, now time.Time) (*Account, error) {
	if o.ID == "" || o.Holder == "" || o.Period.Key == "" || !o.Period.Start.Before(o.Period.End) ||
		(o.Unit != Fen && o.Unit != Minute) || o.Amount < 0 || now.IsZero() {
		return nil, ErrAccountInvalid
	}
	return &Account{id: o.ID, holder: o.Holder, source: o.Source, unit: o.Unit, period: o.Period,
		granted: o.Amount, createdAt: now.UTC()}, nil
}

func (a *Account) ID() string           { return a.id }
func (a *Account) Holder() string       { return a.holder }
func (a *Account) Source() string       { return a.source }
func (a *Account) Unit() Unit           { return a.unit }
func (a *Account) Period() Period       { return a.period }
func (a *Account) Granted() int64       { return a.granted }
func (a *Account) Adjusted() int64      { return a.adjusted }
func (a *Account) Held() int64          { return a.held }
func (a *Account) Committed() int64     { return a.committed }
func (a *Account) Seq() int64           { return a.seq }
func (a *Account) Holds() []Hold        { return slices.Clone(a.holds) }
func (a *Account) CreatedAt() time.Time { return a.createdAt }

// Available is what may still be reserved: never below zero.
func (a *Account) Available() int64 { return a.granted + a.adjusted - a.held - a.committed }

// Recent is the latest entries the account keeps, oldest first.
func (a *Account) Recent() []Entry { return slices.Clone(a.recent) }

// Complete reports whether Recent holds every entry the account ever
// had, so a key absent from it was never used.
func (a *Account) Complete() bool { return int64(len(a.recent)) == a.seq }

// MayHaveApplied reports whether key may be among the account's entries:
// false means certainly not; true for a key in Recent, or one the
// journal must be asked about (Complete is false and Seen says maybe).
func (a *Account) MayHaveApplied(key string) bool {
	if _, ok := a.Applied(key); ok {
		return true
	}
	return !a.Complete() && a.seen.MayHave(key)
}

// Applied finds the entry with key among the recent ones.
func (a *Account) Applied(key string) (Entry, bool) {
	for _, e := range a.recent {
		if e.Key == key {
			return e, true
		}
	}
	return Entry{}, false
}

// HoldOf is what ref holds, if anything.
func (a *Account) HoldOf(ref string) (Hold, bool) {
	i := a.holdIndex(ref)
	if i < 0 {
		return Hold{}, false
	}
	return a.holds[i], true
}

func (a *Account) holdIndex(ref string) int {
	return slices.IndexFunc(a.holds, func(h Hold) bool { return h.Ref == ref })
}

// Journaled is the seq through which the journal is known to hold every
// entry; Unjournaled the recent entries after it.
func (a *Account) Journaled() int64 { return a.journaled }

func (a *Account) Unjournaled() []Entry {
	var out []Entry
	for _, e := range a.recent {
		if e.Seq > a.journaled {
			out = append(out, e)
		}
	}
	return out
}

// MarkJournaled records that the journal holds every entry through seq.
func (a *Account) MarkJournaled(seq int64) {
	if seq > a.journaled && seq <= a.seq {
		a.journaled = seq
	}
}

// Spill removes the oldest recent entries beyond RecentEntries and
// returns those of them the journal is not known to have: the
// repository must journal those before it writes the account without
// them.
func (a *Account) Spill() []Entry {
	n := len(a.recent) - RecentEntries
	if n <= 0 {
		return nil
	}
	var out []Entry
	for _, e := range a.recent[:n] {
		if e.Seq > a.journaled {
			out = append(out, e)
		}
	}
	if last := a.recent[n-1].Seq; last > a.journaled {
		a.journaled = last // the repository journals them before it saves
	}
	a.recent = slices.Clone(a.recent[n:])
	return out
}

// Posting is a client's request for an entry.
type Posting struct {
	Ref    string
	Amount int64
	Party  string
	Month  string
	By     string
	Reason string
}

// Result is what a posting did: the entries it wrote, or, for a retry
// of a posting already applied, the entries the first one wrote.
type Result struct {
	Entries  []Entry
	Replayed bool
}

// Reserve holds p.Amount for p.Ref, or refuses with ErrInsufficient when
// the account has less left. A ref that already holds (or once held and
// is still among the recent entries) is a retry: nothing changes.
func (a *Account) Reserve(p Posting, now time.Time) (Result, error) {
	key := KeyOf(a.id, Reserve, p.Ref)
	if e, ok := a.Applied(key); ok {
		return Result{Entries: []Entry{e}, Replayed: true}, nil
	}
	if h, ok := a.HoldOf(p.Ref); ok {
		return Result{Entries: []Entry{a.entry(key, Reserve, Posting{Ref: h.Ref, Amount: h.Amount, Party: h.Party,
			Month: h.Month}, h.At, h.Seq)}, Replayed: true}, nil
	}
	p, err := checkPosting(p, false)
	if err != nil {
		return Result{}, err
	}
	if p.Amount > a.Available() {
		return Result{}, ErrInsufficient.With(map[string]any{"available": a.Available()})
	}
	a.held += p.Amount
	e := a.append(key, Reserve, p, now)
	a.holds = append(a.holds, Hold{Ref: p.Ref, Amount: p.Amount, Party: p.Party, Month: p.Month, Seq: e.Seq, At: e.At})
	return Result{Entries: []Entry{e}}, nil
}

// Commit spends amount (at most what ref holds) and, in the same write,
// releases the rest of the hold. A ref that holds nothing is ErrNotHeld
// (a second commit finds its hold settled); a retry still among the
// recent entries answers them.
func (a *Account) Commit(ref string, amount int64, by string, now time.Time) (Result, error) {
	if r, ok := a.replay(Commit, ref); ok {
		return r, nil
	}
	i := a.holdIndex(ref)
	if i < 0 {
		return Result{}, ErrNotHeld
	}
	h := a.holds[i]
	if amount <= 0 {
		return Result{}, ErrAmountInvalid
	}
	if amount > h.Amount {
		return Result{}, ErrOverCommit.With(map[string]any{"held": h.Amount})
	}
	a.holds = slices.Delete(a.holds, i, i+1)
	a.held -= h.Amount
	a.committed += amount
	p := Posting{Ref: ref, Party: h.Party, Month: h.Month, By: by}
	p.Amount = amount
	out := []Entry{a.append(KeyOf(a.id, Commit, ref), Commit, p, now)}
	if rest := h.Amount - amount; rest > 0 {
		p.Amount = rest
		out = append(out, a.append(KeyOf(a.id, Release, ref), Release, p, now))
	}
	return Result{Entries: out}, nil
}

// Release gives back all that ref holds. A ref that holds nothing is
// ErrNotHeld: released or committed already, or never reserved.
func (a *Account) Release(ref, by string, now time.Time) (Result, error) {
	if r, ok := a.replay(Release, ref); ok {
		return r, nil
	}
	i := a.holdIndex(ref)
	if i < 0 {
		return Result{}, ErrNotHeld
	}
	h := a.holds[i]
	a.holds = slices.Delete(a.holds, i, i+1)
	a.held -= h.Amount
	e := a.append(KeyOf(a.id, Release, ref), Release, Posting{Ref: ref, Amount: h.Amount, Party: h.Party,
		Month: h.Month, By: by}, now)
	return Result{Entries: []Entry{e}}, nil
}

// Adjust adds p.Amount (negative: takes it away) with a reason. Taking
// more than is available is ErrInsufficient: what is held or spent was
// promised, and the balance never goes below zero.
func (a *Account) Adjust(p Posting, now time.Time) (Result, error) {
	key := KeyOf(a.id, Adjust, p.Ref)
	if e, ok := a.Applied(key); ok {
		return Result{Entries: []Entry{e}, Replayed: true}, nil
	}
	p, err := checkPosting(p, true)
	if err != nil {
		return Result{}, err
	}
	if a.Available()+p.Amount < 0 {
		return Result{}, ErrInsufficient.With(map[string]any{"available": a.Available()})
	}
	a.adjusted += p.Amount
	return Result{Entries: []Entry{a.append(key, Adjust, p, now)}}, nil
}

// replay answers a commit or release already among the recent entries.
// A commit's release of the rest is its own entry, found with it.
func (a *Account) replay(k Kind, ref string) (Result, bool) {
	e, ok := a.Applied(KeyOf(a.id, k, ref))
	if !ok {
		return Result{}, false
	}
	out := []Entry{e}
	if k == Commit {
		if rest, ok := a.Applied(KeyOf(a.id, Release, ref)); ok {
			out = append(out, rest)
		}
	}
	return Result{Entries: out, Replayed: true}, true
}

// checkPosting refuses a posting a client got wrong, and returns it with
// an adjustment's reason cleaned (domain/text: statements show it).
func checkPosting(p Posting, adjust bool) (Posting, error) {
	var fields []fault.FieldError
	if p.Ref == "" {
		return p, ErrAccountInvalid // a client's bug, not the caller's input
	}
	if (adjust && p.Amount == 0) || (!adjust && p.Amount <= 0) {
		fields = append(fields, fault.FieldError{Field: "/amount", Code: "range"})
	}
	if len(fields) > 0 {
		return p, ErrAmountInvalid.WithFields(fields...)
	}
	if adjust {
		reason, bad := text.Rule{Max: MaxReason, Required: true}.Clean("/reason", p.Reason)
		if bad != nil {
			return p, ErrReasonRequired.WithFields(*bad)
		}
		p.Reason = reason
	}
	return p, nil
}

func (a *Account) append(key string, k Kind, p Posting, now time.Time) Entry {
	a.seq++
	e := a.entry(key, k, p, now.UTC(), a.seq)
	a.recent = append(a.recent, e)
	a.seen.add(key)
	return e
}

func (a *Account) entry(key string, k Kind, p Posting, at time.Time, seq int64) Entry {
	return Entry{Key: key, Account: a.id, Seq: seq, Kind: k, Ref: p.Ref, Amount: p.Amount, Available: a.Available(),
		Party: p.Party, Month: p.Month, By: p.By, Reason: strings.TrimSpace(p.Reason), At: at,
		Holder: a.holder, Source: a.source, Unit: a.unit, Period: a.period.Key}
}

// Snapshot is an account's whole state, for its repository.
type Snapshot struct {
	ID, Holder, Source string
	Unit               Unit
	Period             Period
	Granted, Adjusted  int64
	Held, Committed    int64
	Seq, Journaled     int64
	Holds              []Hold
	Recent             []Entry
	Seen               Seen
	CreatedAt          time.Time
	Pending            []event.Event
}

func (a *Account) Snapshot() Snapshot {
	return Snapshot{ID: a.id, Holder: a.holder, Source: a.source, Unit: a.unit, Period: a.period,
		Granted: a.granted, Adjusted: a.adjusted, Held: a.held, Committed: a.committed, Seq: a.seq,
		Journaled: a.journaled, Holds: slices.Clone(a.holds), Recent: slices.Clone(a.recent), Seen: a.seen,
		CreatedAt: a.createdAt, Pending: a.Pending()}
}

// Unmarshal rebuilds an account from storage; it is not a constructor
// and checks nothing.
func Unmarshal(s Snapshot) *Account {
	return &Account{id: s.ID, holder: s.Holder, source: s.Source, unit: s.Unit, period: s.Period,
		granted: s.Granted, adjusted: s.Adjusted, held: s.Held, committed: s.Committed, seq: s.Seq,
		journaled: s.Journaled, holds: slices.Clone(s.Holds), recent: slices.Clone(s.Recent), seen: s.Seen,
		createdAt: s.CreatedAt, Outbox: event.RestoreOutbox(s.Pending)}
}
