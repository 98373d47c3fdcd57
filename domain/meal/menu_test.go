package meal_test

import (
	"testing"

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

func TestInclusivePriceKeepsTheCatalogsEightyPercentRule(t *testing.T) {
	m := meal.Menu{Window: meal.Lunch, Items: []meal.Item{{ID: "A", Kind: meal.SetMeal, Name: "红烧鱼套餐",
		Price: catalog.Price{MarketFen: 1500, InclusiveFen: 1300}}}}
	if _, err := m.Validate(); !fault.Is(err, catalog.ErrInclusiveTooHigh) {
		t.Fatalf("87 %% of the market price: %v", err)
	}
	m.Items[0].Price.InclusiveFen = 1200
	if _, err := m.Validate(); err != nil {
		t.Fatalf("80 %%: %v", err)
	}
}

func TestConflictsWithTheEldersDiet(t *testing.T) {
	items := []meal.Item{
		{ID: "fish", DietTags: []elder.DietTag{"low_salt", "soft_food"}, Allergens: []string{"鱼"}},
		{ID: "tofu", DietTags: []elder.DietTag{"low_salt", "soft_food", "vegetarian"}, Allergens: []string{"大豆"}},
		{ID: "pork", DietTags: []elder.DietTag{"soft_food"}},
	}
	got := meal.Conflicts(elder.Diet{Tags: []elder.DietTag{"low_salt"}, Allergies: "对鱼过敏"}, items)
	want := map[meal.Conflict]bool{{ItemID: "fish", Allergen: "鱼"}: true, {ItemID: "pork", Diet: "low_salt"}: true}
	if len(got) != len(want) {
		t.Fatalf("conflicts %+v", got)
	}
	for _, c := range got {
		if !want[c] {
			t.Errorf("unexpected %+v", c)
		}
	}
}

func TestChooseOneSetMealOrSomeDishes(t *testing.T) {
	m := meal.Menu{Items: []meal.Item{{ID: "set", Kind: meal.SetMeal}, {ID: "a", Kind: meal.ALaCarte}, {ID: "b", Kind: meal.ALaCarte}}}
	for _, ids := range [][]string{{"set"}, {"a", "b"}} {
		if _, err := m.Choose(ids); err != nil {
			t.Errorf("%v: %v", ids, err)
		}
	}
	for _, ids := range [][]string{{}, {"set", "a"}, {"a", "a"}, {"zzz"}} {
		if _, err := m.Choose(ids); !fault.Is(err, meal.ErrOrderInvalid) {
			t.Errorf("%v: %v", ids, err)
		}
	}
}

func TestDeliveryAreaByRadiusOrRegion(t *testing.T) {
	canteen := geo.Point{Lat: 31.1883, Lng: 121.4365}
	d := meal.Delivery{RadiusMetres: 1000, RegionCodes: []string{"310105"}}
	near := geo.Address{RegionCode: "310104", Location: geo.Point{Lat: 31.1920, Lng: 121.4365}}      // about 400 m north
	far := geo.Address{RegionCode: "310104", Location: geo.Point{Lat: 31.2300, Lng: 121.4365}}       // about 4.6 km
	farListed := geo.Address{RegionCode: "310105", Location: geo.Point{Lat: 31.2300, Lng: 121.4365}} // listed region
	if !d.Covers(canteen, near) || d.Covers(canteen, far) || !d.Covers(canteen, farListed) {
		t.Fatalf("near %v far %v listed %v", d.Covers(canteen, near), d.Covers(canteen, far), d.Covers(canteen, farListed))
	}
}
