package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

type orderedItemDoc struct {
	ID           string `bson:"id"`
	Name         string `bson:"name"`
	MarketFen    int64  `bson:"marketFen"`
	InclusiveFen int64  `bson:"inclusiveFen"`
}

type subsidyDrawDoc struct {
	Category    string `bson:"category"`
	AllowanceID string `bson:"allowanceId"`
	Account     string `bson:"account"`
	CapAccount  string `bson:"capAccount"`
	Fen         int64  `bson:"fen"`
}

type mealCancellationDoc struct {
	UserID   string    `bson:"userId"`
	ByFamily bool      `bson:"byFamily"`
	Reason   string    `bson:"reason,omitempty"`
	At       time.Time `bson:"at"`
}

// mealOrderDoc is a meal order, _id its booking's id.
type mealOrderDoc struct {
	ID                 string               `bson:"_id"`
	ProviderID         string               `bson:"providerId"`
	FamilyID           string               `bson:"familyId"`
	ElderID            string               `bson:"elderId"`
	OrderedBy          string               `bson:"orderedBy"`
	SlotID             string               `bson:"slotId"`
	Date               string               `bson:"date"`
	Window             string               `bson:"window"`
	Start              time.Time            `bson:"start"`
	End                time.Time            `bson:"end"`
	CutoffAt           time.Time            `bson:"cutoffAt"`
	TimeZone           string               `bson:"timeZone"`
	Mode               string               `bson:"mode"`
	PickupPointID      string               `bson:"pickupPointId,omitempty"`
	Address            *addressDoc          `bson:"address,omitempty"`
	Items              []orderedItemDoc     `bson:"items"`
	MarketFen          int64                `bson:"marketFen"`
	PriceFen           int64                `bson:"priceFen"`
	DeliveryFeeFen     int64                `bson:"deliveryFeeFen"`
	Subsidy            *subsidyDrawDoc      `bson:"subsidy,omitempty"`
	DueFen             int64                `bson:"dueFen"`
	ConflictsConfirmed bool                 `bson:"conflictsConfirmed"`
	Note               string               `bson:"note,omitempty"`
	Status             string               `bson:"status"`
	Cancellation       *mealCancellationDoc `bson:"cancellation,omitempty"`
	ServedBy           string               `bson:"servedBy,omitempty"`
	ServedAt           time.Time            `bson:"servedAt,omitempty"`
	SubscriptionID     string               `bson:"subscriptionId,omitempty"`
	DietTags           []string             `bson:"dietTags,omitempty"`
	Delivered          *deliveryCheckInDoc  `bson:"delivered,omitempty"`
	CreatedAt          time.Time            `bson:"createdAt"`
	Version            int64                `bson:"version"`
	Pending            []eventDoc           `bson:"pendingEvents,omitempty"`
	OutboxSince        *time.Time           `bson:"outboxSince,omitempty"`
}

func (d mealOrderDoc) pendingEvents() int { return len(d.Pending) }

// deliveryCheckInDoc is a meal's hand-over at the door or pick-up point.
type deliveryCheckInDoc struct {
	By             string    `bson:"by"`
	Lat            float64   `bson:"lat"`
	Lng            float64   `bson:"lng"`
	DistanceMetres int       `bson:"distanceMetres"`
	InsideGeofence bool      `bson:"insideGeofence"`
	DeviceTime     time.Time `bson:"deviceTime,omitempty"`
	ServerTime     time.Time `bson:"serverTime"`
	Time           time.Time `bson:"time"`
	ClockAdjusted  bool      `bson:"clockAdjusted,omitempty"`
	Reason         string    `bson:"reason,omitempty"`
}

