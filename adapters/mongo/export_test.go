package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/device"
)

// ForgetRegions makes a provider look as one saved before providers
// carried their regions.
func (r *Providers) ForgetRegions(ctx context.Context, id string) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "regions", Value: ""}}}})
	return err
}

// IndexNames lists the indexes the server (MongoDB or FerretDB) holds
// for a collection.
func (s *Store) IndexNames(ctx context.Context, coll string) ([]string, error) {
	specs, err := s.db.Collection(coll).Indexes().ListSpecifications(ctx)
	names := make([]string, len(specs))
	for i, sp := range specs {
		names[i] = sp.Name
	}
	return names, err
}

// CreatePlainIndex makes a non-unique index as EnsureIndexes made them
// on the embedded store before it stopped.
func (s *Store) CreatePlainIndex(ctx context.Context, coll, name string, keys bson.D) error {
	_, err := s.db.Collection(coll).Indexes().CreateOne(ctx, mongodriver.IndexModel{Keys: keys,
		Options: options.Index().SetName(name)})
	return err
}

// Embedded reports a store on the embedded FerretDB.
func (s *Store) Embedded() bool { return s.emb != nil }

// CheckpointOnce is one pass of Checkpoints on the embedded store,
// reporting whether it left the log copied whole.
func (s *Store) CheckpointOnce(ctx context.Context) (whole bool, err error) {
	return s.checkpoint(ctx, s.emb.db())
}

// StoredByUser lists a user's devices from the store, past the embedded
// store's cache.
func (r *Devices) StoredByUser(ctx context.Context, userID string) ([]device.Device, error) {
	return r.listByUser(ctx, userID)
}
