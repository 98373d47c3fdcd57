package attendance

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/text"
)

// Attendee is one child placed in a room for a day, and what happened.
type Attendee struct {
	ChildID  string
	FamilyID string
	// Places are the child's bookings that day, their windows cut to the
	// day (a full-day month is one day of it here).
	Places   []Place
	PlacedAt time.Time
	CheckIn  *CheckIn
	CheckOut *CheckOut
	Absence  *Absence
	NoShow   *NoShow
	// Refusals are departures refused to people not authorized.
	Refusals []Refusal
}

// Place is one booking's part of the day.
type Place struct {
	BookingID  string
	Tier       reservation.Tier
	Start, End time.Time
	// AtDoor is a place taken for a child who came without a booking
	// (临时托): the provider's staff booked it at check-in.
	AtDoor bool
}

// Present reports whether the child is in the room now: checked in and
// not yet out.
func (a Attendee) Present() bool { return a.CheckIn != nil && a.CheckOut == nil }

// Attended reports whether the child came.
func (a Attendee) Attended() bool { return a.CheckIn != nil }

// Inclusive reports whether any of the day's places is a 普惠 one.
func (a Attendee) Inclusive() bool {
	return slices.ContainsFunc(a.Places, func(p Place) bool { return p.Tier == reservation.Inclusive })
}

// Window is the part of the day the child is booked for: from the first
// place's start to the last one's end.
func (a Attendee) Window() (time.Time, time.Time) {
	var start, end time.Time
	for i, p := range a.Places {
		if i == 0 || p.Start.Before(start) {
			start = p.Start
		}
		if i == 0 || p.End.After(end) {
			end = p.End
		}
	}
	return start, end
}

func (a Attendee) coversAt(t time.Time) bool {
	return slices.ContainsFunc(a.Places, func(p Place) bool { return !t.Before(p.Start) && t.Before(p.End) })
}

// recorded reports whether anything happened to the child that day that
// must stay on record.
func (a Attendee) recorded() bool {
	return a.CheckIn != nil || a.Absence != nil || a.NoShow != nil || len(a.Refusals) > 0
}

// HealthResult is the morning check's outcome (晨检).
type HealthResult string

const (
	// Well: nothing found.
	Well HealthResult = "well"
	// Watch: admitted, with something the staff keep an eye on (a runny
	// nose, a scratch); the notes say what.
	Watch HealthResult = "watch"
)

// CheckIn is a child's arrival.
type CheckIn struct {
	At     time.Time
	By     string
	Health HealthCheck
	// ParentNote is what the parent said at the door (slept badly, had
	// no breakfast).
	ParentNote string
}

// HealthCheck is the morning check: temperature in tenths of a degree
// Celsius, its result and the notes.
type HealthCheck struct {
	TemperatureDeciC int
	Result           HealthResult
	Notes            string
}

// Temperature bounds: a reading outside them is a misreading, not a
// fever to record.
const (
	MinTemperatureDeciC = 340
	MaxTemperatureDeciC = 430
	// FeverDeciC is where a reading is a fever (37.3 ℃) and may only be
	// admitted under watch.
	FeverDeciC = 373
)

// The display text people type into a child's day (domain/text): notes
// of the morning check, the parent's word at the door, a departure's or
// an absence's note, and who came for the child as they say.
var (
	noteRule     = text.Rule{Max: 500, Multiline: true}
	nameRule     = text.Rule{Max: 100, Required: true}
	relationRule = text.Rule{Max: 100}
)

func (h HealthCheck) check() (HealthCheck, []fault.FieldError) {
	var fields []fault.FieldError
	if h.TemperatureDeciC < MinTemperatureDeciC || h.TemperatureDeciC > MaxTemperatureDeciC {
		fields = append(fields, fault.FieldError{Field: "/healthCheck/temperatureC", Code: "range"})
	}
	switch h.Result {
	case Well:
		if h.TemperatureDeciC >= FeverDeciC {
			fields = append(fields, fault.FieldError{Field: "/healthCheck/result", Code: "fever_needs_watch"})
		}
	case Watch:
	default:
		fields = append(fields, fault.FieldError{Field: "/healthCheck/result", Code: "enum"})
	}
	fields = noteRule.Check(fields, "/healthCheck/notes", &h.Notes)
	if h.Result == Watch && h.Notes == "" {
		fields = append(fields, fault.FieldError{Field: "/healthCheck/notes", Code: "required_under_watch"})
	}
	return h, fields
}