func toMealOrderDoc(o *meal.Order, version int64) mealOrderDoc {
	d := mealOrderDoc{ID: o.ID, ProviderID: o.ProviderID, FamilyID: o.FamilyID, ElderID: o.ElderID, OrderedBy: o.OrderedBy,
		SlotID: o.SlotID, Date: dateString(o.Date), Window: string(o.Window), Start: o.Start, End: o.End, CutoffAt: o.CutoffAt,
		TimeZone: o.TimeZone, Mode: string(o.Mode), PickupPointID: o.PickupPointID,
		Items:     docList(o.Items, func(it meal.OrderedItem) orderedItemDoc { return orderedItemDoc(it) }),
		MarketFen: o.MarketFen, PriceFen: o.PriceFen, DeliveryFeeFen: o.DeliveryFeeFen, DueFen: o.DueFen,
		ConflictsConfirmed: o.ConflictsConfirmed, Note: o.Note, Status: string(o.Status), CreatedAt: o.CreatedAt,
		ServedBy: o.ServedBy, ServedAt: o.ServedAt, Version: version, SubscriptionID: o.SubscriptionID,
		DietTags: docList(o.DietTags, func(t elder.DietTag) string { return string(t) }),
		Pending:  toEventDocs(o.Pending()), OutboxSince: outboxSince(o.Pending())}
	if in := o.Delivered; in != nil {
		d.Delivered = &deliveryCheckInDoc{By: in.By, Lat: in.Point.Lat, Lng: in.Point.Lng, DistanceMetres: in.DistanceMetres,
			InsideGeofence: in.InsideGeofence, DeviceTime: in.DeviceTime, ServerTime: in.ServerTime, Time: in.Time,
			ClockAdjusted: in.ClockAdjusted, Reason: in.Reason}
	}
	if o.Address != nil {
		a := toAddressDoc(*o.Address)
		d.Address = &a
	}
	if s := o.Subsidy; s != nil {
		d.Subsidy = &subsidyDrawDoc{Category: string(s.Category), AllowanceID: s.AllowanceID, Account: s.Account,
			CapAccount: s.CapAccount, Fen: s.Fen}
	}
	if c := o.Cancellation; c != nil {
		d.Cancellation = &mealCancellationDoc{UserID: c.UserID, ByFamily: c.ByFamily, Reason: c.Reason, At: c.At}
	}
	return d
}

func (d mealOrderDoc) order() (*meal.Order, error) {
	var dates dateParser
	o := &meal.Order{ID: d.ID, ProviderID: d.ProviderID, FamilyID: d.FamilyID, ElderID: d.ElderID, OrderedBy: d.OrderedBy,
		SlotID: d.SlotID, Date: dates.parse(d.Date), Window: meal.WindowKind(d.Window), Start: d.Start.UTC(), End: d.End.UTC(),
		CutoffAt: d.CutoffAt.UTC(), TimeZone: d.TimeZone, Mode: meal.Mode(d.Mode), PickupPointID: d.PickupPointID,
		Items:     valueList(d.Items, func(it orderedItemDoc) meal.OrderedItem { return meal.OrderedItem(it) }),
		MarketFen: d.MarketFen, PriceFen: d.PriceFen, DeliveryFeeFen: d.DeliveryFeeFen, DueFen: d.DueFen,
		ConflictsConfirmed: d.ConflictsConfirmed, Note: d.Note, Status: meal.Status(d.Status), CreatedAt: d.CreatedAt.UTC(),
		ServedBy: d.ServedBy, ServedAt: d.ServedAt.UTC(), SubscriptionID: d.SubscriptionID,
		DietTags: valueList(d.DietTags, func(t string) elder.DietTag { return elder.DietTag(t) }),
		Outbox:   event.RestoreOutbox(fromEventDocs(d.Pending))}
	if in := d.Delivered; in != nil {
		o.Delivered = &meal.DeliveryCheckIn{By: in.By, Point: geo.Point{Lat: in.Lat, Lng: in.Lng},
			DistanceMetres: in.DistanceMetres, InsideGeofence: in.InsideGeofence, DeviceTime: in.DeviceTime.UTC(),
			ServerTime: in.ServerTime.UTC(), Time: in.Time.UTC(), ClockAdjusted: in.ClockAdjusted, Reason: in.Reason}
		if in.DeviceTime.IsZero() {
			o.Delivered.DeviceTime = time.Time{}
		}
	}
	if d.Address != nil {
		a := d.Address.address()
		o.Address = &a
	}
	if s := d.Subsidy; s != nil {
		o.Subsidy = &meal.SubsidyDraw{Category: meal.Category(s.Category), AllowanceID: s.AllowanceID, Account: s.Account,
			CapAccount: s.CapAccount, Fen: s.Fen}
	}
	if c := d.Cancellation; c != nil {
		o.Cancellation = &meal.Cancellation{UserID: c.UserID, ByFamily: c.ByFamily, Reason: c.Reason, At: c.At.UTC()}
	}
	return o, dates.err
}

