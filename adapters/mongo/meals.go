package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

const (
	canteensColl    = "canteens"
	mealMenusColl   = "meal_menus"
	mealSubsidyColl = "meal_subsidy_rules"
	mealOrdersColl  = "meal_orders"
)

type mealWindowDoc struct {
	Kind             string `bson:"kind"`
	ServeFrom        int    `bson:"serveFrom"`
	ServeTo          int    `bson:"serveTo"`
	Cutoff           int    `bson:"cutoff"`
	CutoffDaysBefore int    `bson:"cutoffDaysBefore"`
	Portions         int    `bson:"portions"`
}

type pickupPointDoc struct {
	ID      string     `bson:"id"`
	Name    string     `bson:"name"`
	Address addressDoc `bson:"address"`
}

// canteenDoc is a canteen's settings, _id its provider's id.
type canteenDoc struct {
	ID            string           `bson:"_id"`
	TimeZone      string           `bson:"timeZone"`
	Location      pointDoc         `bson:"location"`
	RegionCode    string           `bson:"regionCode"`
	Windows       []mealWindowDoc  `bson:"windows"`
	PickupPoints  []pickupPointDoc `bson:"pickupPoints"`
	RadiusMetres  int              `bson:"deliveryRadiusMetres"`
	RegionCodes   []string         `bson:"deliveryRegionCodes"`
	FeeFen        int64            `bson:"deliveryFeeFen"`
	OpenWeekdays  []int            `bson:"openWeekdays"`
	ClosedDates   []string         `bson:"closedDates"`
	OpenDates     []string         `bson:"openDates"`
	NoShowCharged bool             `bson:"noShowCharged"`
	UpdatedBy     string           `bson:"updatedBy"`
	UpdatedAt     time.Time        `bson:"updatedAt"`
}

func toCanteenDoc(c meal.Canteen) canteenDoc {
	return canteenDoc{ID: c.ProviderID, TimeZone: c.TimeZone, Location: pointDoc{Lat: c.Location.Lat, Lng: c.Location.Lng},
		RegionCode: c.RegionCode,
		Windows: docList(c.Windows, func(w meal.Window) mealWindowDoc {
			return mealWindowDoc{Kind: string(w.Kind), ServeFrom: int(w.ServeFrom), ServeTo: int(w.ServeTo), Cutoff: int(w.Cutoff),
				CutoffDaysBefore: w.CutoffDaysBefore, Portions: w.Portions}
		}),
		PickupPoints: docList(c.PickupPoints, func(p meal.PickupPoint) pickupPointDoc {
			return pickupPointDoc{ID: p.ID, Name: p.Name, Address: toAddressDoc(p.Address)}
		}),
		RadiusMetres: c.Delivery.RadiusMetres, RegionCodes: docList(c.Delivery.RegionCodes, func(s string) string { return s }),
		FeeFen:       c.Delivery.FeeFen,
		OpenWeekdays: docList(c.OpenWeekdays, func(d time.Weekday) int { return int(d) }),
		ClosedDates:  docList(c.ClosedDates, dateString), OpenDates: docList(c.OpenDates, dateString),
		NoShowCharged: c.NoShowCharged, UpdatedBy: c.UpdatedBy, UpdatedAt: c.UpdatedAt}
}

