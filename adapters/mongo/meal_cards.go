package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/meal"
)

const mealCardsColl = "meal_cards"

// mealCardDoc is an elder's meal card, _id the elder's id: one card in
// force per elder.
type mealCardDoc struct {
	ElderID   string    `bson:"_id"`
	FamilyID  string    `bson:"familyId"`
	Serial    int       `bson:"serial"`
	PINDigest string    `bson:"pinDigest"`
	IssuedBy  string    `bson:"issuedBy"`
	IssuedAt  time.Time `bson:"issuedAt"`
	Version   int64     `bson:"version"`
}

func (d mealCardDoc) card() meal.Card {
	return meal.Card{ElderID: d.ElderID, FamilyID: d.FamilyID, Serial: d.Serial, PINDigest: d.PINDigest, IssuedBy: d.IssuedBy,
		IssuedAt: d.IssuedAt.UTC()}
}

// MealCards implements the meal card store.
type MealCards struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) MealCards() *MealCards {
	return &MealCards{coll: s.collection(mealCardsColl), guard: s.guard}
}

func (r *MealCards) find(ctx context.Context, id string) (mealCardDoc, error) {
	return findByID[mealCardDoc](ctx, r.coll, id, "meal card", meal.ErrCardNotFound)
}

// Get returns meal.ErrCardNotFound for an elder without a card.
func (r *MealCards) Get(ctx context.Context, elderID string) (meal.Card, error) {
	d, err := r.find(ctx, elderID)
	if err != nil {
		return meal.Card{}, err
	}
	return d.card(), nil
}

// cardSlot is the elder's card while Issue changes it: nil before the
// first.
type cardSlot struct{ card *meal.Card }

// Issue replaces the elder's card by the one next makes of the current
// (nil for the first), only if nobody issued one since: two issued at
// once get consecutive serials, and the later is in force.
func (r *MealCards) Issue(ctx context.Context, elderID string, next func(prev *meal.Card) (meal.Card, error)) (meal.Card, error) {
	s, err := upsertVersioned(ctx, r.coll, r.guard, nil, "meal card", elderID, meal.ErrCardNotFound, r.find,
		func(d mealCardDoc) (*cardSlot, int64, error) {
			c := d.card()
			return &cardSlot{card: &c}, d.Version, nil
		},
		func() *cardSlot { return &cardSlot{} },
		func(s *cardSlot) error {
			c, err := next(s.card)
			if err != nil {
				return err
			}
			s.card = &c
			return nil
		},
		func(s *cardSlot, v int64) mealCardDoc {
			c := s.card
			return mealCardDoc{ElderID: c.ElderID, FamilyID: c.FamilyID, Serial: c.Serial, PINDigest: c.PINDigest,
				IssuedBy: c.IssuedBy, IssuedAt: c.IssuedAt, Version: v}
		})
	if err != nil {
		return meal.Card{}, fmt.Errorf("mongo: issue meal card: %w", err)
	}
	return *s.card, nil
}

// OfElder is an elder's meal orders of the given days, any status: the
// counter finds the meal a card redeems.
func (r *MealOrders) OfElder(ctx context.Context, elderID string, days []string) ([]*meal.Order, error) {
	docs, err := findAll(ctx, r.coll, "meal orders of an elder",
		bson.D{{Key: "elderId", Value: elderID}, {Key: "date", Value: bson.D{{Key: "$in", Value: days}}}},
		options.Find().SetLimit(50), func(d mealOrderDoc) mealOrderDoc { return d })
	if err != nil {
		return nil, err
	}
	return mealOrdersOf(docs)
}

// Revoke withdraws the elder's card in force, when the elder is removed:
// its signed code then names no card, and a scan answers as for a
// replaced one. Revoking a card already gone does nothing.
func (r *MealCards) Revoke(ctx context.Context, elderID string) error {
	if _, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: elderID}}); err != nil {
		return fmt.Errorf("mongo: revoke meal card: %w", err)
	}
	return nil
}
