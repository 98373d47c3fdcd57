package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/test/testenv"
)

// A family's meal orders page by id and hold no other family's; an
// elder's upcoming ones start at the day asked; a revoked card is gone,
// and revoking it again does nothing.
func TestMealOrdersByFamilyAndUpcomingAndCardRevocation(t *testing.T) {
	ctx := context.Background()
	store := testenv.Mongo(t)
	run := fmt.Sprint(time.Now().UnixNano())
	today := calendar.Today(time.Now(), time.UTC)
	for i := range 5 {
		for _, fam := range []string{"a", "b"} {
			o := &meal.Order{ID: fmt.Sprintf("mslot_%s_%s_%d", run, fam, i), ProviderID: "canteen", FamilyID: run + fam,
				ElderID: run + fam + "e", Date: today.AddDays(i - 2), Status: meal.Placed, CreatedAt: time.Now()}
			if _, err := store.MealOrders().Create(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []*meal.Order
	for p := (page.Request{Limit: 2}); ; {
		items, more, err := store.MealOrders().ForFamily(ctx, run+"a", p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, items...)
		if !more {
			break
		}
		p.After = items[len(items)-1].ID
	}
	if len(got) != 5 {
		t.Fatalf("family a's orders: %d, want 5", len(got))
	}
	for _, o := range got {
		if o.FamilyID != run+"a" {
			t.Fatalf("family a's export holds %s of %s", o.ID, o.FamilyID)
		}
	}
	up, err := store.MealOrders().Upcoming(ctx, run+"ae", today)
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 3 || up[0].Date != today || up[2].Date != today.AddDays(2) {
		t.Fatalf("upcoming from today: %d orders", len(up))
	}

	cards := store.MealCards()
	key := []byte("test meal code key, 32 bytes!!!!")
	if _, err := cards.Issue(ctx, run+"ae", func(prev *meal.Card) (meal.Card, error) {
		return meal.NewCard(key, run+"ae", run+"a", prev, "2468", "u", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := cards.Revoke(ctx, run+"ae"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cards.Get(ctx, run+"ae"); !fault.Is(err, meal.ErrCardNotFound) {
		t.Fatalf("a revoked card: %v", err)
	}
}
