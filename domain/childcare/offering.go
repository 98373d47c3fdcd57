// Package childcare is what childcare providers offer parents (托育):
// an Offering of places of one care type for children of an age range,
// with a capacity, a 普惠 quota, published prices and a schedule of the
// slots parents book on the reservation engine. Pure domain code.
package childcare

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// CareType is how a child is looked after.
type CareType string

const (
	FullDay CareType = "full_day" // 全日托: a month's enrolment
	HalfDay CareType = "half_day" // 半日托: a morning or afternoon session
	Hourly  CareType = "hourly"   // 计时托: an hour range
	DropIn  CareType = "drop_in"  // 临时托: a day, booked at short notice
)

var careTypes = []CareType{FullDay, HalfDay, Hourly, DropIn}

// MaxAgeMonths: childcare serves children under three.
const MaxAgeMonths = 36

// HomePointMaxPlaces is the most children a home childcare point (家庭托育点)
// may take at once under its registration (家庭托育点管理办法（试行）, 2023:
// 收托人数不应当超过5人).
const HomePointMaxPlaces = 5

// ResourceKind names offerings as the reservation engine's resources.
const ResourceKind = reservation.ChildcarePlace

var (
	ErrNotFound     = fault.New(fault.NotFound, "offering_not_found")
	ErrInvalid      = fault.New(fault.Unprocessable, "offering_invalid")
	ErrNotChildcare = fault.New(fault.Forbidden, "provider_not_childcare")
	// ErrAgeIneligible is a child outside the offering's age range on the
	// slot's first day.
	ErrAgeIneligible = fault.New(fault.Unprocessable, "child_age_ineligible")
	ErrHomePointCap  = fault.New(fault.Unprocessable, "home_point_capacity_exceeded")
)

// AgeRange is the ages served, in whole months, both ends included.
type AgeRange struct{ MinMonths, MaxMonths int }

// Offering is one kind of place a provider offers.
type Offering struct {
	ID         string
	ProviderID string
	Names      catalog.Names
	CareType   CareType
	Ages       AgeRange
	// Capacity is what each new slot starts with; each slot's own may be
	// changed afterwards.
	Capacity reservation.Capacity
	Price    catalog.Price // per slot: a month, a session, an hour range, a day
	Schedule Schedule
	// HoldTTL and MaxHoldsPerUser govern holds on its slots.
	HoldTTL         time.Duration
	MaxHoldsPerUser int
	Active          bool
	CreatedBy       string
	CreatedAt       time.Time
}

// New validates an offering of provider p.
func New(o Offering, p *provider.Provider, now time.Time) (Offering, error) {
	var fields []fault.FieldError
	bad := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	fields = catalog.CheckNames(fields, &o.Names, false)
	if !slices.Contains(careTypes, o.CareType) {
		bad("/careType", "enum")
	}
	if o.Ages.MinMonths < 0 || o.Ages.MaxMonths >= MaxAgeMonths || o.Ages.MinMonths > o.Ages.MaxMonths {
		bad("/ages", "range")
	}
	if o.HoldTTL == 0 {
		o.HoldTTL = reservation.DefaultHoldTTL
	}
	if o.HoldTTL < reservation.MinHoldTTL || o.HoldTTL > reservation.MaxHoldTTL {
		bad("/holdTtlMinutes", "range")
	}
	if o.MaxHoldsPerUser == 0 {
		o.MaxHoldsPerUser = reservation.DefaultMaxHoldsPerUser
	}
	if o.MaxHoldsPerUser < 1 || o.MaxHoldsPerUser > reservation.MaxHoldsPerUser {
		bad("/maxHoldsPerUser", "range")
	}
	if err := o.Schedule.validate(o.CareType); err != nil {
		fields = append(fields, err...)
	}
	if len(fields) > 0 {
		return Offering{}, ErrInvalid.WithFields(fields...)
	}
	if err := o.Capacity.Validate(); err != nil {
		return Offering{}, err
	}
	if err := CheckCapacity(p, o.Capacity); err != nil {
		return Offering{}, err
	}
	price, err := catalog.CheckPrice(o.Price)
	if err != nil {
		return Offering{}, err
	}
	o.Price = price
	o.Price.Version, o.Price.From = 1, now.UTC()
	o.ProviderID, o.Active, o.CreatedAt = p.ID, true, now.UTC()
	return o, nil
}

// Offers reports whether p may offer childcare places at all.
func Offers(p *provider.Provider) bool {
	return slices.ContainsFunc(p.Profile.Licences, func(l provider.Licence) bool {
		return l.Kind == provider.ChildcareInstitution || l.Kind == provider.HomeChildcarePoint
	})
}

// HomePoint reports whether p is registered only as a home childcare
// point (家庭托育点), without an institution's filing: it takes at most
// five children.
func HomePoint(p *provider.Provider) bool {
	return !slices.ContainsFunc(p.Profile.Licences, func(l provider.Licence) bool {
		return l.Kind == provider.ChildcareInstitution
	})
}

// CheckCapacity refuses a capacity p's registration does not allow: a
// home childcare point without an institution's filing takes at most
// five children.
func CheckCapacity(p *provider.Provider, c reservation.Capacity) error {
	institution := slices.ContainsFunc(p.Profile.Licences, func(l provider.Licence) bool {
		return l.Kind == provider.ChildcareInstitution
	})
	if !institution && c.Total > HomePointMaxPlaces {
		return ErrHomePointCap.With(map[string]any{"max": HomePointMaxPlaces}).
			WithFields(fault.FieldError{Field: "/capacity", Code: "home_point_max"})
	}
	return nil
}

// Eligible checks a child's age in months on the slot's first day, in the
// provider's zone.
func (o Offering) Eligible(ageMonths int) error {
	if ageMonths < o.Ages.MinMonths || ageMonths > o.Ages.MaxMonths {
		return ErrAgeIneligible.With(map[string]any{"ageMonths": ageMonths,
			"minMonths": o.Ages.MinMonths, "maxMonths": o.Ages.MaxMonths})
	}
	return nil
}

// PriceFen is what a place of the tier costs.
func (o Offering) PriceFen(t reservation.Tier) int64 {
	if t == reservation.Inclusive {
		return o.Price.InclusiveFen
	}
	return o.Price.MarketFen
}
