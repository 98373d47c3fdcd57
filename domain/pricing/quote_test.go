package pricing_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/pricing"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func date(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A Wednesday in Shanghai; the provider opens 08:00–18:00 on weekdays.
var now = time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai)

func fixture(t *testing.T) pricing.Request {
	t.Helper()
	var hours []provider.Hours
	for d := 1; d <= 5; d++ {
		hours = append(hours, provider.Hours{Weekday: d, Open: "08:00", Close: "18:00"})
	}
	prov := &provider.Provider{ID: "p", Status: provider.Verified, Credit: provider.CreditNormal,
		Profile: provider.Profile{TimeZone: "Asia/Shanghai", Hours: hours, Area: provider.Area{RadiusKM: 3},
			Address: geo.Address{Location: geo.Point{Lat: 31.2304, Lng: 121.4737}}}}
	mother := elder.Elder{ID: "e", Profile: elder.Profile{BirthDate: date(t, "1945-03-02"),
		Address: geo.Address{Location: geo.Point{Lat: 31.2390, Lng: 121.4800}}}} // about 1.1 km away
	bath := catalog.Item{ID: "bath", Type: service.Bathing, Unit: catalog.PerVisit, Active: true,
		Price: catalog.Price{Version: 3, MarketFen: 15000, InclusiveFen: 12000}}
	start := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai) // Friday
	return pricing.Request{Elder: mother, Provider: prov, Item: bath, Start: start, End: start.Add(90 * time.Minute)}
}

func TestQuoteShowsMarketInclusiveAllowanceAndDue(t *testing.T) {
	r := fixture(t)
	r.Elder.Allowances = []elder.Allowance{
		{ID: "a2", Kind: elder.OldAgeAllowance, MonthlyFen: 5000, ServiceTypes: []service.Type{service.Bathing},
			ValidFrom: date(t, "2026-01-01")},
		{ID: "a1", Kind: elder.ServiceSubsidy, MonthlyFen: 3000, ServiceTypes: []service.Type{service.Bathing},
			ValidFrom: date(t, "2026-01-01")},
		{ID: "old", Kind: elder.ServiceSubsidy, MonthlyFen: 9000, ServiceTypes: []service.Type{service.Bathing},
			ValidFrom: date(t, "2025-01-01"), ValidTo: date(t, "2025-12-31")}, // lapsed
		{ID: "meals", Kind: elder.CareSubsidy, MonthlyFen: 9000, ServiceTypes: []service.Type{service.MealAid},
			ValidFrom: date(t, "2026-01-01")}, // another service
	}
	q, err := pricing.Price(r, now)
	if err != nil {
		t.Fatal(err)
	}
	if q.MarketFen != 15000 || q.InclusiveFen != 12000 || q.ChargedFen != 12000 || q.PriceVersion != 3 || q.Quantity != 1 {
		t.Fatalf("quote = %+v", q)
	}
	// The service subsidy is spent before the old-age allowance.
	if len(q.Allowances) != 2 || q.Allowances[0].AllowanceID != "a1" || q.Allowances[0].Fen != 3000 ||
		q.Allowances[1].AllowanceID != "a2" || q.Allowances[1].Fen != 5000 {
		t.Fatalf("allowances = %+v", q.Allowances)
	}
	if q.AllowanceFen != 8000 || q.DueFen != 4000 {
		t.Fatalf("allowance %d, due %d", q.AllowanceFen, q.DueFen)
	}
}

func TestAllowancesNeverPayMoreThanThePrice(t *testing.T) {
	r := fixture(t)
	r.Elder.Allowances = []elder.Allowance{{ID: "big", Kind: elder.CareSubsidy, MonthlyFen: 50000,
		ServiceTypes: []service.Type{service.Bathing}, ValidFrom: date(t, "2026-01-01")}}
	q, err := pricing.Price(r, now)
	if err != nil || q.AllowanceFen != 12000 || q.DueFen != 0 {
		t.Fatalf("quote = %+v, %v", q, err)
	}
}

func TestFreeHoursPayForHourlyServices(t *testing.T) {
	r := fixture(t)
	r.Item = catalog.Item{ID: "clean", Type: service.Cleaning, Unit: catalog.PerHour, Active: true,
		Price: catalog.Price{Version: 1, MarketFen: 6000}}
	r.End = r.Start.Add(150 * time.Minute) // 3 hours, rounded up
	r.Elder.Allowances = []elder.Allowance{{ID: "h", Kind: elder.FreeHours, MonthlyHours: 2,
		ServiceTypes: []service.Type{service.Cleaning}, ValidFrom: date(t, "2026-01-01")}}
	q, err := pricing.Price(r, now)
	if err != nil {
		t.Fatal(err)
	}
	if q.Quantity != 3 || q.MarketFen != 18000 || q.InclusiveFen != 0 || q.AllowanceFen != 12000 || q.DueFen != 6000 ||
		q.Allowances[0].Hours != 2 {
		t.Fatalf("quote = %+v", q)
	}
}

func TestYoungerThanSixtyPaysTheMarketPrice(t *testing.T) {
	r := fixture(t)
	r.Elder.Profile.BirthDate = date(t, "1966-11-28") // 59 on the day of service, 60 the day after
	q, err := pricing.Price(r, now)
	if err != nil || q.InclusiveFen != 0 || q.ChargedFen != 15000 {
		t.Fatalf("quote = %+v, %v", q, err)
	}
}

