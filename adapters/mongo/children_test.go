package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/test/testenv"
)

func fullChild(id, familyID string, now time.Time) child.Child {
	return child.Child{
		ID:       id,
		FamilyID: familyID,
		Profile: child.Profile{Name: "王小明", BirthDate: calendar.Date{Year: 2024, Month: time.August, Day: 15},
			Gender: child.Male, Allergies: "牛奶", HealthNotes: "早产两周"},
		PickupPersons: []child.PickupPerson{
			{ID: "p-1", Name: "王奶奶", Relation: "奶奶", Phone: "+8613800000004", IDLast4: "123X",
				PhotoRef: "uploads/p-1.jpg", AddedBy: "u-owner", AddedAt: now},
			{ID: "p-2", Name: "刘阿姨", Relation: "保姆", Phone: "+8613800000005", IDLast4: "9876",
				AddedBy: "u-member", AddedAt: now.Add(time.Minute)},
		},
		CreatedBy: "u-owner",
		CreatedAt: now,
	}
}

func TestChildren(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	children := store.Children()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 555_555_555, time.UTC)

	t.Run("every field round-trips", func(t *testing.T) {
		if err := children.Create(ctx, fullChild("c-full", "f-1", now)); err != nil {
			t.Fatal(err)
		}
		got, err := children.Get(ctx, "c-full")
		if err != nil {
			t.Fatal(err)
		}
		want := fullChild("c-full", "f-1", ms(now))
		want.PickupPersons[1].AddedAt = ms(now.Add(time.Minute))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
	})

	t.Run("unknown children are not found", func(t *testing.T) {
		if _, err := children.Get(ctx, "nobody"); !fault.Is(err, child.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if _, err := children.Update(ctx, "nobody", func(*child.Child) error { return nil }); !fault.Is(err, child.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
		if err := children.Delete(ctx, "nobody"); !fault.Is(err, child.ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
	})

	t.Run("concurrent updates all apply", func(t *testing.T) {
		c := fullChild("c-race", "f-1", now)
		c.PickupPersons = nil
		if err := children.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				_, err := children.Update(ctx, "c-race", func(c *child.Child) error {
					return c.AddPickup(child.PickupPerson{ID: fmt.Sprintf("p-%d", i), Name: "n", AddedAt: now})
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, _ := children.Get(ctx, "c-race")
		if len(got.PickupPersons) != 10 {
			t.Fatalf("%d pickup persons, want 10", len(got.PickupPersons))
		}
		_, err := children.Update(ctx, "c-race", func(c *child.Child) error {
			return c.AddPickup(child.PickupPerson{ID: "p-11"})
		})
		if !fault.Is(err, child.ErrPickupFull) {
			t.Fatalf("eleventh pickup person: %v", err)
		}
		updated, err := children.Update(ctx, "c-race", func(c *child.Child) error {
			_, err := c.RemovePickup("p-3")
			return err
		})
		if err != nil || len(updated.PickupPersons) != 9 {
			t.Fatalf("remove: %v", err)
		}
		if got, _ := children.Get(ctx, "c-race"); len(got.PickupPersons) != 9 {
			t.Fatalf("%d pickup persons after removal", len(got.PickupPersons))
		}
	})

	t.Run("a family's children page in id order and are deleted with it", func(t *testing.T) {
		for i := range 5 {
			if err := children.Create(ctx, fullChild(fmt.Sprintf("c-page-%d", i), "f-page", now)); err != nil {
				t.Fatal(err)
			}
		}
		first, more, err := children.ListByFamily(ctx, "f-page", page.Request{Limit: 3})
		if err != nil || len(first) != 3 || !more || first[0].ID != "c-page-0" || first[2].ID != "c-page-2" {
			t.Fatalf("first page: %d, more %v, %v", len(first), more, err)
		}
		rest, more, err := children.ListByFamily(ctx, "f-page", page.Request{After: first[2].ID, Limit: 3})
		if err != nil || len(rest) != 2 || more || rest[0].ID != "c-page-3" {
			t.Fatalf("second page: %d, more %v, %v", len(rest), more, err)
		}
		if err := children.Delete(ctx, "c-page-4"); err != nil {
			t.Fatal(err)
		}
		if err := children.DeleteByFamily(ctx, "f-page"); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := children.ListByFamily(ctx, "f-page", page.Request{}); len(list) != 0 {
			t.Fatalf("%d left", len(list))
		}
		if _, err := children.Get(ctx, "c-full"); err != nil {
			t.Fatalf("another family's child deleted: %v", err)
		}
	})
}
