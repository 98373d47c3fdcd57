package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/domain/incident"
)

const laddersColl = "elder_ladders"

// ladderDoc is the ladder an elder's family set, one per elder (by the
// elder's id), replaced whole: the last owner to set it wins.
type ladderDoc struct {
	ElderID           string    `bson:"_id"`
	FamilyWaitSeconds int64     `bson:"familyWaitSeconds"`
	NearbyWaitSeconds int64     `bson:"nearbyWaitSeconds"`
	SetBy             string    `bson:"setBy"`
	SetAt             time.Time `bson:"setAt"`
}

// Ladders implements incidents.Ladders.
type Ladders struct{ coll *collection }

func (s *Store) Ladders() *Ladders { return &Ladders{coll: s.collection(laddersColl)} }

func (r *Ladders) Get(ctx context.Context, elderID string) (incidents.LadderSetting, bool, error) {
	var d ladderDoc
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: elderID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return incidents.LadderSetting{}, false, nil
	}
	if err != nil {
		return incidents.LadderSetting{}, false, fmt.Errorf("mongo: find elder's ladder: %w", err)
	}
	return incidents.LadderSetting{Ladder: incident.Ladder{FamilyWait: time.Duration(d.FamilyWaitSeconds) * time.Second,
		NearbyWait: time.Duration(d.NearbyWaitSeconds) * time.Second}, SetBy: d.SetBy, SetAt: d.SetAt.UTC()}, true, nil
}

func (r *Ladders) Put(ctx context.Context, elderID string, l incidents.LadderSetting) error {
	d := ladderDoc{ElderID: elderID, FamilyWaitSeconds: int64(l.Ladder.FamilyWait / time.Second),
		NearbyWaitSeconds: int64(l.Ladder.NearbyWait / time.Second), SetBy: l.SetBy, SetAt: l.SetAt}
	if _, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: elderID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("mongo: put elder's ladder: %w", err)
	}
	return nil
}

func (r *Ladders) Delete(ctx context.Context, elderID string) error {
	if _, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: elderID}}); err != nil {
		return fmt.Errorf("mongo: delete elder's ladder: %w", err)
	}
	return nil
}
