package mongo

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/ledger"
)

const (
	ledgerAccountsColl = "ledger_accounts"
	ledgerEntriesColl  = "ledger_entries"
)

// accountDoc is a ledger account: its counters, open holds and latest
// entries in one document, so a posting's check and change are one
// conditional write. JournalSince and HoldsSince are set only while
// there is something for a reconciler to look at, for their sparse
// indexes.
type accountDoc struct {
	ID        string      `bson:"_id"`
	Holder    string      `bson:"holder"`
	Source    string      `bson:"source,omitempty"`
	Unit      string      `bson:"unit"`
	Period    periodDoc   `bson:"period"`
	Granted   int64       `bson:"granted"`
	Adjusted  int64       `bson:"adjusted"`
	Held      int64       `bson:"held"`
	Committed int64       `bson:"committed"`
	Seq       int64       `bson:"seq"`
	Journaled int64       `bson:"journaled"`
	Holds     []holdDoc   `bson:"holds"`
	Recent    []recentDoc `bson:"recent"`
	// Seen is the filter of every key applied (ledger.Seen), as bytes.
	Seen      []byte    `bson:"seen,omitempty"`
	CreatedAt time.Time `bson:"createdAt"`
	// JournalSince is when the oldest entry the journal may lack was made.
	JournalSince *time.Time `bson:"journalSince,omitempty"`
	// HoldsSince is when the oldest open hold was taken.
	HoldsSince  *time.Time `bson:"holdsSince,omitempty"`
	Version     int64      `bson:"version"`
	Pending     []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time `bson:"outboxSince,omitempty"`
}

type periodDoc struct {
	Key   string    `bson:"key"`
	Start time.Time `bson:"start"`
	End   time.Time `bson:"end"`
}

type holdDoc struct {
	Ref    string    `bson:"ref"`
	Amount int64     `bson:"amount"`
	Party  string    `bson:"party,omitempty"`
	Month  string    `bson:"month,omitempty"`
	Seq    int64     `bson:"seq"`
	At     time.Time `bson:"at"`
}

// recentDoc is an entry among its account's recent ones: what the
// account does not already say. The account document is read and
// rewritten (and, on FerretDB, parsed as JSON) at every posting, so it
// carries nothing twice.
type recentDoc struct {
	Seq       int64     `bson:"seq"`
	Kind      string    `bson:"kind"`
	Ref       string    `bson:"ref"`
	Amount    int64     `bson:"amount"`
	Available int64     `bson:"available"`
	Party     string    `bson:"party,omitempty"`
	Month     string    `bson:"month,omitempty"`
	By        string    `bson:"by,omitempty"`
	Reason    string    `bson:"reason,omitempty"`
	At        time.Time `bson:"at"`
}

// entryDoc is an entry in the journal, keyed by its key.
type entryDoc struct {
	Key       string    `bson:"_id"`
	Account   string    `bson:"account"`
	Seq       int64     `bson:"seq"`
	Kind      string    `bson:"kind"`
	Ref       string    `bson:"ref"`
	Amount    int64     `bson:"amount"`
	Available int64     `bson:"available"`
	Party     string    `bson:"party,omitempty"`
	Month     string    `bson:"month,omitempty"`
	By        string    `bson:"by,omitempty"`
	Reason    string    `bson:"reason,omitempty"`
	At        time.Time `bson:"at"`
	Holder    string    `bson:"holder"`
	Source    string    `bson:"source,omitempty"`
	Unit      string    `bson:"unit"`
	Period    string    `bson:"period"`
}

func toEntryDoc(e ledger.Entry) entryDoc {
	return entryDoc{Key: e.Key, Account: e.Account, Seq: e.Seq, Kind: string(e.Kind), Ref: e.Ref, Amount: e.Amount,
		Available: e.Available, Party: e.Party, Month: e.Month, By: e.By, Reason: e.Reason, At: e.At,
		Holder: e.Holder, Source: e.Source, Unit: string(e.Unit), Period: e.Period}
}

func (d entryDoc) entry() ledger.Entry {
	return ledger.Entry{Key: d.Key, Account: d.Account, Seq: d.Seq, Kind: ledger.Kind(d.Kind), Ref: d.Ref,
		Amount: d.Amount, Available: d.Available, Party: d.Party, Month: d.Month, By: d.By, Reason: d.Reason,
		At: d.At.UTC(), Holder: d.Holder, Source: d.Source, Unit: ledger.Unit(d.Unit), Period: d.Period}
}

