package meal

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

// ItemKind is how a menu item is ordered: a set meal is a whole meal
// (套餐); à-la-carte dishes (单点) are combined into one.
type ItemKind string

const (
	SetMeal  ItemKind = "set_meal"
	ALaCarte ItemKind = "a_la_carte"
)

// Item is one dish or set meal on a day's menu, with the diets it keeps
// (a low_salt tag: fit for a low-salt diet), the allergens it contains
// and its market and 普惠 prices (the catalog's 80 % rule holds).
type Item struct {
	ID        string
	Kind      ItemKind
	Name      string
	PhotoRef  string
	Dishes    []string // what a set meal holds, by name
	DietTags  []elder.DietTag
	Allergens []string
	Price     catalog.Price
}

// Menu is what one window serves on one day.
type Menu struct {
	ProviderID string
	Date       calendar.Date
	Window     WindowKind
	Items      []Item
	UpdatedBy  string
	UpdatedAt  time.Time
}

// Bounds of a menu.
const (
	MaxItems        = 40
	MaxMealItems    = 6 // dishes one meal may combine
	maxItemName     = 100
	maxPhotoRef     = 300
	maxAllergens    = 20
	maxAllergenName = 40
)

// ValidDietTags are the diets dishes declare, as elders' profiles name them.
var ValidDietTags = []elder.DietTag{"low_salt", "low_sugar", "low_fat", "soft_food", "liquid_food", "halal", "vegetarian"}

// Validate checks a menu's items as the canteen enters them.
func (m Menu) Validate() (Menu, error) {
	var fields []fault.FieldError
	add := func(f, code string) { fields = append(fields, fault.FieldError{Field: f, Code: code}) }
	if !m.Window.Valid() {
		add("/window", "enum")
	}
	if len(m.Items) == 0 {
		add("/items", "required")
	}
	if len(m.Items) > MaxItems {
		add("/items", "maxItems")
	}
	ids := map[string]bool{}
	m.Items = slices.Clone(m.Items)
	for i := range m.Items {
		it := &m.Items[i]
		at := "/items/" + strconv.Itoa(i)
		if it.ID == "" || len(it.ID) > 40 || ids[it.ID] {
			add(at+"/id", "duplicate")
		}
		ids[it.ID] = true
		if it.Kind != SetMeal && it.Kind != ALaCarte {
			add(at+"/kind", "enum")
		}
		fields = text.Rule{Max: maxItemName, Required: true}.Check(fields, at+"/name", &it.Name)
		fields = text.Rule{Max: maxPhotoRef}.Check(fields, at+"/photoRef", &it.PhotoRef)
		it.Dishes = slices.Clone(it.Dishes)
		for j := range it.Dishes {
			fields = text.Rule{Max: maxItemName, Required: true}.Check(fields, at+"/dishes/"+strconv.Itoa(j), &it.Dishes[j])
		}
		for j, t := range it.DietTags {
			if !slices.Contains(ValidDietTags, t) {
				add(at+"/dietTags/"+strconv.Itoa(j), "enum")
			}
		}
		if len(it.Allergens) > maxAllergens {
			add(at+"/allergens", "maxItems")
		}
		it.Allergens = slices.Clone(it.Allergens)
		for j := range it.Allergens {
			fields = text.Rule{Max: maxAllergenName, Required: true}.Check(fields, at+"/allergens/"+strconv.Itoa(j), &it.Allergens[j])
		}
		p, err := catalog.CheckPrice(it.Price)
		if err != nil {
			fe, ok := fault.As(err)
			if !ok {
				return Menu{}, err
			}
			if fe.Code == catalog.ErrInclusiveTooHigh.Code {
				return Menu{}, fe.WithFields(prefixed(at, fe.Fields)...)
			}
			fields = append(fields, prefixed(at, fe.Fields)...)
			continue
		}
		it.Price = p
	}
	if len(fields) > 0 {
		return Menu{}, ErrMenuInvalid.WithFields(fields...)
	}
	return m, nil
}

func prefixed(at string, fs []fault.FieldError) []fault.FieldError {
	out := make([]fault.FieldError, len(fs))
	for i, f := range fs {
		// An item's prices are its own fields (marketFen, inclusiveFen,
		// agreementRef), not a price object's.
		f.Field = at + strings.TrimPrefix(f.Field, "/price")
		out[i] = f
	}
	return out
}

// Item finds an item by id.
func (m Menu) Item(id string) (Item, bool) {
	i := slices.IndexFunc(m.Items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return Item{}, false
	}
	return m.Items[i], true
}

// Choose is the items one meal is made of: one set meal, or up to
// MaxMealItems à-la-carte dishes, each once.
func (m Menu) Choose(ids []string) ([]Item, error) {
	if len(ids) == 0 || len(ids) > MaxMealItems {
		return nil, ErrOrderInvalid.WithFields(fault.FieldError{Field: "/items", Code: "count"})
	}
	var out []Item
	for i, id := range ids {
		it, ok := m.Item(id)
		if !ok || slices.ContainsFunc(out, func(o Item) bool { return o.ID == id }) {
			return nil, ErrOrderInvalid.WithFields(fault.FieldError{Field: "/items/" + strconv.Itoa(i), Code: "unknown"})
		}
		out = append(out, it)
	}
	if len(out) > 1 && slices.ContainsFunc(out, func(it Item) bool { return it.Kind == SetMeal }) {
		return nil, ErrOrderInvalid.WithFields(fault.FieldError{Field: "/items", Code: "set_meal_alone"})
	}
	return out, nil
}

// Conflict is one reason an item does not suit an elder.
type Conflict struct {
	ItemID string
	// Diet is a diet of the elder's the item does not keep; Allergen an
	// allergen of the item the elder's allergies name.
	Diet     elder.DietTag
	Allergen string
}

// Conflicts are what in items the elder's diet forbids: every diet tag
// of the elder's an item does not keep, and every allergen of an item
// that the elder's allergies (the family's own words) mention.
func Conflicts(d elder.Diet, items []Item) []Conflict {
	var out []Conflict
	allergies := strings.ToLower(d.Allergies)
	for _, it := range items {
		for _, t := range d.Tags {
			if !slices.Contains(it.DietTags, t) {
				out = append(out, Conflict{ItemID: it.ID, Diet: t})
			}
		}
		for _, a := range it.Allergens {
			if a != "" && strings.Contains(allergies, strings.ToLower(a)) {
				out = append(out, Conflict{ItemID: it.ID, Allergen: a})
			}
		}
	}
	return out
}

// Prices is what a meal of items costs: the sum of their market prices
// and of their 普惠 prices.
func Prices(items []Item) (marketFen, inclusiveFen int64) {
	for _, it := range items {
		marketFen += it.Price.MarketFen
		inclusiveFen += it.Price.InclusiveFen
	}
	return marketFen, inclusiveFen
}
