package meal

import (
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/text"
)

// Mode is how the elder gets the meal.
type Mode string

const (
	DineIn       Mode = "dine_in"
	Pickup       Mode = "pickup"
	HomeDelivery Mode = "delivery"
)

// Status is where a meal order stands.
type Status string

const (
	Placed    Status = "placed"
	Cancelled Status = "cancelled"
	// Served is a meal handed over: eaten in, collected or delivered.
	Served Status = "served"
	// NoShow is a meal nobody collected by the end of its window.
	NoShow Status = "no_show"
)

// OrderedItem is an item as it was priced when ordered.
type OrderedItem struct {
	ID           string
	Name         string
	MarketFen    int64
	InclusiveFen int64
}

// SubsidyDraw is the subsidy one meal draws: Fen reserved in the elder's
// meal allowance account (Account) and in the month's cap account of
// the region's rule (CapAccount), under the order's ledger ref.
type SubsidyDraw struct {
	Category    Category
	AllowanceID string
	Account     string
	CapAccount  string
	Fen         int64
}

// Cancellation says who ended an order, when and why.
type Cancellation struct {
	UserID   string
	ByFamily bool
	Reason   string
	At       time.Time
}

// Order is one meal for one elder at one window on one day, ordered by
// a family member. Its id is the booking's (the unit of the window's
// slot it holds).
type Order struct {
	ID            string
	ProviderID    string
	FamilyID      string
	ElderID       string
	OrderedBy     string
	SlotID        string
	Date          calendar.Date
	Window        WindowKind
	Start, End    time.Time
	CutoffAt      time.Time
	TimeZone      string
	Mode          Mode
	PickupPointID string
	Address       *geo.Address // delivery only
	Items         []OrderedItem
	// MarketFen is the meal's market price; PriceFen its 普惠 price, which
	// elders pay; DueFen what the family pays: price and delivery fee
	// less the subsidy.
	MarketFen          int64
	PriceFen           int64
	DeliveryFeeFen     int64
	Subsidy            *SubsidyDraw
	DueFen             int64
	ConflictsConfirmed bool
	Note               string
	// SubscriptionID names the subscription that ordered this day, if
	// one did: its meal not collected by the window's end alerts the
	// family (EventMissed).
	SubscriptionID string
	// DietTags are the elder's diet needs when ordered, for the
	// kitchen's production list (not the allergies: the family's own
	// words stay on the elder's record).
	DietTags     []elder.DietTag
	Status       Status
	Cancellation *Cancellation
	// ServedBy and ServedAt say who handed the meal over, or marked it
	// not collected, and when.
	ServedBy string
	ServedAt time.Time
	// Delivered is the delivery staff's check-in at the door or the
	// pick-up point, when the meal was handed over there.
	Delivered *DeliveryCheckIn
	CreatedAt time.Time
	event.Outbox
}

// SubsidyFen is what the subsidy pays.
func (o *Order) SubsidyFen() int64 {
	if o.Subsidy == nil {
		return 0
	}
	return o.Subsidy.Fen
}

// Settle computes what is due from the price, fee and subsidy.
func (o *Order) Settle() { o.DueFen = o.PriceFen + o.DeliveryFeeFen - o.SubsidyFen() }

// CleanNote cleans a note for the canteen ("少放辣").
func CleanNote(s string) (string, error) {
	s, bad := text.Rule{Max: 200}.Clean("/note", s)
	if bad != nil {
		return "", ErrOrderInvalid.WithFields(*bad)
	}
	return s, nil
}

// Cancel ends a placed order: the family until the cutoff, the canteen
// (with a reason) at any time before the meal is served.
func (o *Order) Cancel(userID string, byFamily bool, reason string, now time.Time) error {
	switch o.Status {
	case Cancelled:
		return ErrOrderCancelled
	case Served, NoShow:
		// Handed over (or charged as not collected): its subsidy is
		// committed and it counts as served; there is nothing to cancel.
		return o.alreadyServed()
	}
	if byFamily && !now.Before(o.CutoffAt) {
		return ErrCutoffPassed.With(map[string]any{"cutoff": o.CutoffAt.UTC().Format(time.RFC3339)})
	}
	reason, bad := text.Rule{Max: 500, Required: !byFamily, Multiline: true}.Clean("/reason", reason)
	if bad != nil {
		return ErrOrderInvalid.WithFields(*bad)
	}
	o.Status = Cancelled
	o.Cancellation = &Cancellation{UserID: userID, ByFamily: byFamily, Reason: reason, At: now.UTC()}
	return nil
}

// Serve records the meal handed over by canteen staff: from its cutoff
// on (it is cooked by then), once.
func (o *Order) Serve(staffID string, now time.Time) error {
	if err := o.handOver(now); err != nil {
		return err
	}
	o.Status, o.ServedBy, o.ServedAt = Served, staffID, now.UTC()
	return o.announce(EventServed, now, nil)
}

// MissedBy records a meal nobody collected: only once its window is over.
func (o *Order) MissedBy(staffID string, now time.Time) error {
	if err := o.handOver(now); err != nil {
		return err
	}
	if now.Before(o.End) {
		return ErrWindowNotOver.With(map[string]any{"end": o.End.UTC().Format(time.RFC3339)})
	}
	o.Status, o.ServedBy, o.ServedAt = NoShow, staffID, now.UTC()
	return nil
}

// alreadyServed says who handed the meal over (or marked it not
// collected) and when.
func (o *Order) alreadyServed() error {
	return ErrAlreadyServed.With(map[string]any{"status": string(o.Status), "by": o.ServedBy,
		"at": o.ServedAt.UTC().Format(time.RFC3339)})
}

func (o *Order) handOver(now time.Time) error {
	switch o.Status {
	case Cancelled:
		return ErrOrderCancelled
	case Served, NoShow:
		return o.alreadyServed()
	}
	if now.Before(o.CutoffAt) {
		return ErrNotYetServed.With(map[string]any{"cutoff": o.CutoffAt.UTC().Format(time.RFC3339)})
	}
	return nil
}
