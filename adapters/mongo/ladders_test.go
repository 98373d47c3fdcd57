package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/test/testenv"
)

// An elder's ladder is removed with the elder (incidents.ElderRemoved):
// after Delete the elder has none, and deleting again is no error (a
// removal retried after a failure part-way).
func TestALaddersDeleteLeavesTheElderWithNone(t *testing.T) {
	ladders := testenv.Mongo(t).Ladders()
	ctx := context.Background()
	elderID := fmt.Sprint("elder-", time.Now().UnixNano())
	l, err := incident.NewLadder(3*time.Minute, 4*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := ladders.Put(ctx, elderID, incidents.LadderSetting{Ladder: l, SetBy: "owner", SetAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ladders.Get(ctx, elderID); err != nil || !ok {
		t.Fatalf("the ladder set: ok %v, err %v", ok, err)
	}
	for range 2 {
		if err := ladders.Delete(ctx, elderID); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := ladders.Get(ctx, elderID); err != nil || ok {
			t.Fatalf("after Delete: ok %v, err %v, want none", ok, err)
		}
	}
}