func (d canteenDoc) canteen() (meal.Canteen, error) {
	var dates dateParser
	c := meal.Canteen{ProviderID: d.ID, TimeZone: d.TimeZone, Location: geo.Point{Lat: d.Location.Lat, Lng: d.Location.Lng},
		RegionCode: d.RegionCode,
		Windows: valueList(d.Windows, func(w mealWindowDoc) meal.Window {
			return meal.Window{Kind: meal.WindowKind(w.Kind), ServeFrom: meal.Clock(w.ServeFrom), ServeTo: meal.Clock(w.ServeTo),
				Cutoff: meal.Clock(w.Cutoff), CutoffDaysBefore: w.CutoffDaysBefore, Portions: w.Portions}
		}),
		PickupPoints: valueList(d.PickupPoints, func(p pickupPointDoc) meal.PickupPoint {
			return meal.PickupPoint{ID: p.ID, Name: p.Name, Address: p.Address.address()}
		}),
		Delivery: meal.Delivery{RadiusMetres: d.RadiusMetres, RegionCodes: valueList(d.RegionCodes, func(s string) string { return s }),
			FeeFen: d.FeeFen},
		OpenWeekdays: valueList(d.OpenWeekdays, func(n int) time.Weekday { return time.Weekday(n) }),
		ClosedDates:  valueList(d.ClosedDates, dates.parse), OpenDates: valueList(d.OpenDates, dates.parse),
		NoShowCharged: d.NoShowCharged, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt.UTC()}
	return c, dates.err
}

// Canteens implements the canteen settings store.
type Canteens struct{ coll *collection }

func (s *Store) Canteens() *Canteens { return &Canteens{coll: s.collection(canteensColl)} }

// Put replaces a canteen's settings: they are set whole, last writer wins.
func (r *Canteens) Put(ctx context.Context, c meal.Canteen) error {
	_, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ProviderID}}, toCanteenDoc(c), options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongo: put canteen: %w", err)
	}
	return nil
}

// Get returns meal.ErrCanteenNotFound for a provider without settings.
func (r *Canteens) Get(ctx context.Context, providerID string) (meal.Canteen, error) {
	d, err := findByID[canteenDoc](ctx, r.coll, providerID, "canteen", meal.ErrCanteenNotFound)
	if err != nil {
		return meal.Canteen{}, err
	}
	return d.canteen()
}

type menuItemDoc struct {
	ID           string   `bson:"id"`
	Kind         string   `bson:"kind"`
	Name         string   `bson:"name"`
	PhotoRef     string   `bson:"photoRef,omitempty"`
	Dishes       []string `bson:"dishes"`
	DietTags     []string `bson:"dietTags"`
	Allergens    []string `bson:"allergens"`
	MarketFen    int64    `bson:"marketFen"`
	InclusiveFen int64    `bson:"inclusiveFen"`
	AgreementRef string   `bson:"agreementRef,omitempty"`
}

// menuDoc is one window's menu on one day, _id provider:date:window.
type menuDoc struct {
	ID         string        `bson:"_id"`
	ProviderID string        `bson:"providerId"`
	Date       string        `bson:"date"`
	Window     string        `bson:"window"`
	Items      []menuItemDoc `bson:"items"`
	UpdatedBy  string        `bson:"updatedBy"`
	UpdatedAt  time.Time     `bson:"updatedAt"`
}

func menuID(providerID string, d calendar.Date, w meal.WindowKind) string {
	return providerID + ":" + d.String() + ":" + string(w)
}

func toMenuDoc(m meal.Menu) menuDoc {
	return menuDoc{ID: menuID(m.ProviderID, m.Date, m.Window), ProviderID: m.ProviderID, Date: dateString(m.Date),
		Window: string(m.Window), UpdatedBy: m.UpdatedBy, UpdatedAt: m.UpdatedAt,
		Items: docList(m.Items, func(it meal.Item) menuItemDoc {
			return menuItemDoc{ID: it.ID, Kind: string(it.Kind), Name: it.Name, PhotoRef: it.PhotoRef,
				Dishes:    docList(it.Dishes, func(s string) string { return s }),
				DietTags:  docList(it.DietTags, func(t elder.DietTag) string { return string(t) }),
				Allergens: docList(it.Allergens, func(s string) string { return s }),
				MarketFen: it.Price.MarketFen, InclusiveFen: it.Price.InclusiveFen, AgreementRef: it.Price.AgreementRef}
		})}
}

