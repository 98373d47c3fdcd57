package meal_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/service"
)

func TestTheBestRuleOfTheEldersCategoriesPays(t *testing.T) {
	day := calendar.Date{Year: 2026, Month: time.December, Day: 3}
	e := elder.Elder{Profile: elder.Profile{BirthDate: calendar.Date{Year: 1944, Month: time.May, Day: 12}, Living: elder.LivesWithSpouse},
		Allowances: []elder.Allowance{{ID: "al", Kind: elder.ServiceSubsidy, MonthlyFen: 30000,
			ServiceTypes: []service.Type{service.MealAid}, ValidFrom: calendar.Date{Year: 2026, Month: time.January, Day: 1}}}}
	cats := meal.CategoriesOf(e, day)
	if len(cats) != 2 || cats[0] != meal.Age80Plus || cats[1] != meal.LowIncome {
		t.Fatalf("categories %v", cats)
	}
	rules := meal.Rules{Rules: []meal.Rule{{Category: meal.Age80Plus, PerMealFen: 300, MonthlyCapFen: 9000},
		{Category: meal.LowIncome, PerMealFen: 500, MonthlyCapFen: 15000}, {Category: meal.LivingAlone, PerMealFen: 800, MonthlyCapFen: 9000}}}
	r, ok := rules.For(cats)
	if !ok || r.Category != meal.LowIncome {
		t.Fatalf("rule %+v %v", r, ok)
	}
	if al, ok := meal.MealAllowance(e, day); !ok || al.ID != "al" {
		t.Fatalf("allowance %+v %v", al, ok)
	}
	if _, ok := meal.MealAllowance(e, calendar.Date{Year: 2025, Month: time.December, Day: 3}); ok {
		t.Fatal("an allowance before it starts")
	}
}
