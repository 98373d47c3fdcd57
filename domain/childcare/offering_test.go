package childcare_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	t0          = time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai)
)

func childcareProvider(id string, kinds ...provider.Kind) *provider.Provider {
	p := &provider.Provider{ID: id}
	for _, k := range kinds {
		p.Profile.Licences = append(p.Profile.Licences, provider.Licence{Kind: k, Number: "沪托备2026" + id})
	}
	return p
}

var (
	// A nursery filed as a childcare institution (托育机构).
	nursery = childcareProvider("sunshine", provider.ChildcareInstitution)
	// A grandmother's flat registered as a home childcare point (家庭托育点).
	homePoint = childcareProvider("granny-li", provider.HomeChildcarePoint)
)

// halfDay is the nursery's morning and afternoon sessions on weekdays,
// for children from one to three, ¥150 a session, ¥120 at the 普惠 price.
func halfDay() childcare.Offering {
	return childcare.Offering{
		ID:       "half-day",
		Names:    catalog.Names{ZhCN: "半日托", En: "Half-day care"},
		CareType: childcare.HalfDay,
		Ages:     childcare.AgeRange{MinMonths: 12, MaxMonths: 35},
		Capacity: reservation.Capacity{Total: 20, InclusiveQuota: 5},
		Price:    catalog.Price{MarketFen: 15000, InclusiveFen: 12000},
		Schedule: childcare.Schedule{Weekdays: []int{1, 2, 3, 4, 5},
			Sessions: []childcare.Session{{Start: "08:00", End: "12:00"}, {Start: "13:30", End: "17:30"}}},
		CreatedBy: "director",
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func params(err error) map[string]any {
	if fe, ok := fault.As(err); ok {
		return fe.Params
	}
	return nil
}

func TestANewOfferingIsActiveWithItsFirstPriceAndDefaultHoldRules(t *testing.T) {
	in := halfDay()
	in.ProviderID = "someone-else"
	o, err := childcare.New(in, nursery, t0)
	must(t, err)
	if o.ProviderID != "sunshine" || !o.Active || !o.CreatedAt.Equal(t0) || o.CreatedAt.Location() != time.UTC {
		t.Fatalf("offering of %s, active %v, created %v", o.ProviderID, o.Active, o.CreatedAt)
	}
	if o.Price.Version != 1 || !o.Price.From.Equal(t0) || o.Price.From.Location() != time.UTC {
		t.Fatalf("price %+v", o.Price)
	}
	if o.HoldTTL != reservation.DefaultHoldTTL || o.MaxHoldsPerUser != reservation.DefaultMaxHoldsPerUser {
		t.Fatalf("hold rules %v and %d", o.HoldTTL, o.MaxHoldsPerUser)
	}
	if o.PriceFen(reservation.Market) != 15000 || o.PriceFen(reservation.Inclusive) != 12000 {
		t.Fatalf("prices %d %d", o.PriceFen(reservation.Market), o.PriceFen(reservation.Inclusive))
	}
	// Names are trimmed; an English name is optional.
	in = halfDay()
	in.Names = catalog.Names{ZhCN: "  全日托 "}
	o, err = childcare.New(in, nursery, t0)
	must(t, err)
	if o.Names.ZhCN != "全日托" || o.Names.En != "" {
		t.Fatalf("names %+v", o.Names)
	}
}

func TestNewRefusesABadOfferingNamingEveryField(t *testing.T) {
	sessions := func(ss ...childcare.Session) func(*childcare.Offering) {
		return func(o *childcare.Offering) { o.Schedule.Sessions = ss }
	}
	thirteen := make([]childcare.Session, 13)
	for i := range thirteen {
		thirteen[i] = childcare.Session{Start: fmt.Sprintf("%02d:00", 7+i), End: fmt.Sprintf("%02d:00", 8+i)}
	}
	cases := []struct {
		name  string
		edit  func(*childcare.Offering)
		field string
		code  string // "" when the offering is fine
	}{
		{"no Chinese name", func(o *childcare.Offering) { o.Names.ZhCN = "" }, "/names/zhCN", "required"},
		{"a blank Chinese name", func(o *childcare.Offering) { o.Names.ZhCN = "  " }, "/names/zhCN", "required"},
		{"a Chinese name of 100 characters", func(o *childcare.Offering) { o.Names.ZhCN = strings.Repeat("托", 100) }, "", ""},
		{"a Chinese name of 101 characters", func(o *childcare.Offering) { o.Names.ZhCN = strings.Repeat("托", 101) }, "/names/zhCN", "maxLength"},
		{"an English name of 101 characters", func(o *childcare.Offering) { o.Names.En = strings.Repeat("a", 101) }, "/names/en", "maxLength"},
		{"no care type", func(o *childcare.Offering) { o.CareType = "" }, "/careType", "enum"},
		{"overnight care", func(o *childcare.Offering) { o.CareType = "overnight" }, "/careType", "enum"},
		{"from birth", func(o *childcare.Offering) { o.Ages.MinMonths = 0 }, "", ""},
		{"a single month of age", func(o *childcare.Offering) { o.Ages = childcare.AgeRange{MinMonths: 18, MaxMonths: 18} }, "", ""},
		{"a negative age", func(o *childcare.Offering) { o.Ages.MinMonths = -1 }, "/ages", "range"},
		{"three-year-olds", func(o *childcare.Offering) { o.Ages.MaxMonths = childcare.MaxAgeMonths }, "/ages", "range"},
		{"ages upside down", func(o *childcare.Offering) { o.Ages = childcare.AgeRange{MinMonths: 24, MaxMonths: 12} }, "/ages", "range"},
		{"a one-minute hold", func(o *childcare.Offering) { o.HoldTTL = time.Minute }, "", ""},
		{"an hour's hold", func(o *childcare.Offering) { o.HoldTTL = time.Hour }, "", ""},
		{"a 30-second hold", func(o *childcare.Offering) { o.HoldTTL = 30 * time.Second }, "/holdTtlMinutes", "range"},
		{"a hold past an hour", func(o *childcare.Offering) { o.HoldTTL = time.Hour + time.Minute }, "/holdTtlMinutes", "range"},
		{"a negative hold", func(o *childcare.Offering) { o.HoldTTL = -time.Minute }, "/holdTtlMinutes", "range"},
		{"ten holds a user", func(o *childcare.Offering) { o.MaxHoldsPerUser = 10 }, "", ""},
		{"eleven holds a user", func(o *childcare.Offering) { o.MaxHoldsPerUser = 11 }, "/maxHoldsPerUser", "range"},
		{"negative holds a user", func(o *childcare.Offering) { o.MaxHoldsPerUser = -1 }, "/maxHoldsPerUser", "range"},
		{"no weekdays", func(o *childcare.Offering) { o.Schedule.Weekdays = nil }, "/schedule/weekdays", "required"},
		{"weekday zero", func(o *childcare.Offering) { o.Schedule.Weekdays = []int{0, 1} }, "/schedule/weekdays", "range"},
		{"weekday eight", func(o *childcare.Offering) { o.Schedule.Weekdays = []int{8} }, "/schedule/weekdays", "range"},
		{"no sessions", sessions(), "/schedule/sessions", "required"},
		{"thirteen sessions", func(o *childcare.Offering) { o.Schedule.Sessions = thirteen }, "/schedule/sessions", "maxItems"},
		{"a session ending as it starts", sessions(childcare.Session{Start: "08:00", End: "08:00"}), "/schedule/sessions/0", "range"},
		{"a session ending before it starts", sessions(childcare.Session{Start: "08:00", End: "12:00"},
			childcare.Session{Start: "17:30", End: "13:30"}), "/schedule/sessions/1", "range"},
		{"midnight as 24:00", sessions(childcare.Session{Start: "20:00", End: "24:00"}), "/schedule/sessions/0", "range"},
		{"a time without its leading zero", sessions(childcare.Session{Start: "9:00", End: "12:00"}), "/schedule/sessions/0", "range"},
		{"a time with seconds", sessions(childcare.Session{Start: "09:00:00", End: "12:00"}), "/schedule/sessions/0", "range"},
		{"a time in words", sessions(childcare.Session{Start: "morning", End: "noon"}), "/schedule/sessions/0", "range"},
		{"drop-in with one session", func(o *childcare.Offering) {
			o.CareType = childcare.DropIn
			o.Schedule.Sessions = o.Schedule.Sessions[:1]
		}, "", ""},
		{"drop-in with two sessions", func(o *childcare.Offering) { o.CareType = childcare.DropIn }, "/schedule/sessions", "one_for_drop_in"},
		{"drop-in with none", func(o *childcare.Offering) {
			o.CareType = childcare.DropIn
			o.Schedule.Sessions = nil
		}, "/schedule/sessions", "required"},
		{"hourly with many sessions", func(o *childcare.Offering) {
			o.CareType = childcare.Hourly
			o.Schedule.Sessions = thirteen[:12]
		}, "", ""},
		{"full-day care needs no schedule", func(o *childcare.Offering) {
			o.CareType = childcare.FullDay
			o.Schedule = childcare.Schedule{}
		}, "", ""},
	}
	for _, c := range cases {
		in := halfDay()
		c.edit(&in)
		_, err := childcare.New(in, nursery, t0)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v %v", c.name, err, faulttest.Fields(err))
			}
			continue
		}
		if !fault.Is(err, childcare.ErrInvalid) {
			t.Errorf("%s: err = %v, want offering_invalid", c.name, err)
			continue
		}
		if got := faulttest.Fields(err)[c.field]; got != c.code {
			t.Errorf("%s: %s = %q, want %q (all: %v)", c.name, c.field, got, c.code, faulttest.Fields(err))
		}
	}
	// Every wrong is named at once.
	in := halfDay()
	in.Names.ZhCN, in.CareType, in.Ages.MaxMonths, in.Schedule.Weekdays = "", "overnight", 40, nil
	if f := faulttest.Fields(func() error { _, err := childcare.New(in, nursery, t0); return err }()); len(f) != 4 {
		t.Fatalf("fields %v, want four", f)
	}
}

