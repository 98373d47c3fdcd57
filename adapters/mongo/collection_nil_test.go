package mongo_test

import (
	"context"
	"testing"

	"github.com/kincare/kincare/test/testenv"
)

// A read a repository makes without options (findAll with a nil
// builder) answers as the driver would, on the embedded store's SQL path
// too: it was a nil dereference there.
func TestAReadWithoutOptions(t *testing.T) {
	store := testenv.Mongo(t)
	reports, err := store.Reports().ByFamily(context.Background(), "no-such-family")
	if err != nil || len(reports) != 0 {
		t.Fatalf("ByFamily of nobody: %v, %v", reports, err)
	}
}
