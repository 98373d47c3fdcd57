package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

const slotsColl = "slots"

// slotDoc is a slot: one document with its seats, waitlist, promotions
// and outbox, so confirming a seat against the capacity, and the events
// of it, are one conditional write.
type slotDoc struct {
	ID           string         `bson:"_id"`
	ResourceKind string         `bson:"resourceKind"`
	ResourceID   string         `bson:"resourceId"`
	ProviderID   string         `bson:"providerId"`
	Window       windowDoc      `bson:"window"`
	Capacity     capacityDoc    `bson:"capacity"`
	Rules        rulesDoc       `bson:"rules"`
	Seats        []seatDoc      `bson:"seats"`
	Waitlist     []waiterDoc    `bson:"waitlist"`
	Promotions   []promotionDoc `bson:"promotions"`
	// Waiting is set only while someone waits or was promoted, for the
	// sparse index the reconciler's WithWaiters reads: a handful of
	// slots among thousands.
	Waiting     bool       `bson:"waiting,omitempty"`
	CreatedAt   time.Time  `bson:"createdAt"`
	Version     int64      `bson:"version"`
	Pending     []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time `bson:"outboxSince,omitempty"`
}

type windowDoc struct {
	Start    time.Time `bson:"start"`
	End      time.Time `bson:"end"`
	TimeZone string    `bson:"timeZone"`
}

type capacityDoc struct {
	Total          int `bson:"total"`
	InclusiveQuota int `bson:"inclusiveQuota"`
}

// rulesDoc keeps the hold's life as whole milliseconds.
type rulesDoc struct {
	HoldTTLMs       int64     `bson:"holdTtlMs"`
	MaxHoldsPerUser int       `bson:"maxHoldsPerUser"`
	HoldsCloseAt    time.Time `bson:"holdsCloseAt"`
	OneSeatPerUser  bool      `bson:"oneSeatPerUser,omitempty"`
}

type seatDoc struct {
	HoldID      string    `bson:"holdId"`
	Tier        string    `bson:"tier"`
	BookedBy    string    `bson:"bookedBy"`
	FamilyID    string    `bson:"familyId"`
	RecipientID string    `bson:"recipientId"`
	PriceFen    int64     `bson:"priceFen"`
	At          time.Time `bson:"at"`
}

type waiterDoc struct {
	UserID   string    `bson:"userId"`
	FamilyID string    `bson:"familyId"`
	Tier     string    `bson:"tier"`
	JoinedAt time.Time `bson:"joinedAt"`
}

type promotionDoc struct {
	HoldID    string    `bson:"holdId"`
	UserID    string    `bson:"userId"`
	FamilyID  string    `bson:"familyId"`
	Tier      string    `bson:"tier"`
	ExpiresAt time.Time `bson:"expiresAt"`
	At        time.Time `bson:"at"`
}

func toWindowDoc(w reservation.Window) windowDoc {
	return windowDoc{Start: w.Start, End: w.End, TimeZone: w.TimeZone}
}

func (d windowDoc) window() reservation.Window {
	return reservation.Window{Start: d.Start.UTC(), End: d.End.UTC(), TimeZone: d.TimeZone}
}

func toCapacityDoc(c reservation.Capacity) capacityDoc {
	return capacityDoc{Total: c.Total, InclusiveQuota: c.InclusiveQuota}
}

func (d capacityDoc) capacity() reservation.Capacity {
	return reservation.Capacity{Total: d.Total, InclusiveQuota: d.InclusiveQuota}
}

func toSeatDoc(s reservation.Seat) seatDoc {
	return seatDoc{HoldID: s.HoldID, Tier: string(s.Tier), BookedBy: s.BookedBy, FamilyID: s.FamilyID,
		RecipientID: s.RecipientID, PriceFen: s.PriceFen, At: s.At}
}

func (d seatDoc) seat() reservation.Seat {
	return reservation.Seat{HoldID: d.HoldID, Tier: reservation.Tier(d.Tier), BookedBy: d.BookedBy,
		FamilyID: d.FamilyID, RecipientID: d.RecipientID, PriceFen: d.PriceFen, At: d.At.UTC()}
}

// docList stores a list; never null, so arrays are always arrays in the
// database.
func docList[T, D any](in []T, conv func(T) D) []D {
	out := make([]D, len(in))
	for i, v := range in {
		out[i] = conv(v)
	}
	return out
}

// valueList reads a stored list back; nil when empty, as the domain
// keeps an empty list.
func valueList[D, T any](in []D, conv func(D) T) []T {
	if len(in) == 0 {
		return nil
	}
	out := make([]T, len(in))
	for i, d := range in {
		out[i] = conv(d)
	}
	return out
}

