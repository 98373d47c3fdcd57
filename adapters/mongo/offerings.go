package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
)

const offeringsColl = "offerings"

// offeringDoc is a childcare offering, _id its id (UUIDv7).
type offeringDoc struct {
	ID              string       `bson:"_id"`
	ProviderID      string       `bson:"providerId"`
	Names           itemNamesDoc `bson:"names"`
	CareType        string       `bson:"careType"`
	Ages            agesDoc      `bson:"ages"`
	Capacity        capacityDoc  `bson:"capacity"`
	Price           priceDoc     `bson:"price"`
	Schedule        scheduleDoc  `bson:"schedule"`
	HoldTTLMs       int64        `bson:"holdTtlMs"`
	MaxHoldsPerUser int          `bson:"maxHoldsPerUser"`
	Active          bool         `bson:"active"`
	CreatedBy       string       `bson:"createdBy"`
	CreatedAt       time.Time    `bson:"createdAt"`
}

type agesDoc struct {
	MinMonths int `bson:"minMonths"`
	MaxMonths int `bson:"maxMonths"`
}

type scheduleDoc struct {
	Weekdays []int           `bson:"weekdays"`
	Sessions []daySessionDoc `bson:"sessions"`
}

// daySessionDoc is a time range of a day, "HH:MM" in the provider's zone.
type daySessionDoc struct {
	Start string `bson:"start"`
	End   string `bson:"end"`
}

func toOfferingDoc(o childcare.Offering) offeringDoc {
	return offeringDoc{ID: o.ID, ProviderID: o.ProviderID, Names: itemNamesDoc{ZhCN: o.Names.ZhCN, En: o.Names.En},
		CareType: string(o.CareType), Ages: agesDoc{MinMonths: o.Ages.MinMonths, MaxMonths: o.Ages.MaxMonths},
		Capacity: toCapacityDoc(o.Capacity), Price: toPriceDoc(o.Price),
		Schedule: scheduleDoc{Weekdays: docList(o.Schedule.Weekdays, func(w int) int { return w }),
			Sessions: docList(o.Schedule.Sessions, func(s childcare.Session) daySessionDoc {
				return daySessionDoc{Start: s.Start, End: s.End}
			})},
		HoldTTLMs: o.HoldTTL.Milliseconds(), MaxHoldsPerUser: o.MaxHoldsPerUser, Active: o.Active,
		CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt}
}

func (d offeringDoc) offering() childcare.Offering {
	return childcare.Offering{ID: d.ID, ProviderID: d.ProviderID,
		Names: catalog.Names{ZhCN: d.Names.ZhCN, En: d.Names.En}, CareType: childcare.CareType(d.CareType),
		Ages:     childcare.AgeRange{MinMonths: d.Ages.MinMonths, MaxMonths: d.Ages.MaxMonths},
		Capacity: d.Capacity.capacity(), Price: d.Price.price(),
		Schedule: childcare.Schedule{Weekdays: valueList(d.Schedule.Weekdays, func(w int) int { return w }),
			Sessions: valueList(d.Schedule.Sessions, func(s daySessionDoc) childcare.Session {
				return childcare.Session{Start: s.Start, End: s.End}
			})},
		HoldTTL: time.Duration(d.HoldTTLMs) * time.Millisecond, MaxHoldsPerUser: d.MaxHoldsPerUser,
		Active: d.Active, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
}

// Offerings implements the offering store.
type Offerings struct {
	coll *collection
}

func (s *Store) Offerings() *Offerings { return &Offerings{coll: s.collection(offeringsColl)} }

func (r *Offerings) Create(ctx context.Context, o childcare.Offering) error {
	if _, err := r.coll.InsertOne(ctx, toOfferingDoc(o)); err != nil {
		return fmt.Errorf("mongo: insert offering: %w", err)
	}
	return nil
}

// Get returns childcare.ErrNotFound for an unknown id.
func (r *Offerings) Get(ctx context.Context, id string) (childcare.Offering, error) {
	d, err := findByID[offeringDoc](ctx, r.coll, id, "offering", childcare.ErrNotFound)
	if err != nil {
		return childcare.Offering{}, err
	}
	return d.offering(), nil
}

// ListByProvider pages through a provider's offerings oldest first (ids
// are UUIDv7).
func (r *Offerings) ListByProvider(ctx context.Context, providerID string, p page.Request) ([]childcare.Offering, bool, error) {
	limit := clampLimit(p.Limit)
	filter := bson.D{{Key: "providerId", Value: providerID}}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "offerings", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit+1)), offeringDoc.offering)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}
