package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/service"
)

const ordersColl = "orders"

// orderDoc is an order: one document with its offers, visit and outbox,
// so acceptance, check-in and their events are single-document writes.
// The visit's parts are the domain's plain value types.
type orderDoc struct {
	ID           string                `bson:"_id"`
	OrderedBy    string                `bson:"orderedBy"`
	ElderID      string                `bson:"elderId"`
	FamilyID     string                `bson:"familyId"`
	ProviderID   string                `bson:"providerId"`
	ItemID       string                `bson:"itemId"`
	PriceVersion int                   `bson:"priceVersion"`
	ServiceType  string                `bson:"serviceType"`
	Pricing      order.Pricing         `bson:"pricing"`
	Window       order.Window          `bson:"window"`
	Address      addressDoc            `bson:"address"`
	Notes        string                `bson:"notes,omitempty"`
	Status       string                `bson:"status"`
	Entered      sortedMap[time.Time]  `bson:"entered"`
	CaregiverID  string                `bson:"caregiverId,omitempty"`
	OfferedTo    []string              `bson:"offeredTo"` // for the caregiver's list of offers
	Offers       []order.Offer         `bson:"offers"`
	Redispatches []order.Redispatch    `bson:"redispatches,omitempty"`
	CheckIn      *order.CheckIn        `bson:"checkIn,omitempty"`
	Record       *order.ServiceRecord  `bson:"record,omitempty"`
	CheckOut     *order.CheckOut       `bson:"checkOut,omitempty"`
	Cancellation *order.Cancellation   `bson:"cancellation,omitempty"`
	Position     *order.Position       `bson:"position,omitempty"`
	Departure    *order.Departure      `bson:"departure,omitempty"`
	Rating       *ratingDoc            `bson:"rating,omitempty"`
	ByElder      *elderConfirmationDoc `bson:"elderConfirmation,omitempty"`
	CreatedAt    time.Time             `bson:"createdAt"`
	Version      int64                 `bson:"version"`
	Pending      []eventDoc            `bson:"pendingEvents,omitempty"`
	OutboxSince  *time.Time            `bson:"outboxSince,omitempty"`
}

func toOrderDoc(o *order.Order, version int64) orderDoc {
	s := o.Snapshot()
	entered := make(map[string]time.Time, len(s.Entered))
	for st, at := range s.Entered {
		entered[string(st)] = at
	}
	offeredTo := make([]string, 0, len(s.Offers))
	for _, of := range s.Offers {
		offeredTo = append(offeredTo, of.CaregiverID)
	}
	return orderDoc{ID: s.ID, OrderedBy: s.OrderedBy, ElderID: s.ElderID, FamilyID: s.FamilyID,
		ProviderID: s.ProviderID, ItemID: s.ItemID, PriceVersion: s.PriceVersion, ServiceType: string(s.ServiceType),
		Pricing: s.Pricing, Window: s.Window, Address: toAddressDoc(s.Address), Notes: s.Notes,
		Status: string(s.Status), Entered: entered, CaregiverID: s.CaregiverID, OfferedTo: offeredTo,
		Offers: s.Offers, Redispatches: s.Redispatches, CheckIn: s.CheckIn, Record: s.Record, CheckOut: s.CheckOut,
		Cancellation: s.Cancellation, Position: s.Position, Departure: s.Departure, Rating: toRatingDoc(s.Rating),
		ByElder: toElderConfirmationDoc(s.ElderConfirmation), CreatedAt: s.CreatedAt, Version: version, Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
}

// elderConfirmationDoc is the elder's own confirmation of the visit
// with its code, and the wrong codes entered before it.
type elderConfirmationDoc struct {
	FailedAttempts int       `bson:"failedAttempts"`
	ConfirmedBy    string    `bson:"confirmedBy,omitempty"`
	ConfirmedAt    time.Time `bson:"confirmedAt,omitempty"`
}

func toElderConfirmationDoc(c *order.ElderConfirmation) *elderConfirmationDoc {
	if c == nil {
		return nil
	}
	return &elderConfirmationDoc{FailedAttempts: c.FailedAttempts, ConfirmedBy: c.ConfirmedBy, ConfirmedAt: c.ConfirmedAt}
}

func (d *elderConfirmationDoc) confirmation() *order.ElderConfirmation {
	if d == nil {
		return nil
	}
	c := &order.ElderConfirmation{FailedAttempts: d.FailedAttempts, ConfirmedBy: d.ConfirmedBy}
	if !d.ConfirmedAt.IsZero() {
		c.ConfirmedAt = d.ConfirmedAt.UTC()
	}
	return c
}

// ratingDoc is the family's rating of the visit; its at is what the
// reconciler's index finds rated orders by.
type ratingDoc struct {
	Stars int       `bson:"stars"`
	Tags  []string  `bson:"tags,omitempty"`
	Text  string    `bson:"text,omitempty"`
	By    string    `bson:"by"`
	At    time.Time `bson:"at"`
}

func toRatingDoc(r *order.Rating) *ratingDoc {
	if r == nil {
		return nil
	}
	tags := make([]string, len(r.Tags))
	for i, t := range r.Tags {
		tags[i] = string(t)
	}
	return &ratingDoc{Stars: r.Stars, Tags: tags, Text: r.Text, By: r.By, At: r.At}
}

func (d *ratingDoc) rating() *order.Rating {
	if d == nil {
		return nil
	}
	return &order.Rating{Stars: d.Stars, Tags: typedList[order.Tag](d.Tags), Text: d.Text, By: d.By, At: d.At.UTC()}
}

func (d orderDoc) order() *order.Order {
	entered := make(map[order.Status]time.Time, len(d.Entered))
	for st, at := range d.Entered {
		entered[order.Status(st)] = at.UTC()
	}
	d.Window.Start, d.Window.End = d.Window.Start.UTC(), d.Window.End.UTC()
	return order.Unmarshal(order.Snapshot{ID: d.ID, OrderedBy: d.OrderedBy, ElderID: d.ElderID, FamilyID: d.FamilyID,
		ProviderID: d.ProviderID, ItemID: d.ItemID, PriceVersion: d.PriceVersion,
		ServiceType: service.Type(d.ServiceType), Pricing: d.Pricing, Window: d.Window, Address: d.Address.address(),
		Notes: d.Notes, Status: order.Status(d.Status), Entered: entered, CaregiverID: d.CaregiverID,
		Offers: d.Offers, Redispatches: d.Redispatches, CheckIn: d.CheckIn, Record: d.Record, CheckOut: d.CheckOut,
		Cancellation: d.Cancellation, Position: d.Position, Departure: d.Departure, Rating: d.Rating.rating(),
		ElderConfirmation: d.ByElder.confirmation(), CreatedAt: d.CreatedAt.UTC(), Pending: fromEventDocs(d.Pending)})
}

// Orders implements the order store.
type Orders struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Orders() *Orders {
	return &Orders{coll: s.collection(ordersColl), guard: s.guard, bell: s.bell}
}

func (r *Orders) Create(ctx context.Context, o *order.Order) error {
	if _, err := r.coll.InsertOne(ctx, toOrderDoc(o, 1)); err != nil {
		return fmt.Errorf("mongo: insert order: %w", err)
	}
	r.bell.ring(ordersColl, o.ID())
	return nil
}

func (r *Orders) find(ctx context.Context, id string) (orderDoc, error) {
	return findByID[orderDoc](ctx, r.coll, id, "order", order.ErrNotFound)
}

// Get returns order.ErrNotFound for an unknown id, and the version, which
// is the order's ETag.
func (r *Orders) Get(ctx context.Context, id string) (*order.Order, int64, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return d.order(), d.Version, nil
}

// Update is the one way an order changes: load, let the domain act, and
// write only if nobody wrote since. Of many caregivers accepting at once,
// one write matches the version read; the others reload, find the order
// accepted, and the domain refuses them.
func (r *Orders) Update(ctx context.Context, id string, fn func(*order.Order) error) (*order.Order, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "order", id, r.find,
		func(d orderDoc) (*order.Order, int64, error) {
			o := d.order()
			if err := fn(o); err != nil {
				return nil, 0, err
			}
			return o, d.Version, nil
		}, toOrderDoc)
}