func toSlotDoc(s *reservation.Slot, version int64) slotDoc {
	sn := s.Snapshot()
	return slotDoc{ID: sn.ID, ResourceKind: sn.Resource.Kind, ResourceID: sn.Resource.ID, ProviderID: sn.ProviderID,
		Window: toWindowDoc(sn.Window), Capacity: toCapacityDoc(sn.Capacity),
		Rules: rulesDoc{HoldTTLMs: sn.Rules.HoldTTL.Milliseconds(), MaxHoldsPerUser: sn.Rules.MaxHoldsPerUser,
			HoldsCloseAt: sn.Rules.HoldsCloseAt, OneSeatPerUser: sn.Rules.OneSeatPerUser},
		Seats: docList(sn.Seats, toSeatDoc),
		Waitlist: docList(sn.Waitlist, func(w reservation.Waiter) waiterDoc {
			return waiterDoc{UserID: w.UserID, FamilyID: w.FamilyID, Tier: string(w.Tier), JoinedAt: w.JoinedAt}
		}),
		Promotions: docList(sn.Promotions, func(p reservation.Promotion) promotionDoc {
			return promotionDoc{HoldID: p.HoldID, UserID: p.UserID, FamilyID: p.FamilyID, Tier: string(p.Tier),
				ExpiresAt: p.ExpiresAt, At: p.At}
		}),
		Waiting:   len(sn.Waitlist) > 0 || len(sn.Promotions) > 0,
		CreatedAt: sn.CreatedAt, Version: version,
		Pending: toEventDocs(sn.Pending), OutboxSince: outboxSince(sn.Pending)}
}

func (d slotDoc) slot() *reservation.Slot {
	return reservation.UnmarshalSlot(reservation.SlotSnapshot{ID: d.ID,
		Resource:   reservation.Resource{Kind: d.ResourceKind, ID: d.ResourceID},
		ProviderID: d.ProviderID, Window: d.Window.window(), Capacity: d.Capacity.capacity(),
		Rules: reservation.Rules{HoldTTL: time.Duration(d.Rules.HoldTTLMs) * time.Millisecond,
			MaxHoldsPerUser: d.Rules.MaxHoldsPerUser, HoldsCloseAt: d.Rules.HoldsCloseAt.UTC(),
			OneSeatPerUser: d.Rules.OneSeatPerUser},
		Seats: valueList(d.Seats, seatDoc.seat),
		Waitlist: valueList(d.Waitlist, func(w waiterDoc) reservation.Waiter {
			return reservation.Waiter{UserID: w.UserID, FamilyID: w.FamilyID, Tier: reservation.Tier(w.Tier),
				JoinedAt: w.JoinedAt.UTC()}
		}),
		Promotions: valueList(d.Promotions, func(p promotionDoc) reservation.Promotion {
			return reservation.Promotion{HoldID: p.HoldID, UserID: p.UserID, FamilyID: p.FamilyID,
				Tier: reservation.Tier(p.Tier), ExpiresAt: p.ExpiresAt.UTC(), At: p.At.UTC()}
		}),
		CreatedAt: d.CreatedAt.UTC(), Pending: fromEventDocs(d.Pending)})
}

func (d slotDoc) pendingEvents() int { return len(d.Pending) }

// Slots implements the slot store: the truth about what is booked.
type Slots struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Slots() *Slots {
	return &Slots{coll: s.collection(slotsColl), guard: s.guard, bell: s.bell}
}

// CreateMany inserts the slots not yet stored. Slot ids are derived from
// their resource and window, so opening a range twice inserts only the
// slots it did not have; the unordered insert goes on past each
// duplicate, and only the inserted are counted.
func (r *Slots) CreateMany(ctx context.Context, ss []*reservation.Slot) (int, error) {
	if len(ss) == 0 {
		return 0, nil
	}
	docs := make([]any, len(ss))
	for i, s := range ss {
		docs[i] = toSlotDoc(s, 1)
	}
	_, err := r.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	dups, onlyDups := duplicates(err)
	if err != nil && !onlyDups {
		return 0, fmt.Errorf("mongo: insert slots: %w", err)
	}
	for _, s := range ss {
		if len(s.Pending()) > 0 {
			r.bell.ring(slotsColl, s.ID())
		}
	}
	return len(ss) - dups, nil
}

// duplicates counts the inserts of a bulk write that failed because the
// document was already there, and reports whether those were all its
// failures.
func duplicates(err error) (int, bool) {
	if err == nil {
		return 0, true
	}
	var bw mongo.BulkWriteException
	if !errors.As(err, &bw) || bw.WriteConcernError != nil || len(bw.WriteErrors) == 0 {
		if mongo.IsDuplicateKeyError(err) {
			return 1, true
		}
		return 0, false
	}
	for _, we := range bw.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return 0, false
		}
	}
	return len(bw.WriteErrors), true
}

func (r *Slots) find(ctx context.Context, id string) (slotDoc, error) {
	return findByID[slotDoc](ctx, r.coll, id, "slot", reservation.ErrSlotNotFound)
}

