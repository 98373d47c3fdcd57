package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ForgetRegions makes a provider look as one saved before providers
// carried their regions.
func (r *Providers) ForgetRegions(ctx context.Context, id string) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "regions", Value: ""}}}})
	return err
}
