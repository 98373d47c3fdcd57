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

// Device clocks: a phone may be a little fast, and may hold a check-in it
// made offline (a basement, a lift) and send it later. Within these
// bounds kincare believes the phone about when things happened; beyond
// them it uses its own clock and says so.
const (
	MaxClockSkew   = 5 * time.Minute
	MaxDeviceDelay = 12 * time.Hour
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
	DeviceTime        time.Time
	ServerTime        time.Time
	DeviceTimeTrusted bool
	Point             geo.Point
	DistanceMetres    int
	InsideGeofence    bool
	OnTime            bool
	Reason            string
}

// At is when the caregiver arrived, by the phone if it is believed.
func (c CheckIn) At() time.Time { return believed(c.DeviceTime, c.ServerTime, c.DeviceTimeTrusted) }

// Flagged reports a check-in away from the address or the time.
func (c CheckIn) Flagged() bool { return !c.InsideGeofence || !c.OnTime }

// CheckOut is the caregiver's departure.
type CheckOut struct {
	DeviceTime        time.Time
	ServerTime        time.Time
	DeviceTimeTrusted bool
	Point             geo.Point
	DurationMinutes   int // from check-in to check-out
}

// At is when the caregiver left, by the phone if it is believed.
func (c CheckOut) At() time.Time { return believed(c.DeviceTime, c.ServerTime, c.DeviceTimeTrusted) }

func believed(device, server time.Time, trusted bool) time.Time {
	if trusted {
		return device
	}
	return server
}

// trust says whether the phone's time is believable: set, not ahead of
// the server by more than a little, not held offline too long, and not
// before what it follows (acceptance, check-in).
func trust(device, after, now time.Time) bool {
	return !device.IsZero() && !device.After(now.Add(MaxClockSkew)) &&
		!device.Before(now.Add(-MaxDeviceDelay)) && !device.Before(after)
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
// phone's when believable, so a check-in made offline on time stays on
// time when it arrives late.
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
	accepted, _ := o.EnteredAt(StatusAccepted)
	in := CheckIn{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point, Reason: r.Reason,
		DeviceTimeTrusted: trust(r.DeviceTime, accepted, now)}
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
// check-in, because only in_service allows it. The duration counts
// between the phone's times when both are believed, else between the
// server's, never mixing the two clocks.
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
	out := CheckOut{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point,
		DeviceTimeTrusted: trust(r.DeviceTime, o.checkIn.At(), now)}
	span := out.ServerTime.Sub(o.checkIn.ServerTime)
	if out.DeviceTimeTrusted && o.checkIn.DeviceTimeTrusted {
		span = out.DeviceTime.Sub(o.checkIn.DeviceTime)
	}
	out.DurationMinutes = max(int(span/time.Minute), 0)
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