func (d orderDoc) pendingEvents() int { return len(d.Pending) }

// ListFilter narrows a list of orders.
type ListFilter struct {
	FamilyID, ProviderID, CaregiverID, OfferedTo, ElderID string
	Statuses                                              []order.Status
}

// List pages through orders newest first (ids are UUIDv7).
func (r *Orders) List(ctx context.Context, f orders.Filter, p page.Request) ([]*order.Order, bool, error) {
	filter := bson.D{}
	for key, v := range map[string]string{"familyId": f.FamilyID, "providerId": f.ProviderID,
		"caregiverId": f.CaregiverID, "offeredTo": f.OfferedTo, "elderId": f.ElderID} {
		if v != "" {
			filter = append(filter, bson.E{Key: key, Value: v})
		}
	}
	if len(f.Statuses) > 0 {
		in := bson.A{}
		for _, s := range f.Statuses {
			in = append(in, string(s))
		}
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: in}}})
	}
	window := bson.D{}
	if !f.From.IsZero() {
		window = append(window, bson.E{Key: "$gte", Value: f.From})
	}
	if !f.To.IsZero() {
		window = append(window, bson.E{Key: "$lt", Value: f.To})
	}
	if len(window) > 0 {
		filter = append(filter, bson.E{Key: "window.start", Value: window})
	}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "orders", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(p.Limit+1)), orderDoc.order)
	if err != nil {
		return nil, false, err
	}
	if len(out) > p.Limit {
		return out[:p.Limit], true, nil
	}
	return out, false, nil
}

// Ratings pages through rated orders by id, of one provider or of all
// (providerID ""), reading only what a recount needs.
func (r *Orders) Ratings(ctx context.Context, providerID, after string, limit int) ([]orders.RatingFact, error) {
	filter := bson.D{{Key: "rating.at", Value: bson.D{{Key: "$exists", Value: true}}}}
	if providerID != "" {
		filter = append(filter, bson.E{Key: "providerId", Value: providerID})
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	type ratedDoc struct {
		ID          string    `bson:"_id"`
		ProviderID  string    `bson:"providerId"`
		CaregiverID string    `bson:"caregiverId"`
		Rating      ratingDoc `bson:"rating"`
	}
	return findAll(ctx, r.coll, "rated orders", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).
			SetProjection(bson.D{{Key: "providerId", Value: 1}, {Key: "caregiverId", Value: 1}, {Key: "rating", Value: 1}}),
		func(d ratedDoc) orders.RatingFact {
			return orders.RatingFact{OrderID: d.ID, ProviderID: d.ProviderID, CaregiverID: d.CaregiverID,
				Stars: d.Rating.Stars, At: d.Rating.At.UTC()}
		})
}