func (d menuDoc) menu() (meal.Menu, error) {
	var dates dateParser
	m := meal.Menu{ProviderID: d.ProviderID, Date: dates.parse(d.Date), Window: meal.WindowKind(d.Window),
		UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt.UTC(),
		Items: valueList(d.Items, func(it menuItemDoc) meal.Item {
			return meal.Item{ID: it.ID, Kind: meal.ItemKind(it.Kind), Name: it.Name, PhotoRef: it.PhotoRef,
				Dishes:    valueList(it.Dishes, func(s string) string { return s }),
				DietTags:  valueList(it.DietTags, func(s string) elder.DietTag { return elder.DietTag(s) }),
				Allergens: valueList(it.Allergens, func(s string) string { return s }),
				Price:     catalog.Price{MarketFen: it.MarketFen, InclusiveFen: it.InclusiveFen, AgreementRef: it.AgreementRef}}
		})}
	return m, dates.err
}

// MealMenus implements the menu store.
type MealMenus struct{ coll *collection }

func (s *Store) MealMenus() *MealMenus { return &MealMenus{coll: s.collection(mealMenusColl)} }

// Put replaces one window's menu of a day.
func (r *MealMenus) Put(ctx context.Context, m meal.Menu) error {
	d := toMenuDoc(m)
	if _, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("mongo: put menu: %w", err)
	}
	return nil
}

// Get returns meal.ErrMenuNotFound when the window has no menu that day.
func (r *MealMenus) Get(ctx context.Context, providerID string, day calendar.Date, w meal.WindowKind) (meal.Menu, error) {
	d, err := findByID[menuDoc](ctx, r.coll, menuID(providerID, day, w), "menu", meal.ErrMenuNotFound)
	if err != nil {
		return meal.Menu{}, err
	}
	return d.menu()
}

type subsidyRuleDoc struct {
	Category      string `bson:"category"`
	PerMealFen    int64  `bson:"perMealFen"`
	MonthlyCapFen int64  `bson:"monthlyCapFen"`
}

// subsidyRulesDoc is a region's rules, _id its region code.
type subsidyRulesDoc struct {
	ID       string           `bson:"_id"`
	Rules    []subsidyRuleDoc `bson:"rules"`
	Document string           `bson:"document"`
	SetBy    string           `bson:"setBy"`
	SetAt    time.Time        `bson:"setAt"`
}

// MealSubsidyRules implements the subsidy rules store.
type MealSubsidyRules struct{ coll *collection }

func (s *Store) MealSubsidyRules() *MealSubsidyRules {
	return &MealSubsidyRules{coll: s.collection(mealSubsidyColl)}
}

// Put replaces a region's rules.
func (r *MealSubsidyRules) Put(ctx context.Context, x meal.Rules) error {
	d := subsidyRulesDoc{ID: x.RegionCode, Document: x.Document, SetBy: x.SetBy, SetAt: x.SetAt,
		Rules: docList(x.Rules, func(r meal.Rule) subsidyRuleDoc {
			return subsidyRuleDoc{Category: string(r.Category), PerMealFen: r.PerMealFen, MonthlyCapFen: r.MonthlyCapFen}
		})}
	if _, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("mongo: put meal subsidy rules: %w", err)
	}
	return nil
}

// Get returns meal.ErrRulesNotFound for a region without rules.
func (r *MealSubsidyRules) Get(ctx context.Context, region string) (meal.Rules, error) {
	d, err := findByID[subsidyRulesDoc](ctx, r.coll, region, "meal subsidy rules", meal.ErrRulesNotFound)
	if err != nil {
		return meal.Rules{}, err
	}
	return meal.Rules{RegionCode: d.ID, Document: d.Document, SetBy: d.SetBy, SetAt: d.SetAt.UTC(),
		Rules: valueList(d.Rules, func(r subsidyRuleDoc) meal.Rule {
			return meal.Rule{Category: meal.Category(r.Category), PerMealFen: r.PerMealFen, MonthlyCapFen: r.MonthlyCapFen}
		})}, nil
}
