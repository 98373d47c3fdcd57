package order

import (
	"math"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
)

// DefaultGeofenceRadius is how close to the elder's address a check-in
// counts as at the door, unless the provider sets its own: GPS in a
// tower block drifts by tens of metres.
const DefaultGeofenceRadius = 200.0

// Device clocks: a phone may hold a check-in it made offline (a
// basement, a lift) and send it later, so kincare counts a visit by the
// phone's times. But only within what the server knows: nothing happened
// before the server received what must precede it (setting off, the
// check-in) nor after the server received it, nor longer ago than a
// phone may sensibly hold it. A phone's time outside those bounds is
// moved to the nearest one and kept as sent beside it.
const (
	MaxDeviceDelay = 12 * time.Hour
	// ClockTolerance is how far a phone's time may be moved before the
	// record is flagged clockAdjusted: phones send whole seconds and run a
	// little fast or slow, which is no one's business; a visit stretched
	// by minutes is the office's.
	ClockTolerance = time.Minute
)

// CheckInRules say what counts as at the door on time. They come from
// the provider's settings.
type CheckInRules struct {
	RadiusMetres float64       // ≤ 0: DefaultGeofenceRadius
	Early        time.Duration // how long before the window start a check-in is on time
	Late         time.Duration // how long after the window end
}

// DefaultCheckInRules: within 200 m, from 2 h before the window start to
// its end.
var DefaultCheckInRules = CheckInRules{RadiusMetres: DefaultGeofenceRadius, Early: 2 * time.Hour}

// Report is what a caregiver's phone sends at check-in or check-out.
type Report struct {
	DeviceTime time.Time // when the phone says it happened; zero if unknown
	Point      geo.Point
	Reason     string // why outside the geofence or the time; check-in only
}

// CheckIn is the caregiver's arrival at the door, with both clocks and
// whether it looked right. A flagged check-in stands, with its reason,
// for the provider to review.
type CheckIn struct {
	DeviceTime time.Time // as the phone sent it; zero if it sent none
	ServerTime time.Time // when kincare received it
	// Time is when it happened as kincare counts it: the phone's time
	// bounded by the server's (see bound).
	Time time.Time
	// ClockAdjusted says the phone's time was moved by more than
	// ClockTolerance to fit those bounds, for the office to look at.
	ClockAdjusted  bool
	Point          geo.Point
	DistanceMetres int
	InsideGeofence bool
	OnTime         bool
	Reason         string
}

// At is when the caregiver arrived, as kincare counts it.
func (c CheckIn) At() time.Time { return counted(c.Time, c.ServerTime) }

// Flagged reports a check-in away from the address or the time.
func (c CheckIn) Flagged() bool { return !c.InsideGeofence || !c.OnTime }

// CheckOut is the caregiver's departure.
type CheckOut struct {
	DeviceTime      time.Time
	ServerTime      time.Time
	Time            time.Time
	ClockAdjusted   bool
	Point           geo.Point
	DurationMinutes int // from check-in to check-out, as counted
}

// At is when the caregiver left, as kincare counts it.
func (c CheckOut) At() time.Time { return counted(c.Time, c.ServerTime) }

// counted is a stamp's counted time. A record written before kincare
// bounded phone times has none: it counts by the server's clock.
func counted(t, server time.Time) time.Time {
	if t.IsZero() {
		return server
	}
	return t
}

// bound places the phone's time of an event within what the server
// knows: not before from (the server's receipt of what must come first),
// not after receipt (the server's receipt of this), and not more than
// MaxDeviceDelay before receipt. It says whether the phone's time had to
// move by more than ClockTolerance. Without a phone time, the receipt
// counts and nothing was adjusted.
func bound(device, from, receipt time.Time) (time.Time, bool) {
	if device.IsZero() {
		return receipt, false
	}
	from = later(from, receipt.Add(-MaxDeviceDelay))
	at := device.UTC()
	if at.Before(from) {
		at = from
	}
	if at.After(receipt) {
		at = receipt
	}
	return at, at.Sub(device).Abs() > ClockTolerance
}

// BoundDeviceTime is bound for other hand-overs recorded like a visit
// (a meal delivered at the door, a monthly visit to a vulnerable elder in
// domain/visit): the phone's time placed within what
// the server knows, and whether it moved by more than ClockTolerance.
func BoundDeviceTime(device, from, receipt time.Time) (time.Time, bool) {
	return bound(device, from, receipt)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Start is the caregiver setting off.
func (o *Order) Start(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionStart, eventID, now)
	if err != nil {
		return err
	}
	o.enter(next, now)
	o.announce(eventID, EventEnRoute, now, nil)
	return nil
}