func toAccountDoc(a *ledger.Account, version int64) accountDoc {
	s := a.Snapshot()
	d := accountDoc{ID: s.ID, Holder: s.Holder, Source: s.Source, Unit: string(s.Unit),
		Period:  periodDoc{Key: s.Period.Key, Start: s.Period.Start, End: s.Period.End},
		Granted: s.Granted, Adjusted: s.Adjusted, Held: s.Held, Committed: s.Committed, Seq: s.Seq,
		Journaled: s.Journaled, Holds: make([]holdDoc, len(s.Holds)), Recent: make([]recentDoc, len(s.Recent)),
		CreatedAt: s.CreatedAt, Version: version, Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending),
		Seen: seenBytes(s.Seen)}
	for i, h := range s.Holds {
		d.Holds[i] = holdDoc{Ref: h.Ref, Amount: h.Amount, Party: h.Party, Month: h.Month, Seq: h.Seq, At: h.At}
		if d.HoldsSince == nil || h.At.Before(*d.HoldsSince) {
			at := h.At
			d.HoldsSince = &at
		}
	}
	for i, e := range s.Recent {
		d.Recent[i] = recentDoc{Seq: e.Seq, Kind: string(e.Kind), Ref: e.Ref, Amount: e.Amount, Available: e.Available,
			Party: e.Party, Month: e.Month, By: e.By, Reason: e.Reason, At: e.At}
		if e.Seq > s.Journaled && d.JournalSince == nil {
			at := e.At
			d.JournalSince = &at
		}
	}
	return d
}

func (d accountDoc) account() *ledger.Account {
	s := ledger.Snapshot{ID: d.ID, Holder: d.Holder, Source: d.Source, Unit: ledger.Unit(d.Unit),
		Period:  ledger.Period{Key: d.Period.Key, Start: d.Period.Start.UTC(), End: d.Period.End.UTC()},
		Granted: d.Granted, Adjusted: d.Adjusted, Held: d.Held, Committed: d.Committed, Seq: d.Seq,
		Journaled: d.Journaled, Holds: make([]ledger.Hold, len(d.Holds)), Recent: make([]ledger.Entry, len(d.Recent)),
		CreatedAt: d.CreatedAt.UTC(), Pending: fromEventDocs(d.Pending), Seen: seenOf(d.Seen)}
	for i, h := range d.Holds {
		s.Holds[i] = ledger.Hold{Ref: h.Ref, Amount: h.Amount, Party: h.Party, Month: h.Month, Seq: h.Seq, At: h.At.UTC()}
	}
	for i, e := range d.Recent {
		s.Recent[i] = ledger.Entry{Key: ledger.KeyOf(d.ID, ledger.Kind(e.Kind), e.Ref), Account: d.ID, Seq: e.Seq,
			Kind: ledger.Kind(e.Kind), Ref: e.Ref, Amount: e.Amount, Available: e.Available, Party: e.Party,
			Month: e.Month, By: e.By, Reason: e.Reason, At: e.At.UTC(), Holder: d.Holder, Source: d.Source,
			Unit: ledger.Unit(d.Unit), Period: d.Period.Key}
	}
	return ledger.Unmarshal(s)
}

func (d accountDoc) pendingEvents() int { return len(d.Pending) }

// LedgerAccounts implements app/ledger's account store.
type LedgerAccounts struct {
	coll    *collection
	journal *LedgerJournal
	guard   *writeGuard
	bell    *outboxBell
}

func (s *Store) LedgerAccounts() *LedgerAccounts {
	return &LedgerAccounts{coll: s.collection(ledgerAccountsColl), journal: s.LedgerJournal(), guard: s.guard,
		bell: s.bell}
}

func (r *LedgerAccounts) find(ctx context.Context, id string) (accountDoc, error) {
	return findByID[accountDoc](ctx, r.coll, id, "ledger account", appledger.ErrAccountNotFound)
}

func (r *LedgerAccounts) Get(ctx context.Context, id string) (*ledger.Account, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.account(), nil
}

// Update is the versioned update of every aggregate (versioned.go), with
// two things of the ledger's own: an account never used is inserted
// first (a duplicate insert by a concurrent first use is the same
// account), and entries that spill out of the account are journaled
// before the write that drops them.
func (r *LedgerAccounts) Update(ctx context.Context, open ledger.Opening, fn func(*ledger.Account) error) (*ledger.Account, error) {
	update := func() (*ledger.Account, error) {
		return versionedUpdate(ctx, r.coll, r.guard, r.bell, "ledger account", open.ID, r.find,
			func(d accountDoc) (*ledger.Account, int64, error) {
				a := d.account()
				if err := fn(a); err != nil {
					return nil, 0, err
				}
				if spilled := a.Spill(); len(spilled) > 0 {
					if err := r.journal.Append(ctx, spilled); err != nil {
						return nil, 0, err
					}
				}
				return a, d.Version, nil
			}, toAccountDoc)
	}
	a, err := update()
	if !errors.Is(err, appledger.ErrAccountNotFound) || open.Period.Key == "" {
		return a, err // an opening without a period names an account that must exist
	}
	opened, err := ledger.Open(open, time.Now())
	if err != nil {
		return nil, err
	}
	if _, err := r.coll.InsertOne(ctx, toAccountDoc(opened, 1)); err != nil && !mongo.IsDuplicateKeyError(err) {
		return nil, fmt.Errorf("mongo: open ledger account: %w", err)
	}
	return update()
}

