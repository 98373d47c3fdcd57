package meal

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/domain/text"
)

// Category is a group of elders a region subsidises meals for.
type Category string

const (
	Age80Plus Category = "age_80_plus" // 高龄: 80 and over on the meal's day
	// LowIncome is 低保/特困. kincare keeps no means-test record of its
	// own: an elder counts when the civil-affairs bureau grants them the
	// means-tested elderly service subsidy (养老服务补贴), valid that day.
	LowIncome   Category = "low_income"
	Disabled    Category = "disabled"     // 失能: an official assessment of moderate or worse
	LivingAlone Category = "living_alone" // 独居
)

var categories = []Category{Age80Plus, LowIncome, Disabled, LivingAlone}

// Rule is what a region pays towards one meal of an elder of a
// category, and at most per calendar month.
type Rule struct {
	Category      Category
	PerMealFen    int64
	MonthlyCapFen int64
}

// Rules are a region's meal subsidy rules, set by its regulator, with
// the policy document that decided them.
type Rules struct {
	RegionCode string
	Rules      []Rule
	Document   string
	SetBy      string
	SetAt      time.Time
}

// MaxPerMealFen bounds a per-meal subsidy at ¥100.
const MaxPerMealFen = 10_000

// Validate checks rules as a regulator enters them.
func (r Rules) Validate() (Rules, error) {
	var fields []fault.FieldError
	add := func(f, code string) { fields = append(fields, fault.FieldError{Field: f, Code: code}) }
	if !regionCodePattern(r.RegionCode) {
		add("regionCode", "pattern")
	}
	fields = text.Rule{Max: 200, Required: true}.Check(fields, "/document", &r.Document)
	seen := map[Category]bool{}
	for i, x := range r.Rules {
		at := "/rules/" + strconv.Itoa(i)
		if !slices.Contains(categories, x.Category) || seen[x.Category] {
			add(at+"/category", "enum")
		}
		seen[x.Category] = true
		if x.PerMealFen < 1 || x.PerMealFen > MaxPerMealFen {
			add(at+"/perMealFen", "range")
		}
		if x.MonthlyCapFen < x.PerMealFen || x.MonthlyCapFen > 31*3*MaxPerMealFen {
			add(at+"/monthlyCapFen", "range")
		}
	}
	if len(fields) > 0 {
		return Rules{}, ErrRulesInvalid.WithFields(fields...)
	}
	return r, nil
}

// CategoriesOf are the categories elder e is in on day d, by the
// records kincare trusts: the birth date of record, the latest official
// assessment, the family's word on living alone, and a valid
// means-tested service subsidy.
func CategoriesOf(e elder.Elder, d calendar.Date) []Category {
	var out []Category
	born := e.BirthDateOfRecord
	if born.IsZero() {
		born = e.Profile.BirthDate
	}
	if !born.IsZero() && born.YearsOn(d) >= 80 {
		out = append(out, Age80Plus)
	}
	if slices.ContainsFunc(e.Allowances, func(a elder.Allowance) bool {
		return a.Kind == elder.ServiceSubsidy && !d.Before(a.ValidFrom) && (a.ValidTo.IsZero() || !a.ValidTo.Before(d))
	}) {
		out = append(out, LowIncome)
	}
	if a := e.Health.Official(); a != nil {
		switch a.Level {
		case elder.AbilityModerate, elder.AbilitySevere, elder.AbilityTotal:
			out = append(out, Disabled)
		}
	}
	if e.Profile.Living == elder.LivesAlone {
		out = append(out, LivingAlone)
	}
	return out
}

// For is the rule that pays most per meal among the categories; false
// when none of them is subsidised.
func (r Rules) For(cats []Category) (Rule, bool) {
	var best Rule
	found := false
	for _, x := range r.Rules {
		if slices.Contains(cats, x.Category) && (!found || x.PerMealFen > best.PerMealFen) {
			best, found = x, true
		}
	}
	return best, found
}

// MealAllowance is the elder's allowance that pays for meals on day d:
// the first valid one covering meal aid; false when there is none.
func MealAllowance(e elder.Elder, d calendar.Date) (elder.Allowance, bool) {
	i := slices.IndexFunc(e.Allowances, func(a elder.Allowance) bool {
		return a.Kind != elder.FreeHours && a.CoversOn(service.MealAid, d)
	})
	if i < 0 {
		return elder.Allowance{}, false
	}
	return e.Allowances[i], true
}
