// Package reservation is kincare's one reservation engine in the domain's
// words: a Slot (a resource over a time window with a capacity and an
// optional 普惠 quota), the Holds parents take on it for minutes, the
// Bookings a confirmed hold becomes, and the Waitlist served when a place
// comes free. Childcare places, class seats and bathing-van windows all
// use it. The slot's document is the truth about what is booked; Redis
// only admits holds fast and can always be rebuilt from it. Pure domain
// code.
package reservation

import "github.com/kincare/kincare/domain/fault"

// Tier is the price a unit is held and booked at. A slot's capacity is
// split into two pools: Quota units at the 普惠 (inclusive, subsidised)
// price and the rest at the market price, so market demand can never
// take the places policy reserves for 普惠 families.
type Tier string

const (
	Market    Tier = "market"
	Inclusive Tier = "inclusive"
)

// Tiers lists both, market first.
var Tiers = []Tier{Market, Inclusive}

var ErrTierInvalid = fault.New(fault.Unprocessable, "tier_invalid")

// ParseTier reads a tier; empty means market.
func ParseTier(s string) (Tier, error) {
	switch Tier(s) {
	case "", Market:
		return Market, nil
	case Inclusive:
		return Inclusive, nil
	}
	return "", ErrTierInvalid.WithFields(fault.FieldError{Field: "/tier", Code: "enum"})
}

// Capacity is a slot's size and how much of it is 普惠.
type Capacity struct {
	Total          int
	InclusiveQuota int
}

// MaxCapacity bounds one slot (and with it the slot's document, which
// lists every confirmed seat): a canteen's lunch sitting is the largest.
const MaxCapacity = 500

// Pool is how many units the tier has.
func (c Capacity) Pool(t Tier) int {
	if t == Inclusive {
		return c.InclusiveQuota
	}
	return c.Total - c.InclusiveQuota
}

// Validate refuses a capacity that cannot exist.
func (c Capacity) Validate() error {
	var fields []fault.FieldError
	if c.Total < 1 || c.Total > MaxCapacity {
		fields = append(fields, fault.FieldError{Field: "/capacity", Code: "range"})
	}
	if c.InclusiveQuota < 0 || c.InclusiveQuota > c.Total {
		fields = append(fields, fault.FieldError{Field: "/inclusiveQuota", Code: "range"})
	}
	if len(fields) > 0 {
		return ErrCapacityInvalid.WithFields(fields...)
	}
	return nil
}