func TestQuoteRefusals(t *testing.T) {
	cases := []struct {
		name   string
		change func(*pricing.Request)
		want   *fault.Error
	}{
		{"window in the past", func(r *pricing.Request) { r.Start, r.End = now.Add(-2*time.Hour), now.Add(-time.Hour) }, pricing.ErrWindowInPast},
		{"window ends before it starts", func(r *pricing.Request) { r.End = r.Start.Add(-time.Minute) }, pricing.ErrWindowInvalid},
		{"window longer than an order's", func(r *pricing.Request) { r.End = r.Start.Add(order.MaxWindow + time.Hour) }, pricing.ErrWindowInvalid},
		{"window further ahead than an order may be placed", func(r *pricing.Request) {
			r.Start, r.End = r.Start.Add(order.MaxAdvance), r.End.Add(order.MaxAdvance)
		}, pricing.ErrWindowInvalid},
		{"Saturday, closed", func(r *pricing.Request) { r.Start, r.End = r.Start.AddDate(0, 0, 1), r.End.AddDate(0, 0, 1) }, pricing.ErrOutsideHours},
		{"after closing", func(r *pricing.Request) { r.End = time.Date(2026, 11, 27, 18, 30, 0, 0, shanghai) }, pricing.ErrOutsideHours},
		{"black-listed provider", func(r *pricing.Request) { r.Provider.Credit = provider.BlackListed }, pricing.ErrProviderUnavailable},
		{"unverified provider", func(r *pricing.Request) { r.Provider.Status = provider.Pending }, pricing.ErrProviderUnavailable},
		{"item withdrawn", func(r *pricing.Request) { r.Item.Active = false }, pricing.ErrItemInactive},
		{"no assessment for an item that needs one", func(r *pricing.Request) {
			r.Item.Eligibility.Levels = []elder.AbilityLevel{elder.AbilityModerate}
		}, pricing.ErrAbilityNotEligible},
		{"only the family's word for the level", func(r *pricing.Request) {
			r.Item.Eligibility.Levels = []elder.AbilityLevel{elder.AbilityTotal}
			r.Elder.Health.Record(elder.Assessment{Level: elder.AbilityTotal, AssessedOn: date(t, "2026-11-01"),
				AssessedBy: "myself", Source: elder.SelfReported})
		}, pricing.ErrAbilityNotEligible},
		{"too young", func(r *pricing.Request) { r.Item.Eligibility.MinAge = 90 }, pricing.ErrAgeNotEligible},
		{"too young on record, whatever the family typed since", func(r *pricing.Request) {
			r.Item.Eligibility.MinAge = 85
			r.Elder.BirthDateOfRecord = r.Elder.Profile.BirthDate
			r.Elder.Profile.BirthDate = date(t, "1930-01-01")
		}, pricing.ErrAgeNotEligible},
		{"outside the 3 km radius", func(r *pricing.Request) {
			r.Elder.Profile.Address.Location = geo.Point{Lat: 31.30, Lng: 121.50}
		}, pricing.ErrOutsideServiceArea},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := fixture(t)
			c.change(&r)
			if _, err := pricing.Price(r, now); !fault.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	t.Run("an assessed level the item serves", func(t *testing.T) {
		r := fixture(t)
		r.Item.Eligibility.Levels = []elder.AbilityLevel{elder.AbilityModerate}
		r.Elder.Health.Record(elder.Assessment{Level: elder.AbilityModerate, AssessedOn: date(t, "2026-10-01"),
			AssessedBy: "徐汇区老年人能力评估中心", Source: elder.Official})
		// A later self-reported level changes nothing.
		r.Elder.Health.Record(elder.Assessment{Level: elder.AbilityTotal, AssessedOn: date(t, "2026-11-01"),
			AssessedBy: "myself", Source: elder.SelfReported})
		if _, err := pricing.Price(r, now); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHoursAndDaysCountFromTheWindowWhateverTheQuantitySent(t *testing.T) {
	r := fixture(t)
	r.Item = catalog.Item{ID: "clean", Type: service.Cleaning, Unit: catalog.PerHour, Active: true,
		Price: catalog.Price{Version: 1, MarketFen: 6000}}
	r.End = r.Start.Add(3 * time.Hour)
	r.Quantity = 1 // a family trying to pay for one hour of three
	q, err := pricing.Price(r, now)
	if err != nil || q.Quantity != 3 || q.MarketFen != 18000 {
		t.Fatalf("quote = %+v, %v; want 3 hours", q, err)
	}
	r.Item.Unit, r.Quantity = catalog.PerMeal, 2 // two meals delivered at once
	if q, err := pricing.Price(r, now); err != nil || q.Quantity != 2 {
		t.Fatalf("meals quote = %+v, %v; want 2", q, err)
	}
}

func TestOnlyWhatThePeriodHasLeftIsOffered(t *testing.T) {
	r := fixture(t)
	r.Elder.Allowances = []elder.Allowance{{ID: "a1", Kind: elder.ServiceSubsidy, MonthlyFen: 10000,
		ServiceTypes: []service.Type{service.Bathing}, ValidFrom: date(t, "2026-01-01")}}
	r.Remaining = map[string]int64{"a1": 3000}
	q, err := pricing.Price(r, now)
	if err != nil || q.AllowanceFen != 3000 || q.DueFen != 9000 {
		t.Fatalf("quote = %+v, %v; want 3000 left of the subsidy", q, err)
	}
	r.Remaining["a1"] = 0
	if q, _ := pricing.Price(r, now); q.AllowanceFen != 0 || q.DueFen != 12000 {
		t.Fatalf("spent quote = %+v", q)
	}
}
