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
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
)

const bookingsColl = "bookings"

// bookingDoc is a booking, _id its hold's id. The seat's family and
// recipient are repeated at the top for the lists and the overlap check
// that filter on them.
type bookingDoc struct {
	ID           string           `bson:"_id"`
	SlotID       string           `bson:"slotId"`
	ResourceKind string           `bson:"resourceKind"`
	ResourceID   string           `bson:"resourceId"`
	ProviderID   string           `bson:"providerId"`
	FamilyID     string           `bson:"familyId"`
	RecipientID  string           `bson:"recipientId"`
	Window       windowDoc        `bson:"window"`
	Seat         seatDoc          `bson:"seat"`
	Status       string           `bson:"status"`
	Cancellation *cancellationDoc `bson:"cancellation,omitempty"`
	Version      int64            `bson:"version"`
	Pending      []eventDoc       `bson:"pendingEvents,omitempty"`
	OutboxSince  *time.Time       `bson:"outboxSince,omitempty"`
}

type cancellationDoc struct {
	By     string    `bson:"by"`
	UserID string    `bson:"userId"`
	Reason string    `bson:"reason,omitempty"`
	At     time.Time `bson:"at"`
}

func toBookingDoc(b *reservation.Booking, version int64) bookingDoc {
	s := b.Snapshot()
	d := bookingDoc{ID: s.ID, SlotID: s.SlotID, ResourceKind: s.Resource.Kind, ResourceID: s.Resource.ID,
		ProviderID: s.ProviderID, FamilyID: s.Seat.FamilyID, RecipientID: s.Seat.RecipientID,
		Window: toWindowDoc(s.Window), Seat: toSeatDoc(s.Seat), Status: string(s.Status), Version: version,
		Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
	if c := s.Cancellation; c != nil {
		d.Cancellation = &cancellationDoc{By: string(c.By), UserID: c.UserID, Reason: c.Reason, At: c.At}
	}
	return d
}

func (d bookingDoc) booking() *reservation.Booking {
	var c *reservation.Cancellation
	if d.Cancellation != nil {
		c = &reservation.Cancellation{By: reservation.Party(d.Cancellation.By), UserID: d.Cancellation.UserID,
			Reason: d.Cancellation.Reason, At: d.Cancellation.At.UTC()}
	}
	return reservation.UnmarshalBooking(reservation.BookingSnapshot{ID: d.ID, SlotID: d.SlotID,
		Resource:   reservation.Resource{Kind: d.ResourceKind, ID: d.ResourceID},
		ProviderID: d.ProviderID, Window: d.Window.window(), Seat: d.Seat.seat(),
		Status: reservation.BookingStatus(d.Status), Cancellation: c, Pending: fromEventDocs(d.Pending)})
}

func (d bookingDoc) pendingEvents() int { return len(d.Pending) }

// Bookings implements the booking store.
type Bookings struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Bookings() *Bookings {
	return &Bookings{coll: s.collection(bookingsColl), guard: s.guard, bell: s.bell}
}

// Create stores a booking; false when one with its id exists, so a
// retried confirmation, or the reconciler writing a booking again from
// its seat, finds the first.
func (r *Bookings) Create(ctx context.Context, b *reservation.Booking) (bool, error) {
	_, err := r.coll.InsertOne(ctx, toBookingDoc(b, 1))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: insert booking: %w", err)
	}
	if len(b.Pending()) > 0 {
		r.bell.ring(bookingsColl, b.ID())
	}
	return true, nil
}

func (r *Bookings) find(ctx context.Context, id string) (bookingDoc, error) {
	return findByID[bookingDoc](ctx, r.coll, id, "booking", reservation.ErrBookingNotFound)
}

// Get returns reservation.ErrBookingNotFound for an unknown id.
func (r *Bookings) Get(ctx context.Context, id string) (*reservation.Booking, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.booking(), nil
}

// Update loads, lets the domain act, and writes only if nobody wrote
// since: of a family and a provider cancelling at once, one wins and the
// other finds the booking cancelled.
func (r *Bookings) Update(ctx context.Context, id string, fn func(*reservation.Booking) error) (*reservation.Booking, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "booking", id, r.find,
		func(d bookingDoc) (*reservation.Booking, int64, error) {
			b := d.booking()
			if err := fn(b); err != nil {
				return nil, 0, err
			}
			return b, d.Version, nil
		}, toBookingDoc)
}

// newestFirst is the lists' order: by the seat's time, as booking ids
// (hold ids) say nothing of when they were made, then by id.
var newestFirst = bson.D{{Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}}

// List pages through bookings newest first. The cursor is the last
// booking's id, as everywhere; its seat's time, read back, is where the
// next page starts.
func (r *Bookings) List(ctx context.Context, f reservations.BookingFilter, p page.Request) ([]*reservation.Booking, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{}
	for _, kv := range []struct{ key, value string }{{"familyId", f.FamilyID}, {"providerId", f.ProviderID},
		{"recipientId", f.RecipientID}, {"slotId", f.SlotID}, {"status", string(f.Status)},
		{"resourceKind", f.ResourceKind}} {
		if kv.value != "" {
			filter = append(filter, bson.E{Key: kv.key, Value: kv.value})
		}
	}
	if p.After != "" {
		after, err := r.find(ctx, p.After)
		if errors.Is(err, reservation.ErrBookingNotFound) {
			return nil, false, errUnknownCursor
		}
		if err != nil {
			return nil, false, err
		}
		filter = append(filter, keysetAfter("seat.at", -1, after.Seat.At, after.ID))
	}
	out, err := findAll(ctx, r.coll, "bookings", filter,
		options.Find().SetSort(newestFirst).SetLimit(int64(limit+1)), bookingDoc.booking)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// OfSlot is every booking of a slot, any status, oldest first. A slot's
// bookings are bounded by its capacity and the cancellations it saw.
func (r *Bookings) OfSlot(ctx context.Context, slotID string) ([]*reservation.Booking, error) {
	return findAll(ctx, r.coll, "bookings of slot", bson.D{{Key: "slotId", Value: slotID}},
		options.Find().SetSort(bson.D{{Key: "seat.at", Value: 1}, {Key: "_id", Value: 1}}), bookingDoc.booking)
}

// Overlapping are a recipient's confirmed bookings whose window overlaps
// [start, end): a child cannot be in two places at once.
func (r *Bookings) Overlapping(ctx context.Context, recipientID string, start, end time.Time) ([]*reservation.Booking, error) {
	return findAll(ctx, r.coll, "overlapping bookings", bson.D{
		{Key: "recipientId", Value: recipientID},
		{Key: "window.start", Value: bson.D{{Key: "$lt", Value: end}}},
		{Key: "window.end", Value: bson.D{{Key: "$gt", Value: start}}},
		{Key: "status", Value: string(reservation.Confirmed)},
	}, options.Find().SetSort(bson.D{{Key: "window.start", Value: 1}, {Key: "_id", Value: 1}}), bookingDoc.booking)
}

// AtProvider are a provider's bookings of any status whose window
// overlaps [start, end): a day's roster or a month's statement.
func (r *Bookings) AtProvider(ctx context.Context, providerID string, start, end time.Time) ([]*reservation.Booking, error) {
	return findAll(ctx, r.coll, "bookings at provider", bson.D{
		{Key: "providerId", Value: providerID},
		{Key: "window.end", Value: bson.D{{Key: "$gt", Value: start}}},
		{Key: "window.start", Value: bson.D{{Key: "$lt", Value: end}}},
	}, options.Find().SetSort(bson.D{{Key: "window.start", Value: 1}, {Key: "_id", Value: 1}}), bookingDoc.booking)
}