// Arrival is a check-in as staff record it.
type Arrival struct {
	By         string
	Health     HealthCheck
	ParentNote string
	// ChildName is for the words of the family's push only.
	ChildName string
}

// CheckIn records a child's arrival at now. A child reported absent, or
// marked as not come, who arrives after all is checked in: what happened
// is what counts.
func (d *Day) CheckIn(childID string, in Arrival, now time.Time, works func(string) bool, newID func() string) error {
	h, fields := in.Health.check()
	note := in.ParentNote
	fields = noteRule.Check(fields, "/parentNote", &note)
	if len(fields) > 0 {
		return ErrCheckInInvalid.WithFields(fields...)
	}
	i := d.index(childID)
	if i < 0 {
		return ErrNotPlaced
	}
	a := &d.children[i]
	switch {
	case a.CheckOut != nil:
		return ErrAlreadyOut
	case a.CheckIn != nil:
		return ErrAlreadyIn.With(map[string]any{"at": d.local(a.CheckIn.At, "15:04")})
	}
	a.CheckIn = &CheckIn{At: now.UTC(), By: in.By, Health: h, ParentNote: note}
	a.NoShow = nil
	d.announce(newID(), EventCheckedIn, now, map[string]string{"childId": childID, "familyId": a.FamilyID,
		"child": in.ChildName, "atLocal": d.local(now, "15:04"), "temperature": decimal(h.TemperatureDeciC),
		"health": string(h.Result)})
	d.review(now, works, newID)
	return nil
}

// Verification is how staff made sure of who came.
type Verification string

const (
	ByIDCard Verification = "id_card" // the ID card's last four matched
	ByPhoto  Verification = "photo"   // the face matched the photo on the list
	ByKnown  Verification = "known"   // someone the staff know well
)

// Pickup is the person who came for a child, as staff recorded them.
type Pickup struct {
	// PickupPersonID is the person on the child's list staff chose;
	// empty for someone not on it.
	PickupPersonID string
	Name           string
	Relation       string
	IDLast4        string
	// OneTime is a person the family authorized for this day only.
	OneTime bool
}

var idLast4 = regexp.MustCompile(`^[0-9]{3}[0-9X]$`)

func (p Pickup) check() (Pickup, []fault.FieldError) {
	var fields []fault.FieldError
	fields = nameRule.Check(fields, "/person/name", &p.Name)
	fields = relationRule.Check(fields, "/person/relation", &p.Relation)
	p.IDLast4 = strings.ToUpper(strings.TrimSpace(p.IDLast4))
	if p.IDLast4 != "" && !idLast4.MatchString(p.IDLast4) {
		fields = append(fields, fault.FieldError{Field: "/person/idLast4", Code: "pattern"})
	}
	return p, fields
}

// CheckOut is a child's departure.
type CheckOut struct {
	At           time.Time
	By           string
	Person       Pickup
	Verification Verification
	Note         string
	// Due is when the child's day ended (their booking or the
	// provider's closing time, whichever first).
	Due time.Time
	// LateMinutes counts whole minutes after Due past the provider's
	// grace; 0 when on time.
	LateMinutes int
}

// Late reports whether the pickup was late.
func (c CheckOut) Late() bool { return c.LateMinutes > 0 }

// Departure is a check-out as staff record it, after the application
// checked the person against the child's authorized list.
type Departure struct {
	By           string
	Person       Pickup
	Verification Verification
	Note         string
	// Closing is the provider's closing time that day; zero when it
	// publishes none.
	Closing time.Time
	Grace   time.Duration
	// ChildName is for the words of the family's push only.
	ChildName string
}

func (dep Departure) check() (Departure, []fault.FieldError) {
	p, fields := dep.Person.check()
	dep.Person = p
	switch dep.Verification {
	case ByIDCard:
		if p.IDLast4 == "" {
			fields = append(fields, fault.FieldError{Field: "/person/idLast4", Code: "required_for_id_card"})
		}
	case ByPhoto, ByKnown:
	default:
		fields = append(fields, fault.FieldError{Field: "/verification", Code: "enum"})
	}
	fields = noteRule.Check(fields, "/note", &dep.Note)
	return dep, fields
}