// CheckIn is the caregiver at the door. Away from the address (beyond
// the rules' radius) or from the time (before Early or after Late), it
// is accepted only with a reason, and flagged. The time judged is the
// phone's, bounded: not before the server heard the caregiver set off
// (or, if they never said, accept the order) and not after the server
// received the check-in; so a check-in made offline on time stays on
// time when it arrives late, and a phone cannot place it earlier.
func (o *Order) CheckIn(by Actor, r Report, rules CheckInRules, eventID string, now time.Time) error {
	next, err := o.move(by, ActionCheckIn, eventID, now)
	if err != nil {
		return err
	}
	now = now.UTC()
	v := validator{}
	checkPoint(&v, r.Point)
	r.Reason = v.text("/reason", r.Reason, MaxReason, false)
	if err := v.err(ErrRecordInvalid); err != nil {
		return err
	}
	if rules.RadiusMetres <= 0 {
		rules.RadiusMetres = DefaultGeofenceRadius
	}
	// The order entered its current status (accepted, or en route) when
	// this caregiver accepted it or set off: the visit began no earlier.
	since, _ := o.EnteredAt(o.status)
	in := CheckIn{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point, Reason: r.Reason}
	in.Time, in.ClockAdjusted = bound(r.DeviceTime, since, now)
	distance := geo.Distance(o.address.Location, r.Point)
	in.DistanceMetres = int(math.Round(distance))
	in.InsideGeofence = distance <= rules.RadiusMetres
	at := in.At()
	in.OnTime = !at.Before(o.window.Start.Add(-max(rules.Early, 0))) && !at.After(o.window.End.Add(max(rules.Late, 0)))
	if in.Flagged() && in.Reason == "" {
		var fields []fault.FieldError
		if !in.InsideGeofence {
			fields = append(fields, fault.FieldError{Field: "/point", Code: "outside_geofence"})
		}
		if !in.OnTime {
			fields = append(fields, fault.FieldError{Field: "/deviceTime", Code: "outside_window"})
		}
		return ErrCheckInReasonRequired.With(map[string]any{"distanceMetres": in.DistanceMetres,
			"radiusMetres": int(math.Round(rules.RadiusMetres))}).WithFields(fields...)
	}
	o.checkIn = &in
	o.enter(next, now)
	o.announce(eventID, EventArrived, now, map[string]string{"insideGeofence": boolString(in.InsideGeofence),
		"onTime": boolString(in.OnTime), "flagged": boolString(in.Flagged())})
	return nil
}

// BeginService is the elder letting the caregiver in.
func (o *Order) BeginService(by Actor, eventID string, now time.Time) error {
	next, err := o.move(by, ActionBeginService, eventID, now)
	if err != nil {
		return err
	}
	o.enter(next, now)
	o.announce(eventID, EventServiceBegan, now, nil)
	return nil
}

// CheckOut is the caregiver leaving; there is no check-out without a
// check-in, because only in_service allows it. Its time is the phone's,
// bounded: not before the check-in as counted, not after the server
// received the check-out. The duration runs between the two counted
// times, so no phone clock can make a visit longer than the server saw
// it could have been.
func (o *Order) CheckOut(by Actor, r Report, eventID string, now time.Time) error {
	next, err := o.move(by, ActionCheckOut, eventID, now)
	if err != nil {
		return err
	}
	if o.checkIn == nil {
		return o.conflict(ActionCheckOut) // unreachable for orders kept by this package
	}
	now = now.UTC()
	v := validator{}
	checkPoint(&v, r.Point)
	if err := v.err(ErrRecordInvalid); err != nil {
		return err
	}
	out := CheckOut{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point}
	out.Time, out.ClockAdjusted = bound(r.DeviceTime, o.checkIn.At(), now)
	out.DurationMinutes = int(out.Time.Sub(o.checkIn.At()) / time.Minute)
	o.checkOut = &out
	o.enter(next, now)
	o.announce(eventID, EventCompleted, now, map[string]string{"durationMinutes": strconv.Itoa(out.DurationMinutes)})
	return nil
}

func checkPoint(v *validator, p geo.Point) {
	if _, err := geo.NewPoint(p.Lat, p.Lng); err != nil {
		fe, _ := fault.As(err)
		for _, f := range fe.Fields {
			v.add("/point/"+f.Field, f.Code)
		}
	}
}
