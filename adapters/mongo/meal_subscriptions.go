package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/meal"
)

const mealSubscriptionsColl = "meal_subscriptions"

// mealSubscriptionDoc is a meal subscription with its outbox.
type mealSubscriptionDoc struct {
	ID            string                `bson:"_id"`
	FamilyID      string                `bson:"familyId"`
	ElderID       string                `bson:"elderId"`
	CreatedBy     string                `bson:"createdBy"`
	ProviderID    string                `bson:"providerId"`
	Window        string                `bson:"window"`
	Schedule      recurrenceScheduleDoc `bson:"schedule"`
	Mode          string                `bson:"mode"`
	PickupPointID string                `bson:"pickupPointId,omitempty"`
	Address       *addressDoc           `bson:"address,omitempty"`
	Note          string                `bson:"note,omitempty"`
	Status        string                `bson:"status"`
	CreatedAt     time.Time             `bson:"createdAt"`
	UpdatedAt     time.Time             `bson:"updatedAt"`
	Version       int64                 `bson:"version"`
	Pending       []eventDoc            `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time            `bson:"outboxSince,omitempty"`
}

func (d mealSubscriptionDoc) pendingEvents() int { return len(d.Pending) }

func toMealSubscriptionDoc(s *meal.Subscription, version int64) mealSubscriptionDoc {
	sn := s.Snapshot()
	d := mealSubscriptionDoc{ID: sn.ID, FamilyID: sn.FamilyID, ElderID: sn.ElderID, CreatedBy: sn.CreatedBy,
		ProviderID: sn.ProviderID, Window: string(sn.Window), Schedule: toScheduleDoc(sn.Schedule), Mode: string(sn.Mode),
		PickupPointID: sn.PickupPointID, Note: sn.Note, Status: string(sn.Status), CreatedAt: sn.CreatedAt,
		UpdatedAt: sn.UpdatedAt, Version: version, Pending: toEventDocs(sn.Pending), OutboxSince: outboxSince(sn.Pending)}
	if sn.Address != nil {
		a := toAddressDoc(*sn.Address)
		d.Address = &a
	}
	return d
}

func (d mealSubscriptionDoc) subscription() (*meal.Subscription, error) {
	sched, err := d.Schedule.schedule()
	if err != nil {
		return nil, fmt.Errorf("mongo: meal subscription %s: stored schedule: %w", d.ID, err)
	}
	sn := meal.SubscriptionSnapshot{SubscriptionDraft: meal.SubscriptionDraft{ID: d.ID, FamilyID: d.FamilyID,
		ElderID: d.ElderID, CreatedBy: d.CreatedBy, ProviderID: d.ProviderID, Window: meal.WindowKind(d.Window),
		Schedule: sched, Mode: meal.Mode(d.Mode), PickupPointID: d.PickupPointID, Note: d.Note},
		Status: meal.SubscriptionStatus(d.Status), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		Pending: fromEventDocs(d.Pending)}
	if d.Address != nil {
		a := d.Address.address()
		sn.Address = &a
	}
	return meal.UnmarshalSubscription(sn), nil
}

// MealSubscriptions implements the meal subscription store.
type MealSubscriptions struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) MealSubscriptions() *MealSubscriptions {
	return &MealSubscriptions{coll: s.collection(mealSubscriptionsColl), guard: s.guard, bell: s.bell}
}

func (r *MealSubscriptions) Create(ctx context.Context, s *meal.Subscription) error {
	if _, err := r.coll.InsertOne(ctx, toMealSubscriptionDoc(s, 1)); err != nil {
		return fmt.Errorf("mongo: insert meal subscription: %w", err)
	}
	return nil
}

func (r *MealSubscriptions) find(ctx context.Context, id string) (mealSubscriptionDoc, error) {
	return findByID[mealSubscriptionDoc](ctx, r.coll, id, "meal subscription", meal.ErrSubscriptionNotFound)
}

// Get returns meal.ErrSubscriptionNotFound for an unknown id.
func (r *MealSubscriptions) Get(ctx context.Context, id string) (*meal.Subscription, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.subscription()
}

func (r *MealSubscriptions) Update(ctx context.Context, id string, fn func(*meal.Subscription) error) (*meal.Subscription, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "meal subscription", id, r.find,
		func(d mealSubscriptionDoc) (*meal.Subscription, int64, error) {
			s, err := d.subscription()
			if err != nil {
				return nil, 0, err
			}
			if err := fn(s); err != nil {
				return nil, 0, err
			}
			return s, d.Version, nil
		}, toMealSubscriptionDoc)
}

// Active pages through the active subscriptions by id, for the generator.
func (r *MealSubscriptions) Active(ctx context.Context, after string, limit int) ([]*meal.Subscription, error) {
	filter := bson.D{{Key: "status", Value: string(meal.SubscriptionActive)}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	docs, err := findAll(ctx, r.coll, "active meal subscriptions", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)),
		func(d mealSubscriptionDoc) mealSubscriptionDoc { return d })
	if err != nil {
		return nil, err
	}
	out := make([]*meal.Subscription, 0, len(docs))
	for _, d := range docs {
		s, err := d.subscription()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// OfElder is every subscription of an elder, any status: an elder has a
// handful (one per canteen window at most in practice).
func (r *MealSubscriptions) OfElder(ctx context.Context, elderID string) ([]*meal.Subscription, error) {
	docs, err := findAll(ctx, r.coll, "meal subscriptions of an elder", bson.D{{Key: "elderId", Value: elderID}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), func(d mealSubscriptionDoc) mealSubscriptionDoc { return d })
	if err != nil {
		return nil, err
	}
	return subscriptionsOf(docs)
}

// ForFamily pages through a family's subscriptions in id order, any
// status, for the family's data export.
func (r *MealSubscriptions) ForFamily(ctx context.Context, familyID string, p page.Request) ([]*meal.Subscription, bool, error) {
	docs, more, err := findPage[mealSubscriptionDoc](ctx, r.coll, familyID, p, 1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: meal subscriptions of a family: %w", err)
	}
	out, err := subscriptionsOf(docs)
	return out, more, err
}

func subscriptionsOf(docs []mealSubscriptionDoc) ([]*meal.Subscription, error) {
	out := make([]*meal.Subscription, 0, len(docs))
	for _, d := range docs {
		s, err := d.subscription()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