func (r *LedgerAccounts) Unjournaled(ctx context.Context, before time.Time, after string, limit int) ([]*ledger.Account, error) {
	return r.marked(ctx, "journalSince", before, after, limit)
}

func (r *LedgerAccounts) Holding(ctx context.Context, before time.Time, after string, limit int) ([]*ledger.Account, error) {
	return r.marked(ctx, "holdsSince", before, after, limit)
}

func (r *LedgerAccounts) HeldFor(ctx context.Context, party, after string, limit int) ([]*ledger.Account, error) {
	filter := bson.D{{Key: "holds.party", Value: party}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	return findAll(ctx, r.coll, "ledger accounts holding for a party", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)), accountDoc.account)
}

// marked pages through accounts whose marker field is older than before,
// by id.
func (r *LedgerAccounts) marked(ctx context.Context, field string, before time.Time, after string, limit int) ([]*ledger.Account, error) {
	filter := bson.D{{Key: field, Value: bson.D{{Key: "$lt", Value: before}}}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	return findAll(ctx, r.coll, "ledger accounts", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)), accountDoc.account)
}

func (r *LedgerAccounts) MarkJournaled(ctx context.Context, id string, seq int64) error {
	_, err := versionedUpdate(ctx, r.coll, r.guard, r.bell, "ledger account", id, r.find,
		func(d accountDoc) (*ledger.Account, int64, error) {
			a := d.account()
			a.MarkJournaled(seq)
			return a, d.Version, nil
		}, toAccountDoc)
	return err
}

// LedgerJournal implements app/ledger's journal: one document per entry,
// its key the _id, so writing an entry twice leaves one.
type LedgerJournal struct{ coll *collection }

func (s *Store) LedgerJournal() *LedgerJournal {
	return &LedgerJournal{coll: s.collection(ledgerEntriesColl)}
}

func (j *LedgerJournal) Append(ctx context.Context, es []ledger.Entry) error {
	if len(es) == 0 {
		return nil
	}
	docs := make([]any, len(es))
	for i, e := range es {
		docs[i] = toEntryDoc(e)
	}
	_, err := j.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !onlyDuplicates(err) {
		return fmt.Errorf("mongo: journal ledger entries: %w", err)
	}
	return nil
}

func (j *LedgerJournal) Get(ctx context.Context, key string) (ledger.Entry, bool, error) {
	d, err := findByID[entryDoc](ctx, j.coll, key, "ledger entry", errNoEntry)
	if errors.Is(err, errNoEntry) {
		return ledger.Entry{}, false, nil
	}
	if err != nil {
		return ledger.Entry{}, false, err
	}
	return d.entry(), true, nil
}

var errNoEntry = errors.New("no ledger entry")

func (j *LedgerJournal) Before(ctx context.Context, account string, before int64, limit int) ([]ledger.Entry, error) {
	filter := bson.D{{Key: "account", Value: account}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: before}}}}
	return findAll(ctx, j.coll, "ledger entries", filter,
		options.Find().SetSort(bson.D{{Key: "seq", Value: -1}}).SetLimit(int64(limit)), entryDoc.entry)
}

func (j *LedgerJournal) Commits(ctx context.Context, party, month string) ([]ledger.Entry, error) {
	filter := bson.D{{Key: "party", Value: party}, {Key: "month", Value: month}, {Key: "kind", Value: string(ledger.Commit)}}
	return findAll(ctx, j.coll, "ledger commits", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), entryDoc.entry)
}

func seenBytes(s ledger.Seen) []byte {
	if s == (ledger.Seen{}) {
		return nil
	}
	out := make([]byte, 0, len(s)*8)
	for _, w := range s {
		out = binary.LittleEndian.AppendUint64(out, w)
	}
	return out
}

func seenOf(b []byte) ledger.Seen {
	var s ledger.Seen
	for i := range s {
		if len(b) >= (i+1)*8 {
			s[i] = binary.LittleEndian.Uint64(b[i*8:])
		}
	}
	return s
}
