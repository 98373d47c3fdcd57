package visit

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/text"
)

// Mode is how a visit is made.
type Mode string

const (
	InPerson Mode = "in_person" // at the door: geofenced check-in and check-out
	ByPhone  Mode = "phone"     // a call, with its duration
)

// Status of a visit.
type Status string

const (
	InProgress Status = "in_progress" // checked in, not out
	Completed  Status = "completed"
)

// Bounds of what a visit record holds.
const (
	MaxAssessmentText = 500
	MaxFollowUps      = 5
	MaxPhoneMinutes   = 240
)

var (
	ErrVisitNotFound = fault.New(fault.NotFound, "visit_not_found")
	ErrVisitInvalid  = fault.New(fault.Unprocessable, "visit_invalid")
	// ErrVisitCompleted is a check-out of a visit already completed.
	ErrVisitCompleted = fault.New(fault.Conflict, "visit_completed")
	// ErrCheckInReasonRequired is a check-in away from the elder's
	// address without a reason: an order visit's rule and code.
	ErrCheckInReasonRequired = order.ErrCheckInReasonRequired
	// ErrNotVerified is a time credit asked for a visit that is not
	// verified (by phone, away from the address, or not checked out).
	ErrNotVerified = fault.New(fault.Conflict, "visit_not_verified")
)

// Living condition, mood: the short assessment's scales.
type (
	Living string
	Mood   string
)

const (
	LivingGood Living = "good"
	LivingFair Living = "fair"
	LivingPoor Living = "poor"
	MoodGood   Mood   = "good"
	MoodLow    Mood   = "low"
	MoodPoor   Mood   = "poor"
)

// Assessment is what the visitor found.
type Assessment struct {
	Living  Living
	Mood    Mood
	Needs   string
	Hazards string
}

// FollowUpKind is what a visit leads to.
type FollowUpKind string

const (
	// Referral suggests a service to the family (an order they may place).
	Referral FollowUpKind = "referral"
	// RaiseIncident raises an incident on the elder's ladder.
	RaiseIncident FollowUpKind = "incident"
)

// FollowUp is one thing the visit leads to.
type FollowUp struct {
	Kind        FollowUpKind
	ServiceType string // a referral's service (bathing, meal_aid…)
	Note        string
	IncidentID  string // set once the incident is raised
}

// Stamp is one end of an in-person visit, as order visits keep theirs.
type Stamp struct {
	DeviceTime     time.Time
	ServerTime     time.Time
	Time           time.Time // the phone's, bounded
	ClockAdjusted  bool
	Point          geo.Point
	DistanceMetres int
	InsideGeofence bool
	Reason         string
}

// Visit is one visit to a vulnerable elder.
type Visit struct {
	ID          string
	ElderID     string
	FamilyID    string
	ElderName   string
	RegionCode  string
	StationID   string
	VisitorID   string
	VisitorKind VisitorKind
	Mode        Mode
	Status      Status
	Month       string // yyyy-mm in the elder's zone, of the visit's start
	CheckIn     *Stamp
	CheckOut    *Stamp
	StartedAt   time.Time
	Minutes     int
	Assessment  Assessment
	FollowUps   []FollowUp
	// Credited is the minutes the time bank credited (0: none yet).
	Credited int64
	event.Outbox
}

// Report is what a visitor's phone sends at the door.
type Report struct {
	DeviceTime time.Time
	Point      geo.Point
	Reason     string
}

// Start is a new visit to the elder of c by its assigned visitor.
func Start(id string, c *Care, mode Mode, now time.Time) *Visit {
	v := &Visit{ID: id, ElderID: c.ElderID, FamilyID: c.FamilyID, ElderName: c.ElderName, RegionCode: c.RegionCode,
		StationID: c.StationID, Mode: mode, Status: InProgress, StartedAt: now.UTC()}
	if c.Visitor != nil {
		v.VisitorID, v.VisitorKind = c.Visitor.UserID, c.Visitor.Kind
	}
	return v
}

// CheckInAt checks the visitor in at the elder's home: within the
// geofence, or with a reason (then unverified). The phone's time is
// bounded as an order visit's: not before receipt − MaxDeviceDelay nor
// after receipt.
func (v *Visit) CheckInAt(home geo.Point, r Report, loc *time.Location, now time.Time) error {
	if _, err := geo.NewPoint(r.Point.Lat, r.Point.Lng); err != nil {
		return ErrVisitInvalid.WithFields(fault.FieldError{Field: "/point", Code: "range"})
	}
	reason, bad := text.Rule{Max: MaxAssessmentText}.Clean("/reason", r.Reason)
	if bad != nil {
		return ErrVisitInvalid.WithFields(*bad)
	}
	now = now.UTC()
	s := Stamp{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point, Reason: reason}
	s.Time, s.ClockAdjusted = order.BoundDeviceTime(r.DeviceTime, time.Time{}, now)
	d := geo.Distance(home, r.Point)
	s.DistanceMetres = int(math.Round(d))
	s.InsideGeofence = d <= order.DefaultGeofenceRadius
	if !s.InsideGeofence && reason == "" {
		return ErrCheckInReasonRequired.With(map[string]any{"distanceMetres": s.DistanceMetres,
			"radiusMetres": int(order.DefaultGeofenceRadius)}).WithFields(fault.FieldError{Field: "/point", Code: "outside_geofence"})
	}
	v.CheckIn = &s
	v.StartedAt = s.Time
	v.Month = MonthOf(s.Time, loc)
	return nil
}

