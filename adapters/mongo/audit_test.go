package mongo_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/test/testenv"
)

func TestAudit(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	log := store.Audit()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 111_111_111, time.UTC)

	// 25 entries of one family by two actors, interleaved with another
	// family's, recorded oldest first; UUIDv7 ids follow that order.
	var recorded []audit.Entry
	var byActor = map[string][]string{}
	for i := range 25 {
		actor := []string{"u-a", "u-b"}[i%2]
		e := audit.Entry{ID: uuid.Must(uuid.NewV7()).String(), FamilyID: "f-1", ActorID: actor,
			Action: audit.Read, Resource: "elder_health", ResourceID: "e-1", RequestID: "req-1",
			At: now.Add(time.Duration(i) * time.Second)}
		if err := log.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
		other := audit.Entry{ID: uuid.Must(uuid.NewV7()).String(), FamilyID: "f-2", ActorID: "u-a",
			Action: audit.Update, Resource: "child", ResourceID: "c-1", At: now}
		if err := log.Record(ctx, other); err != nil {
			t.Fatal(err)
		}
		recorded = append(recorded, e)
		byActor[actor] = append(byActor[actor], e.ID)
		byActor["u-a"] = append(byActor["u-a"], other.ID)
	}

	t.Run("entries page newest first", func(t *testing.T) {
		var got []audit.Entry
		var sizes []int
		var mores []bool
		p := page.Request{Limit: 10}
		for range 5 {
			list, more, err := log.ListByFamily(ctx, "f-1", p)
			if err != nil {
				t.Fatal(err)
			}
			sizes, mores = append(sizes, len(list)), append(mores, more)
			got = append(got, list...)
			if !more {
				break
			}
			p.After = list[len(list)-1].ID
		}
		if !reflect.DeepEqual(sizes, []int{10, 10, 5}) || !reflect.DeepEqual(mores, []bool{true, true, false}) {
			t.Fatalf("pages of %v, more %v", sizes, mores)
		}
		want := slices.Clone(recorded)
		slices.Reverse(want)
		for i := range want {
			want[i].At = ms(want[i].At)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("listed\n%+v\nwant\n%+v", got, want)
		}
	})

	t.Run("an actor's entries are listed across families", func(t *testing.T) {
		for actor, ids := range byActor {
			list, err := log.ListByActor(ctx, actor)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range list {
				if e.ActorID != actor {
					t.Fatalf("%s's list holds %+v", actor, e)
				}
				got = append(got, e.ID)
			}
			want := slices.Clone(ids)
			slices.Sort(want)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %d entries, want %d newest first", actor, len(got), len(want))
			}
		}
		if list, err := log.ListByActor(ctx, "u-nobody"); err != nil || len(list) != 0 {
			t.Fatalf("nobody: %v %v", list, err)
		}
	})

	t.Run("a family's log is deleted with it", func(t *testing.T) {
		if err := log.DeleteByFamily(ctx, "f-1"); err != nil {
			t.Fatal(err)
		}
		if list, more, _ := log.ListByFamily(ctx, "f-1", page.Request{Limit: 10}); len(list) != 0 || more {
			t.Fatalf("%d left", len(list))
		}
		if list, _ := log.ListByActor(ctx, "u-a"); len(list) != 25 {
			t.Fatalf("u-a has %d entries left, want the other family's 25", len(list))
		}
	})
}
