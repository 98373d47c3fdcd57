package mongo_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kincare/kincare/test/testenv"
)

// On the embedded store FerretDB keeps only the unique indexes (the
// constraints): it reads none of the others, and SQLite would update
// each at every write. A store made before keeps them until the next
// start, which drops them; MongoDB keeps every declared index.
func TestEmbeddedFerretDBKeepsOnlyUniqueIndexes(t *testing.T) {
	store := testenv.Mongo(t)
	if !store.Embedded() {
		t.Skip("MongoDB keeps every declared index")
	}
	ctx := context.Background()
	if err := store.CreatePlainIndex(ctx, "orders", "family_id", bson.D{{Key: "familyId", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	orders, err := store.IndexNames(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(orders, []string{"_id_"}) {
		t.Errorf("orders' indexes in FerretDB: %v, want only _id_", orders)
	}
	inbox, err := store.IndexNames(ctx, "notifications")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(inbox, "event_user_unique") || slices.Contains(inbox, "user_id") {
		t.Errorf("notifications' indexes in FerretDB: %v, want the unique event_user_unique and not user_id", inbox)
	}
}
