package meal

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/text"
)

// WindowKind is which meal a window serves.
type WindowKind string

const (
	Breakfast WindowKind = "breakfast"
	Lunch     WindowKind = "lunch"
	Dinner    WindowKind = "dinner"
)

var windowKinds = []WindowKind{Breakfast, Lunch, Dinner}

// Valid reports a known window kind.
func (k WindowKind) Valid() bool { return slices.Contains(windowKinds, k) }

// Window is one meal a canteen serves each open day: when it serves,
// the last moment to order, change or cancel (the cutoff, on the day or
// CutoffDaysBefore days earlier), and how many portions it cooks.
type Window struct {
	Kind             WindowKind
	ServeFrom        Clock
	ServeTo          Clock
	Cutoff           Clock
	CutoffDaysBefore int
	Portions         int
}

// Bounds of a canteen's settings.
const (
	MaxPortions      = reservation.MaxCapacity // a window's day is one slot
	MaxPickupPoints  = 20
	MaxRegionCodes   = 50
	MaxDates         = 366
	MaxRadiusMetres  = 20_000
	MaxDeliveryFee   = 10_000 // ¥100
	maxPointName     = 100
	maxCutoffDaysAgo = 2
)

// PickupPoint is a 集中配送餐点 where meals wait for elders who collect them.
type PickupPoint struct {
	ID      string
	Name    string
	Address geo.Address
}

// Delivery is where a canteen takes meals to the door: within a radius
// of the canteen, or within listed region codes (either suffices), for
// a fee per meal. No radius and no region: it does not deliver.
type Delivery struct {
	RadiusMetres int
	RegionCodes  []string
	FeeFen       int64
}

// Delivers reports whether the canteen delivers at all.
func (d Delivery) Delivers() bool { return d.RadiusMetres > 0 || len(d.RegionCodes) > 0 }

// Covers reports whether an address is inside the delivery area.
func (d Delivery) Covers(canteen geo.Point, a geo.Address) bool {
	if slices.Contains(d.RegionCodes, a.RegionCode) {
		return true
	}
	return d.RadiusMetres > 0 && geo.Distance(canteen, a.Location) <= float64(d.RadiusMetres)
}

// Canteen is a canteen provider's meal-aid settings, one document per
// provider (its id is the provider's).
type Canteen struct {
	ProviderID   string
	TimeZone     string
	Location     geo.Point // the provider's address, where dine-in is and delivery is measured from
	RegionCode   string    // the provider's region: whose subsidy rules apply
	Windows      []Window
	PickupPoints []PickupPoint
	Delivery     Delivery
	// OpenWeekdays are the days it cooks (empty: Monday to Friday);
	// ClosedDates close it (public holidays) and OpenDates open it on
	// other days (调休 working Saturdays).
	OpenWeekdays []time.Weekday
	ClosedDates  []calendar.Date
	OpenDates    []calendar.Date
	// NoShowCharged: a meal nobody collected still draws its subsidy
	// (the canteen cooked it, as its agreement with the region says);
	// otherwise the subsidy goes back to the elder.
	NoShowCharged bool
	UpdatedBy     string
	UpdatedAt     time.Time
}