// MealOrders implements the meal order store.
type MealOrders struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) MealOrders() *MealOrders {
	return &MealOrders{coll: s.collection(mealOrdersColl), guard: s.guard, bell: s.bell}
}

// Create stores an order; false when one with its id exists.
func (r *MealOrders) Create(ctx context.Context, o *meal.Order) (bool, error) {
	_, err := r.coll.InsertOne(ctx, toMealOrderDoc(o, 1))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: insert meal order: %w", err)
	}
	if len(o.Pending()) > 0 {
		r.bell.ring(mealOrdersColl, o.ID)
	}
	return true, nil
}

func (r *MealOrders) find(ctx context.Context, id string) (mealOrderDoc, error) {
	return findByID[mealOrderDoc](ctx, r.coll, id, "meal order", meal.ErrOrderNotFound)
}

// Get returns meal.ErrOrderNotFound for an unknown id.
func (r *MealOrders) Get(ctx context.Context, id string) (*meal.Order, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.order()
}

func (r *MealOrders) Update(ctx context.Context, id string, fn func(*meal.Order) error) (*meal.Order, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "meal order", id, r.find,
		func(d mealOrderDoc) (*meal.Order, int64, error) {
			o, err := d.order()
			if err != nil {
				return nil, 0, err
			}
			if err := fn(o); err != nil {
				return nil, 0, err
			}
			return o, d.Version, nil
		},
		func(o *meal.Order, version int64) mealOrderDoc { return toMealOrderDoc(o, version) })
}

// OfSlot is every order of a window's day, any status, for the
// invariant checks and the canteen's lists.
func (r *MealOrders) OfSlot(ctx context.Context, slotID string) ([]*meal.Order, error) {
	docs, err := findAll(ctx, r.coll, "meal orders", bson.D{{Key: "slotId", Value: slotID}}, nil,
		func(d mealOrderDoc) mealOrderDoc { return d })
	if err != nil {
		return nil, err
	}
	return mealOrdersOf(docs)
}

// OfDay pages a canteen's orders of one day, any status, by id.
func (r *MealOrders) OfDay(ctx context.Context, providerID string, day calendar.Date, p page.Request) ([]*meal.Order, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "providerId", Value: providerID}, {Key: "date", Value: dateString(day)}}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: p.After}}})
	}
	docs, err := findAll(ctx, r.coll, "meal orders", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit+1)), func(d mealOrderDoc) mealOrderDoc { return d })
	if err != nil {
		return nil, false, err
	}
	out := make([]*meal.Order, 0, len(docs))
	for _, d := range docs {
		o, err := d.order()
		if err != nil {
			return nil, false, err
		}
		out = append(out, o)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Upcoming is an elder's meal orders dated from the given day on, any
// status, oldest first: what removing the elder must withdraw. An elder
// is ordered for within the generator's horizon, a few a day.
func (r *MealOrders) Upcoming(ctx context.Context, elderID string, from calendar.Date) ([]*meal.Order, error) {
	docs, err := findAll(ctx, r.coll, "upcoming meal orders of an elder",
		bson.D{{Key: "elderId", Value: elderID}, {Key: "date", Value: bson.D{{Key: "$gte", Value: dateString(from)}}}},
		options.Find().SetSort(bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}), func(d mealOrderDoc) mealOrderDoc { return d })
	if err != nil {
		return nil, err
	}
	return mealOrdersOf(docs)
}

// ForFamily pages through a family's meal orders in id order, any
// status, for the family's data export.
func (r *MealOrders) ForFamily(ctx context.Context, familyID string, p page.Request) ([]*meal.Order, bool, error) {
	docs, more, err := findPage[mealOrderDoc](ctx, r.coll, familyID, p, 1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: meal orders of a family: %w", err)
	}
	out, err := mealOrdersOf(docs)
	return out, more, err
}

func mealOrdersOf(docs []mealOrderDoc) ([]*meal.Order, error) {
	out := make([]*meal.Order, 0, len(docs))
	for _, d := range docs {
		o, err := d.order()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
