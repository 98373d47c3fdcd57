// Package catalog is what providers sell (点菜式 menu): service items with
// their unit, duration, eligibility and two published prices — market and
// 普惠 (inclusive) — in integer fen, versioned so an order keeps the price
// it was quoted. Pure domain code.
package catalog

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/service"
	"github.com/kincare/kincare/domain/text"
)

// Unit is what one price buys.
type Unit string

const (
	PerVisit Unit = "per_visit"
	PerHour  Unit = "per_hour"
	PerMeal  Unit = "per_meal"
	PerDay   Unit = "per_day"
)

var units = []Unit{PerVisit, PerHour, PerMeal, PerDay}

// InclusiveCapPercent: 普惠 prices are targeted at no more than 80 % of the
// market price of the same service (DOMAIN.md); a higher one needs the
// provider's agreement with the government cited.
const InclusiveCapPercent = 80

// MaxPriceHistory bounds the earlier versions kept on the menu.
const MaxPriceHistory = 50

// MaxPriceFen bounds a price at ¥100,000, far above any one service.
const MaxPriceFen = 10_000_000

var (
	ErrNotFound         = fault.New(fault.NotFound, "service_item_not_found")
	ErrInvalid          = fault.New(fault.Unprocessable, "service_item_invalid")
	ErrInclusiveTooHigh = fault.New(fault.Unprocessable, "inclusive_price_too_high")
)

// Price is one version of an item's prices.
type Price struct {
	Version      int
	MarketFen    int64
	InclusiveFen int64  // 普惠价
	AgreementRef string // why the 普惠 price may exceed the cap
	From         time.Time
}

// Names are an item's name in each language kincare speaks.
type Names struct {
	ZhCN, En string
}

// Eligibility says who may be served: assessed ability levels (empty:
// any) and a minimum age in years (0: any).
type Eligibility struct {
	Levels []elder.AbilityLevel
	MinAge int
}

// Item is one service on a provider's menu.
type Item struct {
	ID               string
	ProviderID       string
	Type             service.Type
	Names            Names
	Unit             Unit
	DurationMinutes  int
	CaregiversNeeded int
	Eligibility      Eligibility
	UsesCapacity     bool // draws on a capacity window: a bathing van, canteen portions
	Price            Price
	PriceHistory     []Price // earlier versions, oldest first
	Active           bool
	CreatedAt        time.Time
}

// CheckPrice applies the pricing rules: positive integer fen, 普惠 no
// higher than market, and no higher than 80 % of it unless an agreement
// is cited. It returns the price with its agreement reference cleaned.
func CheckPrice(p Price) (Price, error) {
	fields := text.Rule{Max: maxAgreementRef}.Check(nil, "/price/agreementRef", &p.AgreementRef)
	if p.MarketFen <= 0 || p.MarketFen > MaxPriceFen {
		fields = append(fields, fault.FieldError{Field: "/price/marketFen", Code: "range"})
	}
	if p.InclusiveFen <= 0 || p.InclusiveFen > MaxPriceFen {
		fields = append(fields, fault.FieldError{Field: "/price/inclusiveFen", Code: "range"})
	}
	if len(fields) > 0 {
		return Price{}, ErrInvalid.WithFields(fields...)
	}
	if p.InclusiveFen > p.MarketFen {
		return Price{}, ErrInclusiveTooHigh.With(map[string]any{"cap": 100}).
			WithFields(fault.FieldError{Field: "/price/inclusiveFen", Code: "above_market"})
	}
	if p.InclusiveFen*100 > p.MarketFen*InclusiveCapPercent && p.AgreementRef == "" {
		return Price{}, ErrInclusiveTooHigh.With(map[string]any{"cap": InclusiveCapPercent}).
			WithFields(fault.FieldError{Field: "/price/inclusiveFen", Code: "above_cap_without_agreement"})
	}
	return p, nil
}

const (
	maxName         = 100
	maxAgreementRef = 200
)

// CheckNames cleans the names by the rule for display text: the Chinese
// name is required, the English one when needEnglish.
func CheckNames(fields []fault.FieldError, n *Names, needEnglish bool) []fault.FieldError {
	fields = text.Rule{Max: maxName, Required: true}.Check(fields, "/names/zhCN", &n.ZhCN)
	return text.Rule{Max: maxName, Required: needEnglish}.Check(fields, "/names/en", &n.En)
}

// New validates a new item; its price is version 1.
func New(it Item, now time.Time) (Item, error) {
	var fields []fault.FieldError
	bad := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	if !it.Type.Valid() {
		bad("/type", "enum")
	}
	fields = CheckNames(fields, &it.Names, true)
	if !slices.Contains(units, it.Unit) {
		bad("/unit", "enum")
	}
	if it.DurationMinutes <= 0 || it.DurationMinutes > 24*60 {
		bad("/durationMinutes", "range")
	}
	if it.CaregiversNeeded < 1 || it.CaregiversNeeded > 10 {
		bad("/caregiversNeeded", "range")
	}
	if it.Eligibility.MinAge < 0 || it.Eligibility.MinAge > 130 {
		bad("/eligibility/minAge", "range")
	}
	for i, l := range it.Eligibility.Levels {
		if !l.Valid() {
			bad("/eligibility/levels/"+strconv.Itoa(i), "enum")
		}
	}
	if len(fields) > 0 {
		return Item{}, ErrInvalid.WithFields(fields...)
	}
	price, err := CheckPrice(it.Price)
	if err != nil {
		return Item{}, err
	}
	it.Price = price
	it.Price.Version, it.Price.From = 1, now.UTC()
	it.Active, it.CreatedAt = true, now.UTC()
	return it, nil
}

// Reprice publishes new prices as the next version; quotes made on the
// old version keep it.
func (it *Item) Reprice(p Price, now time.Time) error {
	p, err := CheckPrice(p)
	if err != nil {
		return err
	}
	it.PriceHistory = append(it.PriceHistory, it.Price)
	if len(it.PriceHistory) > MaxPriceHistory {
		// Orders keep the prices they were quoted in their own record;
		// the menu needs only the recent past.
		it.PriceHistory = it.PriceHistory[len(it.PriceHistory)-MaxPriceHistory:]
	}
	p.Version, p.From = it.Price.Version+1, now.UTC()
	it.Price = p
	return nil
}

// PriceAt returns the given version, for orders quoted on it.
func (it *Item) PriceAt(version int) (Price, bool) {
	if it.Price.Version == version {
		return it.Price, true
	}
	for _, p := range it.PriceHistory {
		if p.Version == version {
			return p, true
		}
	}
	return Price{}, false
}