// Get returns reservation.ErrSlotNotFound for an unknown id, and the
// version.
func (r *Slots) Get(ctx context.Context, id string) (*reservation.Slot, int64, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return d.slot(), d.Version, nil
}

// writtenSlot is a slot with the version its write gives it.
type writtenSlot struct {
	slot    *reservation.Slot
	version int64
}

// Update is the one way a slot changes, and so the guard against
// overselling: of many confirmations racing for the last seat, one write
// matches the version read; the others reload, find the tier full, and
// the domain refuses them. It returns the version written, which Redis
// compares to ignore a slower writer's older state.
func (r *Slots) Update(ctx context.Context, id string, fn func(*reservation.Slot) error) (*reservation.Slot, int64, error) {
	w, err := versionedUpdate(ctx, r.coll, r.guard, r.bell, "slot", id, r.find,
		func(d slotDoc) (writtenSlot, int64, error) {
			s := d.slot()
			if err := fn(s); err != nil {
				return writtenSlot{}, 0, err
			}
			return writtenSlot{slot: s, version: d.Version + 1}, d.Version, nil
		},
		func(w writtenSlot, version int64) slotDoc { return toSlotDoc(w.slot, version) })
	if err != nil {
		return nil, 0, err
	}
	return w.slot, w.version, nil
}

// ListByResource pages a resource's slots by window start, from ≤ start
// < to (a zero bound is open), after the slot p.After. The cursor's
// start is read from the slot it names rather than trusted to the id's
// spelling, so the order holds however slot ids are made.
func (r *Slots) ListByResource(ctx context.Context, resourceID string, from, to time.Time, p page.Request) ([]*reservation.Slot, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "resourceId", Value: resourceID}}
	start := bson.D{}
	if !from.IsZero() {
		start = append(start, bson.E{Key: "$gte", Value: from})
	}
	if !to.IsZero() {
		start = append(start, bson.E{Key: "$lt", Value: to})
	}
	if len(start) > 0 {
		filter = append(filter, bson.E{Key: "window.start", Value: start})
	}
	if p.After != "" {
		after, err := r.find(ctx, p.After)
		if errors.Is(err, reservation.ErrSlotNotFound) || (err == nil && after.ResourceID != resourceID) {
			return nil, false, errUnknownCursor
		}
		if err != nil {
			return nil, false, err
		}
		filter = append(filter, keysetAfter("window.start", 1, after.Window.Start, after.ID))
	}
	out, err := findAll(ctx, r.coll, "slots", filter,
		options.Find().SetSort(bson.D{{Key: "window.start", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(int64(limit+1)), slotDoc.slot)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Open pages, by id, the slots whose window ends after now: those the
// reconciler keeps Redis in step with.
func (r *Slots) Open(ctx context.Context, now time.Time, after string, limit int) ([]*reservation.Slot, error) {
	return r.byID(ctx, "open slots",
		bson.D{{Key: "window.end", Value: bson.D{{Key: "$gt", Value: now}}}}, after, limit)
}

// WithWaiters pages, by id, the slots still open for holds at now that
// have a waitlist or promotions, through the sparse waiting index (a
// closed slot's waiters can be served no more). Promotions are kept
// until the slot's next promotion or seat drops them, so a slot listed
// may have only lapsed ones: the caller asks Promotions(now).
func (r *Slots) WithWaiters(ctx context.Context, now time.Time, after string, limit int) ([]*reservation.Slot, error) {
	return r.byID(ctx, "slots with waiters", bson.D{{Key: "waiting", Value: true},
		{Key: "rules.holdsCloseAt", Value: bson.D{{Key: "$gt", Value: now}}}}, after, limit)
}

func (r *Slots) byID(ctx context.Context, what string, filter bson.D, after string, limit int) ([]*reservation.Slot, error) {
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return findAll(ctx, r.coll, what, filter, opts, slotDoc.slot)
}

// keysetAfter is the filter of a keyset page on (key, _id) in direction dir
// (1 ascending, -1 descending): what follows (v, id) in that order.
func keysetAfter(key string, dir int, v any, id string) bson.E {
	op := "$gt"
	if dir < 0 {
		op = "$lt"
	}
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: key, Value: bson.D{{Key: op, Value: v}}}},
		bson.D{{Key: key, Value: v}, {Key: "_id", Value: bson.D{{Key: op, Value: id}}}},
	}}
}

// errUnknownCursor is a cursor naming nothing the list could have
// ended a page on.
var errUnknownCursor = page.ErrCursorInvalid.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})

// clampLimit bounds a page as page.Parse does, for callers that built
// their page.Request themselves.
func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return page.DefaultLimit
	case limit > page.MaxLimit:
		return page.MaxLimit
	}
	return limit
}