func TestAHomeChildcarePointTakesAtMostFiveChildren(t *testing.T) {
	both := childcareProvider("li-family-nursery", provider.HomeChildcarePoint, provider.ChildcareInstitution)
	for _, c := range []struct {
		name  string
		p     *provider.Provider
		total int
		want  *fault.Error
	}{
		{"a home point of five", homePoint, 5, nil},
		{"a home point of six", homePoint, 6, childcare.ErrHomePointCap},
		{"a nursery of thirty", nursery, 30, nil},
		{"a home point filed as an institution too", both, 30, nil},
		{"a home point of none", homePoint, 0, reservation.ErrCapacityInvalid},
		{"a nursery past a slot's bound", nursery, reservation.MaxCapacity + 1, reservation.ErrCapacityInvalid},
	} {
		in := halfDay()
		in.Capacity = reservation.Capacity{Total: c.total, InclusiveQuota: 1}
		o, err := childcare.New(in, c.p, t0)
		if c.want == nil {
			if err != nil || o.Capacity.Total != c.total {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !fault.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.want.Code)
			continue
		}
		if c.want == childcare.ErrHomePointCap {
			if params(err)["max"] != childcare.HomePointMaxPlaces || faulttest.Fields(err)["/capacity"] != "home_point_max" {
				t.Errorf("%s: params %v fields %v", c.name, params(err), faulttest.Fields(err))
			}
		}
	}
}

