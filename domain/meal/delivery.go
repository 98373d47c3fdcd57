package meal

import (
	"math"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/text"
)

// Errors of the canteen's day.
var (
	// ErrNotForDelivery is a delivery confirmed for a meal eaten in.
	ErrNotForDelivery = fault.New(fault.Conflict, "meal_not_for_delivery")
	// ErrDeliveryReasonRequired is a check-in away from the door or the
	// pick-up point without a reason: as for visits, it stands only with
	// one, and flagged.
	ErrDeliveryReasonRequired = fault.New(fault.Unprocessable, "meal_delivery_reason_required")
	// ErrDeliveryListClosed is the delivery list, with elders'
	// addresses, asked for on another day than its own.
	ErrDeliveryListClosed = fault.New(fault.Forbidden, "meal_delivery_list_closed")
)

// DeliveryReport is what the delivery staff's phone sends at the door or
// the pick-up point: where, when the phone says (it may send it late),
// and why, if away from the place.
type DeliveryReport struct {
	Point      geo.Point
	DeviceTime time.Time
	Reason     string
}

// DeliveryCheckIn is a meal handed over at the door or the pick-up
// point, recorded like a visit's check-in: both clocks, the phone's time
// bounded by the server's (order.BoundDeviceTime), and whether it was at
// the place.
type DeliveryCheckIn struct {
	By             string
	Point          geo.Point
	DistanceMetres int
	InsideGeofence bool
	DeviceTime     time.Time
	ServerTime     time.Time
	Time           time.Time
	ClockAdjusted  bool
	Reason         string
}

// Deliver records the meal handed over by the canteen's delivery staff
// at place (the elder's door, or the pick-up point): from the cutoff on,
// once. Beyond radius metres of place it needs a reason and is flagged.
// The time counted is the phone's, not before the cutoff (nothing was
// cooked for it before) nor after the server received it, nor more than
// order.MaxDeviceDelay before.
func (o *Order) Deliver(staffID string, r DeliveryReport, place geo.Point, radius float64, now time.Time) error {
	// What the phone sent is checked first: a bad report is the same
	// mistake whatever the order's state.
	if _, err := geo.NewPoint(r.Point.Lat, r.Point.Lng); err != nil {
		return ErrOrderInvalid.WithFields(fault.FieldError{Field: "/lat", Code: "range"})
	}
	reason, bad := text.Rule{Max: 200}.Clean("/reason", r.Reason)
	if bad != nil {
		return ErrOrderInvalid.WithFields(*bad)
	}
	if o.Mode == DineIn {
		return ErrNotForDelivery
	}
	if err := o.handOver(now); err != nil {
		return err
	}
	now = now.UTC()
	in := DeliveryCheckIn{By: staffID, Point: r.Point, DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Reason: reason}
	in.Time, in.ClockAdjusted = order.BoundDeviceTime(r.DeviceTime, o.CutoffAt, now)
	distance := geo.Distance(place, r.Point)
	in.DistanceMetres = int(math.Round(distance))
	in.InsideGeofence = distance <= radius
	if !in.InsideGeofence && reason == "" {
		return ErrDeliveryReasonRequired.With(map[string]any{"distanceMetres": in.DistanceMetres,
			"radiusMetres": int(math.Round(radius))}).WithFields(fault.FieldError{Field: "/lat", Code: "outside_geofence"})
	}
	o.Status, o.ServedBy, o.ServedAt, o.Delivered = Served, staffID, in.Time, &in
	flagged := "false"
	if !in.InsideGeofence {
		flagged = "true"
	}
	return o.announce(EventDelivered, in.Time, map[string]string{"flagged": flagged})
}