// Check validates a departure as staff typed it, before the person is
// matched against the child's list (which may replace the name and
// relation typed): what was typed is display text all the same.
func (dep Departure) Check() error {
	if _, fields := dep.check(); len(fields) > 0 {
		return ErrCheckOutInvalid.WithFields(fields...)
	}
	return nil
}

// departing finds a child present in the room, for a departure or a
// refused one.
func (d *Day) departing(childID string) (*Attendee, error) {
	i := d.index(childID)
	if i < 0 {
		return nil, ErrNotPlaced
	}
	a := &d.children[i]
	switch {
	case a.CheckIn == nil:
		return nil, ErrNotCheckedIn
	case a.CheckOut != nil:
		return nil, ErrAlreadyOut.With(map[string]any{"at": d.local(a.CheckOut.At, "15:04")})
	}
	return a, nil
}

// CheckOut hands a present child to the person recorded. The pickup is
// late when it comes after the child's day ended (the end of their
// booking, or the closing time if earlier) and the grace: the family is
// told, and the minutes are kept for the statement.
func (d *Day) CheckOut(childID string, dep Departure, now time.Time, works func(string) bool, newID func() string) (CheckOut, error) {
	dep, fields := dep.check()
	if len(fields) > 0 {
		return CheckOut{}, ErrCheckOutInvalid.WithFields(fields...)
	}
	a, err := d.departing(childID)
	if err != nil {
		return CheckOut{}, err
	}
	_, due := a.Window()
	if !dep.Closing.IsZero() && dep.Closing.Before(due) {
		due = dep.Closing
	}
	out := CheckOut{At: now.UTC(), By: dep.By, Person: dep.Person, Verification: dep.Verification, Note: dep.Note,
		Due: due.UTC()}
	if over := now.Sub(due); over > dep.Grace && !due.IsZero() {
		out.LateMinutes = int(math.Ceil(over.Minutes()))
	}
	a.CheckOut = &out
	data := map[string]string{"childId": childID, "familyId": a.FamilyID, "child": dep.ChildName,
		"atLocal": d.local(now, "15:04"), "pickup": dep.Person.Name, "relation": dep.Person.Relation}
	d.announce(newID(), EventCheckedOut, now, data)
	if out.Late() {
		late := map[string]string{"childId": childID, "familyId": a.FamilyID, "child": dep.ChildName,
			"dueLocal": d.local(due, "15:04"), "atLocal": d.local(now, "15:04"), "lateMinutes": itoa(out.LateMinutes)}
		d.announce(newID(), EventLatePickup, now, late)
	}
	d.review(now, works, newID)
	return out, nil
}

// Refusal is a departure refused: the person, who refused and why.
type Refusal struct {
	At     time.Time
	By     string
	Person Pickup
	// Reason is why: the person is not on the child's list (never was,
	// was removed, or was authorized for another day), or their ID card
	// did not match the person on the list.
	Reason RefusalReason
}

// RefusalReason says why a departure was refused.
type RefusalReason string

const (
	NotOnList  RefusalReason = "not_on_list"
	IDMismatch RefusalReason = "id_mismatch"
)

// MaxRefusals bounds the record of one child's day.
const MaxRefusals = 20

// RefusePickup records that a present child was not handed to someone
// the family did not authorize, and alerts every family member at once
// (urgent): somebody tried to take their child.
func (d *Day) RefusePickup(childID string, dep Departure, reason RefusalReason, now time.Time, newID func() string) error {
	dep, fields := dep.check()
	if len(fields) > 0 {
		return ErrCheckOutInvalid.WithFields(fields...)
	}
	a, err := d.departing(childID)
	if err != nil {
		return err
	}
	r := Refusal{At: now.UTC(), By: dep.By, Person: dep.Person, Reason: reason}
	if len(a.Refusals) >= MaxRefusals {
		a.Refusals = slices.Delete(a.Refusals, 0, 1) // the oldest goes; the alerts were sent
	}
	a.Refusals = append(a.Refusals, r)
	d.announce(newID(), EventPickupRefused, now, map[string]string{"childId": childID, "familyId": a.FamilyID,
		"child": dep.ChildName, "atLocal": d.local(now, "15:04"), "person": dep.Person.Name,
		"relation": dep.Person.Relation, "reason": string(reason)})
	return nil
}