func TestPricesFollowTheCatalogsRules(t *testing.T) {
	for _, c := range []struct {
		name  string
		price catalog.Price
		want  *fault.Error
		cap   any
	}{
		{"普惠 at 80% of market", catalog.Price{MarketFen: 15000, InclusiveFen: 12000}, nil, nil},
		{"普惠 equal to market under an agreement", catalog.Price{MarketFen: 15000, InclusiveFen: 15000, AgreementRef: "沪卫托〔2026〕12号"}, nil, nil},
		{"普惠 above 80% without an agreement", catalog.Price{MarketFen: 15000, InclusiveFen: 12001}, catalog.ErrInclusiveTooHigh, catalog.InclusiveCapPercent},
		{"普惠 above 80% with a blank agreement", catalog.Price{MarketFen: 15000, InclusiveFen: 13000, AgreementRef: "  "}, catalog.ErrInclusiveTooHigh, catalog.InclusiveCapPercent},
		{"普惠 above market even under an agreement", catalog.Price{MarketFen: 15000, InclusiveFen: 15001, AgreementRef: "x"}, catalog.ErrInclusiveTooHigh, 100},
		{"free care", catalog.Price{MarketFen: 0, InclusiveFen: 0}, catalog.ErrInvalid, nil},
		{"no 普惠 price", catalog.Price{MarketFen: 15000}, catalog.ErrInvalid, nil},
	} {
		in := halfDay()
		in.Price = c.price
		_, err := childcare.New(in, nursery, t0)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !fault.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.want.Code)
			continue
		}
		if c.cap != nil && params(err)["cap"] != c.cap {
			t.Errorf("%s: cap %v, want %v", c.name, params(err)["cap"], c.cap)
		}
	}
}

func TestOnlyChildcareProvidersOfferPlaces(t *testing.T) {
	for _, c := range []struct {
		name  string
		kinds []provider.Kind
		want  bool
	}{
		{"a nursery", []provider.Kind{provider.ChildcareInstitution}, true},
		{"a home point", []provider.Kind{provider.HomeChildcarePoint}, true},
		{"a canteen that also runs a nursery", []provider.Kind{provider.Canteen, provider.ChildcareInstitution}, true},
		{"home care for elders", []provider.Kind{provider.HomeCare}, false},
		{"a class organizer", []provider.Kind{provider.ClassOrganizer}, false},
		{"no licence", nil, false},
	} {
		if got := childcare.Offers(childcareProvider("p", c.kinds...)); got != c.want {
			t.Errorf("%s: offers %v", c.name, got)
		}
	}
}

func TestAChildIsEligibleFromTheFirstToTheLastMonthIncluded(t *testing.T) {
	o := halfDay() // 12–35 months
	for _, c := range []struct {
		months int
		ok     bool
	}{
		{11, false}, {12, true}, {24, true}, {35, true}, {36, false}, {-1, false},
	} {
		err := o.Eligible(c.months)
		if c.ok {
			if err != nil {
				t.Errorf("%d months: %v", c.months, err)
			}
			continue
		}
		if !fault.Is(err, childcare.ErrAgeIneligible) {
			t.Errorf("%d months: err = %v, want child_age_ineligible", c.months, err)
			continue
		}
		if p := params(err); p["ageMonths"] != c.months || p["minMonths"] != 12 || p["maxMonths"] != 35 {
			t.Errorf("%d months: params %v", c.months, p)
		}
	}
}