// Phone records a phone visit of minutes, made now.
func (v *Visit) Phone(minutes int, loc *time.Location, now time.Time) error {
	if minutes < 1 || minutes > MaxPhoneMinutes {
		return ErrVisitInvalid.WithFields(fault.FieldError{Field: "/durationMinutes", Code: "range"})
	}
	v.Minutes = minutes
	v.StartedAt = now.UTC().Add(-time.Duration(minutes) * time.Minute)
	v.Month = MonthOf(v.StartedAt, loc)
	return nil
}

// CheckOutAt is the visitor leaving: the phone's time bounded by the
// check-in as counted and the receipt; the duration runs between the two.
func (v *Visit) CheckOutAt(r Report, now time.Time) error {
	if v.Status == Completed {
		return ErrVisitCompleted
	}
	if v.Mode != InPerson || v.CheckIn == nil {
		return ErrVisitInvalid.WithFields(fault.FieldError{Field: "/mode", Code: "not_in_person"})
	}
	if _, err := geo.NewPoint(r.Point.Lat, r.Point.Lng); err != nil {
		return ErrVisitInvalid.WithFields(fault.FieldError{Field: "/point", Code: "range"})
	}
	now = now.UTC()
	s := Stamp{DeviceTime: r.DeviceTime.UTC(), ServerTime: now, Point: r.Point}
	s.Time, s.ClockAdjusted = order.BoundDeviceTime(r.DeviceTime, v.CheckIn.Time, now)
	s.DistanceMetres = int(math.Round(geo.Distance(v.CheckIn.Point, r.Point)))
	v.CheckOut = &s
	v.Minutes = int(s.Time.Sub(v.CheckIn.Time) / time.Minute)
	return nil
}

// Complete writes the assessment and follow-ups and announces the visit
// (EventRecorded: the family hears of it, the indicators count it).
func (v *Visit) Complete(a Assessment, fs []FollowUp, eventID string, now time.Time) error {
	if v.Status == Completed {
		return ErrVisitCompleted
	}
	var fields []fault.FieldError
	if !slices.Contains([]Living{LivingGood, LivingFair, LivingPoor}, a.Living) {
		fields = append(fields, fault.FieldError{Field: "/assessment/living", Code: "enum"})
	}
	if !slices.Contains([]Mood{MoodGood, MoodLow, MoodPoor}, a.Mood) {
		fields = append(fields, fault.FieldError{Field: "/assessment/mood", Code: "enum"})
	}
	var bad *fault.FieldError
	if a.Needs, bad = (text.Rule{Max: MaxAssessmentText}).Clean("/assessment/needs", a.Needs); bad != nil {
		fields = append(fields, *bad)
	}
	if a.Hazards, bad = (text.Rule{Max: MaxAssessmentText}).Clean("/assessment/hazards", a.Hazards); bad != nil {
		fields = append(fields, *bad)
	}
	if len(fs) > MaxFollowUps {
		fields = append(fields, fault.FieldError{Field: "/followUps", Code: "max_items"})
	}
	for i, f := range fs {
		at := "/followUps/" + strconv.Itoa(i)
		if f.Kind != Referral && f.Kind != RaiseIncident {
			fields = append(fields, fault.FieldError{Field: at + "/kind", Code: "enum"})
		}
		if f.Kind == Referral && f.ServiceType == "" {
			fields = append(fields, fault.FieldError{Field: at + "/serviceType", Code: "required"})
		}
		if fs[i].Note, bad = (text.Rule{Max: MaxAssessmentText}).Clean(at+"/note", f.Note); bad != nil {
			fields = append(fields, *bad)
		}
	}
	if len(fields) > 0 {
		return ErrVisitInvalid.WithFields(fields...)
	}
	v.Assessment, v.FollowUps, v.Status = a, slices.Clone(fs), Completed
	referrals := 0
	for _, f := range fs {
		if f.Kind == Referral {
			referrals++
		}
	}
	e, err := event.New(eventID, EventRecorded, event.Subject{Kind: "visit", ID: v.ID}, now, map[string]string{
		"visitId": v.ID, "elderId": v.ElderID, "elder": v.ElderName, "familyId": v.FamilyID,
		"regionCode": v.RegionCode, "stationId": v.StationID, "visitorId": v.VisitorID,
		"visitorKind": string(v.VisitorKind), "mode": string(v.Mode), "month": v.Month,
		"minutes": strconv.Itoa(v.Minutes), "verified": boolString(v.Verified()),
		"living": string(a.Living), "mood": string(a.Mood), "referrals": strconv.Itoa(referrals)})
	if err != nil {
		return err
	}
	v.Record(e)
	return nil
}

// Verified reports whether the visit counts for the time bank: made in
// person, checked in inside the geofence and checked out, neither phone
// time moved beyond tolerance, and at least a minute long. A phone visit
// counts towards the visit rate but earns no minutes: nothing vouches
// for it.
func (v *Visit) Verified() bool {
	return v.Status == Completed && v.Mode == InPerson && v.CheckIn != nil && v.CheckOut != nil &&
		v.CheckIn.InsideGeofence && !v.CheckIn.ClockAdjusted && !v.CheckOut.ClockAdjusted && v.Minutes >= 1
}

// Credit is the time bank's posting for a verified visit by a volunteer:
// its minutes, once, keyed by the visit (the ledger's unique key).
func (v *Visit) Credit() (ledger.Posting, error) {
	if !v.Verified() {
		return ledger.Posting{}, ErrNotVerified
	}
	return ledger.Posting{Ref: CreditRef(v.ID), Amount: int64(v.Minutes), Month: v.Month, By: v.VisitorID,
		Reason: "探访 visit " + v.ID}, nil
}

// CreditRef is the ledger ref of a visit's credit.
func CreditRef(visitID string) string { return "visit:" + visitID }

// MonthOf is the month (yyyy-mm) of t in loc.
func MonthOf(t time.Time, loc *time.Location) string { return ledger.Month(t, loc).Key }