// Validate checks settings as the canteen enters them; every problem is
// reported at once, by field.
func (c Canteen) Validate() (Canteen, error) {
	var fields []fault.FieldError
	add := func(f, code string) { fields = append(fields, fault.FieldError{Field: f, Code: code}) }
	if len(c.Windows) == 0 {
		add("/windows", "required")
	}
	seen := map[WindowKind]bool{}
	for i, w := range c.Windows {
		at := "/windows/" + strconv.Itoa(i)
		switch {
		case !w.Kind.Valid():
			add(at+"/kind", "enum")
		case seen[w.Kind]:
			add(at+"/kind", "duplicate")
		}
		seen[w.Kind] = true
		if w.ServeTo <= w.ServeFrom {
			add(at+"/serveTo", "before_serve_from")
		}
		if w.CutoffDaysBefore < 0 || w.CutoffDaysBefore > maxCutoffDaysAgo {
			add(at+"/cutoffDaysBefore", "range")
		} else if w.CutoffDaysBefore == 0 && w.Cutoff > w.ServeFrom {
			add(at+"/cutoff", "after_serve_from")
		}
		if w.Portions < 1 || w.Portions > MaxPortions {
			add(at+"/portions", "range")
		}
	}
	if len(c.PickupPoints) > MaxPickupPoints {
		add("/pickupPoints", "maxItems")
	}
	ids := map[string]bool{}
	for i := range c.PickupPoints {
		p := &c.PickupPoints[i]
		at := "/pickupPoints/" + strconv.Itoa(i)
		fields = text.Rule{Max: maxPointName, Required: true}.Check(fields, at+"/name", &p.Name)
		if p.ID == "" || ids[p.ID] {
			add(at+"/id", "duplicate")
		}
		ids[p.ID] = true
		if a, err := geo.NewAddress(at+"/address", p.Address); err != nil {
			if fe, ok := fault.As(err); ok {
				fields = append(fields, fe.Fields...)
			}
		} else {
			p.Address = a
		}
	}
	d := c.Delivery
	if d.RadiusMetres < 0 || d.RadiusMetres > MaxRadiusMetres {
		add("/delivery/radiusMetres", "range")
	}
	if len(d.RegionCodes) > MaxRegionCodes {
		add("/delivery/regionCodes", "maxItems")
	}
	for i, rc := range d.RegionCodes {
		if !regionCodePattern(rc) {
			add("/delivery/regionCodes/"+strconv.Itoa(i), "pattern")
		}
	}
	if d.FeeFen < 0 || d.FeeFen > MaxDeliveryFee {
		add("/delivery/feeFen", "range")
	}
	for i, wd := range c.OpenWeekdays {
		if wd < time.Sunday || wd > time.Saturday {
			add("/openWeekdays/"+strconv.Itoa(i), "range")
		}
	}
	if len(c.ClosedDates) > MaxDates {
		add("/closedDates", "maxItems")
	}
	if len(c.OpenDates) > MaxDates {
		add("/openDates", "maxItems")
	}
	if len(fields) > 0 {
		return Canteen{}, ErrCanteenInvalid.WithFields(fields...)
	}
	return c, nil
}

func regionCodePattern(s string) bool {
	if len(s) != 6 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Location is the canteen's zone.
func (c Canteen) Zone() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Window is the canteen's window of a kind.
func (c Canteen) Window(k WindowKind) (Window, bool) {
	i := slices.IndexFunc(c.Windows, func(w Window) bool { return w.Kind == k })
	if i < 0 {
		return Window{}, false
	}
	return c.Windows[i], true
}

// OpenOn reports whether the canteen cooks on day d: a closed date
// closes it, an open date opens it (调休), else its weekdays decide.
func (c Canteen) OpenOn(d calendar.Date) bool {
	if slices.Contains(c.ClosedDates, d) {
		return false
	}
	if slices.Contains(c.OpenDates, d) {
		return true
	}
	wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
	days := c.OpenWeekdays
	if len(days) == 0 {
		days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	return slices.Contains(days, wd)
}

// PickupPoint finds a pick-up point by id.
func (c Canteen) PickupPoint(id string) (PickupPoint, bool) {
	i := slices.IndexFunc(c.PickupPoints, func(p PickupPoint) bool { return p.ID == id })
	if i < 0 {
		return PickupPoint{}, false
	}
	return c.PickupPoints[i], true
}

// Sitting is one window on one day: when it serves and when ordering
// for it closes, as instants.
type Sitting struct {
	Date       calendar.Date
	Kind       WindowKind
	Start, End time.Time
	CutoffAt   time.Time
	Portions   int
	TimeZone   string
}

// SittingOn is window k on day d, or ErrCanteenClosed when the canteen
// does not cook that day or has no such window.
func (c Canteen) SittingOn(d calendar.Date, k WindowKind) (Sitting, error) {
	w, ok := c.Window(k)
	if !ok {
		return Sitting{}, ErrMenuNotFound
	}
	if !c.OpenOn(d) {
		return Sitting{}, ErrCanteenClosed.With(map[string]any{"date": d.String()})
	}
	loc := c.Zone()
	return Sitting{Date: d, Kind: k, Start: w.ServeFrom.On(d, loc), End: w.ServeTo.On(d, loc),
		CutoffAt: w.Cutoff.On(d.AddDays(-w.CutoffDaysBefore), loc), Portions: w.Portions, TimeZone: loc.String()}, nil
}

// Open reports whether orders, changes and cancellations are still
// taken at now: strictly before the cutoff.
func (s Sitting) Open(now time.Time) bool { return now.Before(s.CutoffAt) }

// CheckOpen is ErrCutoffPassed, with the cutoff, once it has passed.
func (s Sitting) CheckOpen(now time.Time) error {
	if s.Open(now) {
		return nil
	}
	return ErrCutoffPassed.With(map[string]any{"cutoff": s.CutoffAt.UTC().Format(time.RFC3339)})
}