// AbsenceReason is why a family keeps a child at home.
type AbsenceReason string

const (
	Sick        AbsenceReason = "sick"
	FamilyLeave AbsenceReason = "family_leave"
	OtherReason AbsenceReason = "other"
)

// Absence is a family's report that a child will not come.
type Absence struct {
	ID         string
	Reason     AbsenceReason
	Note       string
	ReportedBy string
	ReportedAt time.Time
}

// CheckAbsence validates an absence as a parent reports it.
func CheckAbsence(a Absence) (Absence, error) {
	var fields []fault.FieldError
	switch a.Reason {
	case Sick, FamilyLeave, OtherReason:
	default:
		fields = append(fields, fault.FieldError{Field: "/reason", Code: "enum"})
	}
	fields = noteRule.Check(fields, "/note", &a.Note)
	if a.Reason == OtherReason && a.Note == "" {
		fields = append(fields, fault.FieldError{Field: "/note", Code: "required_for_other"})
	}
	if len(fields) > 0 {
		return Absence{}, ErrAbsenceInvalid.WithFields(fields...)
	}
	return a, nil
}

// ReportAbsence records that a placed child will not come. A child
// already checked in is here; one already reported absent takes the
// newer report.
func (d *Day) ReportAbsence(childID string, ab Absence) error {
	i := d.index(childID)
	if i < 0 {
		return ErrNotPlaced
	}
	a := &d.children[i]
	if a.CheckIn != nil {
		return ErrAlreadyIn.With(map[string]any{"at": d.local(a.CheckIn.At, "15:04")})
	}
	ab.ReportedAt = ab.ReportedAt.UTC()
	a.Absence = &ab
	a.NoShow = nil
	return nil
}

// NoShow is staff recording that a child did not come, unannounced.
type NoShow struct {
	By string
	At time.Time
}

// MarkNoShow records that a placed child did not come and nobody said
// why. It needs the day to have begun, and is refused for a child who
// came or whose family reported the absence.
func (d *Day) MarkNoShow(childID, by string, now time.Time) error {
	i := d.index(childID)
	if i < 0 {
		return ErrNotPlaced
	}
	a := &d.children[i]
	start, _ := a.Window()
	switch {
	case a.CheckIn != nil:
		return ErrAlreadyIn.With(map[string]any{"at": d.local(a.CheckIn.At, "15:04")})
	case a.Absence != nil:
		return ErrAbsenceReported
	case now.Before(start):
		return ErrDayNotStarted.With(map[string]any{"start": d.local(start, "15:04")})
	}
	a.NoShow = &NoShow{By: by, At: now.UTC()}
	return nil
}

// Away reports whether the child was recorded away that day: reported
// absent or marked as not come. It is what an absence streak counts.
func (a Attendee) Away() bool { return a.CheckIn == nil && (a.Absence != nil || a.NoShow != nil) }

// AnnounceAbsence tells the office that a family reported a child away
// from one day to another. It rides on the write of the first day.
func (d *Day) AnnounceAbsence(id, childID, childName string, ab Absence, from, to string, now time.Time) {
	d.announce(id, EventAbsenceReported, now, map[string]string{"childId": childID, "child": childName,
		"from": from, "to": to, "reason": string(ab.Reason), "absenceId": ab.ID})
}

// AnnounceStreak tells the office a child has been away days booked days
// in a row since since. Its id derives from the child and the streak's
// first day, so a streak is announced once however often it is counted.
func (d *Day) AnnounceStreak(childID, childName string, days int, since string, now time.Time) {
	d.announce(StreakEventID(d.providerID, childID, since), EventAbsenceStreak, now, map[string]string{
		"childId": childID, "child": childName, "days": itoa(days), "since": since})
}

// StreakEventID names the one announcement of a streak of absences.
func StreakEventID(providerID, childID, since string) string {
	return "absence-streak-" + providerID + "-" + childID + "-" + since
}
