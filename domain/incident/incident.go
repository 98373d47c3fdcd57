// Package incident is an alarm about an elder — an SOS from a phone, a
// fall or smoke from a home device, a worry raised by staff — and its
// escalation ladder (DESIGN.md invariant 9): the family is called first,
// all at once; if nobody acknowledges in time, the elder's emergency
// contacts and the on-duty staff of the station serving the elder's
// address; then the platform's operators with a "call 120" instruction.
// Somebody acknowledges every alarm or the next rung is called, and every
// step is on the incident's timeline.
//
// Pure domain code: the standard library and other domain packages only;
// every method takes now. The app decides who may act as which responder
// and who is called on each rung (Call); the incident decides what may
// happen in its state, and records the event of each step in the same
// write (its outbox).
package incident

import (
	"errors"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/text"
)

// Kind is what the alarm is about. The names are part of the API.
type Kind string

const (
	SOS          Kind = "sos"
	Fall         Kind = "fall"
	Smoke        Kind = "smoke"
	DoorInactive Kind = "door_inactive"
	HealthAlert  Kind = "health_alert"
	MissedMeal   Kind = "missed_meal"
)

// Kinds lists every kind.
var Kinds = []Kind{SOS, Fall, Smoke, DoorInactive, HealthAlert, MissedMeal}

// Status is where an incident stands: open (the ladder climbs),
// acknowledged (somebody is on it; the ladder stopped), resolved (with an
// outcome), closed.
type Status string

const (
	Open         Status = "open"
	Acknowledged Status = "acknowledged"
	Resolved     Status = "resolved"
	Closed       Status = "closed"
)

// Outcome is how an incident ended.
type Outcome string

const (
	FalseAlarm        Outcome = "false_alarm"
	HandledByFamily   Outcome = "handled_by_family"
	VisitMade         Outcome = "visit_made"
	EmergencyServices Outcome = "emergency_services_called"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{FalseAlarm, HandledByFamily, VisitMade, EmergencyServices}

// SourceKind is who or what raised an incident.
type SourceKind string

const (
	FromElder  SourceKind = "elder"  // the elder's own phone
	FromFamily SourceKind = "family" // a family member's phone
	FromDevice SourceKind = "device" // a registered home device
	FromStaff  SourceKind = "staff"  // a provider's or station's staff
)

// Source says who or what raised the incident.
type Source struct {
	Kind     SourceKind
	UserID   string
	DeviceID string
}

// Role is as whom someone stands on the ladder.
type Role string

const (
	RoleFamily   Role = "family"   // rung 1
	RoleContact  Role = "contact"  // rung 2: an emergency contact with the app
	RoleStation  Role = "station"  // rung 2: on duty at the serving station
	RoleOperator Role = "operator" // rung 3: the platform's operator on duty
	// RoleReporter is staff who raised the alarm at the elder's: on the
	// incident (they read it, add notes, hear how it ends) but on no
	// rung — the ladder calls others, and the reporter cannot stop it.
	RoleReporter Role = "reporter"
)

// Rungs of the ladder.
const (
	RungFamily   = 1
	RungNearby   = 2
	RungOperator = 3
)

// Ladder is how long each rung has to acknowledge before the next is
// called: the family FamilyWait, the contacts and the station
// NearbyWait. The operators are the last rung.
type Ladder struct {
	FamilyWait time.Duration
	NearbyWait time.Duration
}

// DefaultLadder is the ladder of an elder who has no other.
var DefaultLadder = Ladder{FamilyWait: 2 * time.Minute, NearbyWait: 5 * time.Minute}

// MergeWindow: an incident raised for an elder within this time of the
// last one is the same incident, raised again.
const MergeWindow = time.Minute

// MaxNote bounds a note on the timeline.
const MaxNote = 1000

var (
	ErrNotFound   = fault.New(fault.NotFound, "incident_not_found")
	ErrInvalid    = fault.New(fault.Unprocessable, "incident_invalid")
	ErrTransition = fault.New(fault.Conflict, "incident_status_conflict")
	// ErrNotDue is a rung asked for before its time or after the ladder
	// stopped: the timer that asked was stale. Not an API error.
	ErrNotDue = errors.New("incident: no rung is due")
)

// Responder is someone called on a rung, who may acknowledge and add
// notes. ProviderID is the station a station responder is on duty for.
type Responder struct {
	UserID     string
	Rung       int
	Role       Role
	ProviderID string
}

// EntryType is one kind of step on the timeline.
type EntryType string

const (
	EntryRaised       EntryType = "raised"
	EntryRaisedAgain  EntryType = "raised_again"
	EntryRungCalled   EntryType = "rung_called"
	EntrySMSSent      EntryType = "sms_sent"
	EntryAcknowledged EntryType = "acknowledged"
	EntryNote         EntryType = "note"
	EntryResolved     EntryType = "resolved"
	EntryClosed       EntryType = "closed"
)

// Entry is one step on the timeline. Called counts the people a rung
// reached through the app, Texted those reached by SMS.
type Entry struct {
	At      time.Time
	Type    EntryType
	By      string
	Role    Role
	Rung    int
	Source  SourceKind
	Note    string
	Outcome Outcome
	Called  int
	Texted  int
}

// Snapshot is an incident's whole state, for storage and reading.
type Snapshot struct {
	ID       string
	ElderID  string
	FamilyID string
	// ElderName is in the events' data: every push names whom it is about.
	ElderName string
	Kind      Kind
	Source    Source
	Location  *geo.Point
	Status    Status
	Rung      int
	Ladder    Ladder
	// DueAt is when the next rung is called unless somebody acknowledges;
	// zero once the ladder stopped or reached its top.
	DueAt          time.Time
	RaisedAt       time.Time
	LastRaisedAt   time.Time
	Responders     []Responder
	Timeline       []Entry
	AcknowledgedBy string
	AcknowledgedAt time.Time
	Outcome        Outcome
	ResolvedAt     time.Time
	ClosedAt       time.Time
	// PendingSMS are phones of emergency contacts without the app that a
	// rung must still text; they leave once the text went out.
	PendingSMS []string
	Pending    []event.Event
}

// Incident is one document: its state, timeline and outbox together, so
// every step and what it announces are one write.
type Incident struct {
	s Snapshot
	event.Outbox
}

// Unmarshal rebuilds an incident from storage.
func Unmarshal(s Snapshot) *Incident {
	return &Incident{s: s, Outbox: event.RestoreOutbox(s.Pending)}
}

// Snapshot is a copy of the state, with the pending events.
func (i *Incident) Snapshot() Snapshot {
	s := i.s
	s.Responders = slices.Clone(s.Responders)
	s.Timeline = slices.Clone(s.Timeline)
	s.PendingSMS = slices.Clone(s.PendingSMS)
	s.Pending = i.Pending()
	return s
}

func (i *Incident) ID() string          { return i.s.ID }
func (i *Incident) ElderID() string     { return i.s.ElderID }
func (i *Incident) FamilyID() string    { return i.s.FamilyID }
func (i *Incident) Status() Status      { return i.s.Status }
func (i *Incident) Rung() int           { return i.s.Rung }
func (i *Incident) DueAt() time.Time    { return i.s.DueAt }
func (i *Incident) RaisedAt() time.Time { return i.s.RaisedAt }

// Live reports whether the alarm is still being handled: rungs 2 and 3
// see the elder's address and health only while it is.
func (i *Incident) Live() bool { return i.s.Status == Open || i.s.Status == Acknowledged }

// Responder is userID's place on the ladder, if called.
func (i *Incident) Responder(userID string) (Responder, bool) {
	for _, r := range i.s.Responders {
		if r.UserID == userID {
			return r, true
		}
	}
	return Responder{}, false
}

// RespondersOn are the people a rung called.
func (i *Incident) RespondersOn(rung int) []string {
	var out []string
	for _, r := range i.s.Responders {
		if r.Rung == rung {
			out = append(out, r.UserID)
		}
	}
	return out
}

// Called is everyone on the ladder so far.
func (i *Incident) Called() []string {
	out := make([]string, len(i.s.Responders))
	for k, r := range i.s.Responders {
		out[k] = r.UserID
	}
	return out
}

// Raise is what raising an incident needs.
type Raise struct {
	ID, ElderID, FamilyID, ElderName string
	Kind                             Kind
	Source                           Source
	Location                         *geo.Point
	Ladder                           Ladder
	// Family is rung 1: every member of the elder's family.
	Family []string
	Note   string
	// Reporter is the staff member who raised it, if staff did (their
	// UserID and ProviderID; the role is the domain's).
	Reporter *Responder
}

// New raises an incident and calls its first rung, the family, in the
// same step: its event reaches every member at once.
func New(r Raise, eventID string, now time.Time) (*Incident, error) {
	var fields []fault.FieldError
	if !slices.Contains(Kinds, r.Kind) {
		fields = append(fields, fault.FieldError{Field: "/kind", Code: "enum"})
	}
	note := r.Note
	fields = noteRule.Check(fields, "/note", &note)
	if r.Location != nil {
		if _, err := geo.NewPoint(r.Location.Lat, r.Location.Lng); err != nil {
			fields = append(fields, fault.FieldError{Field: "/location", Code: "range"})
		}
	}
	if len(fields) > 0 {
		return nil, ErrInvalid.WithFields(fields...)
	}
	if r.Ladder.FamilyWait <= 0 || r.Ladder.NearbyWait <= 0 {
		r.Ladder = DefaultLadder
	}
	now = now.UTC()
	i := &Incident{s: Snapshot{ID: r.ID, ElderID: r.ElderID, FamilyID: r.FamilyID, ElderName: r.ElderName,
		Kind: r.Kind, Source: r.Source, Location: r.Location, Status: Open, Ladder: r.Ladder,
		RaisedAt: now, LastRaisedAt: now}}
	i.s.Timeline = append(i.s.Timeline, Entry{At: now, Type: EntryRaised, By: r.Source.UserID, Source: r.Source.Kind,
		Note: note})
	if r.Reporter != nil {
		i.Report(*r.Reporter)
	}
	i.call(Call{Rung: RungFamily, Responders: family(r.Family)}, eventID, now)
	return i, nil
}

// Report puts the staff member who raised (or raised again) the alarm on
// the incident as its reporter, unless they are on it already.
func (i *Incident) Report(r Responder) {
	if r.UserID == "" {
		return
	}
	if _, on := i.Responder(r.UserID); on {
		return
	}
	i.s.Responders = append(i.s.Responders, Responder{UserID: r.UserID, Role: RoleReporter, ProviderID: r.ProviderID})
}

func family(ids []string) []Responder {
	out := make([]Responder, 0, len(ids))
	for _, id := range ids {
		out = append(out, Responder{UserID: id, Rung: RungFamily, Role: RoleFamily})
	}
	return out
}

// Mergeable reports whether an alarm raised at now for the same elder is
// this incident raised again.
func (i *Incident) Mergeable(now time.Time) bool {
	return i.Live() && now.Sub(i.s.LastRaisedAt) < MergeWindow
}

// RaiseAgain records a second alarm within the merge window: one
// incident, one ladder, and the timeline shows both.
func (i *Incident) RaiseAgain(src Source, note string, now time.Time) error {
	note, bad := noteRule.Clean("/note", note)
	if bad != nil {
		return ErrInvalid.WithFields(*bad)
	}
	if !i.Mergeable(now) {
		return ErrTransition.With(map[string]any{"status": string(i.s.Status), "action": "raise_again"})
	}
	i.s.LastRaisedAt = now.UTC()
	i.s.Timeline = append(i.s.Timeline, Entry{At: now.UTC(), Type: EntryRaisedAgain, By: src.UserID,
		Source: src.Kind, Note: note})
	return nil
}

// Call is who a rung reaches: people with the app, and phones to text.
type Call struct {
	Rung       int
	Responders []Responder
	SMS        []string
}

// Next is the rung the ladder would call next, 0 at its top.
func (i *Incident) Next() int {
	if i.s.Rung >= RungOperator {
		return 0
	}
	return i.s.Rung + 1
}

// Escalate calls the next rung: only while open, only at or after its
// deadline, and only the rung after the one called, so a rung is called
// once whatever timers ask twice.
func (i *Incident) Escalate(c Call, eventID string, now time.Time) error {
	if i.s.Status != Open || i.s.DueAt.IsZero() || now.Before(i.s.DueAt) || c.Rung != i.Next() {
		return ErrNotDue
	}
	i.call(c, eventID, now.UTC())
	return nil
}

func (i *Incident) call(c Call, eventID string, now time.Time) {
	var called []Responder
	for _, r := range c.Responders {
		if r.UserID == "" {
			continue
		}
		r.Rung = c.Rung
		if k := slices.IndexFunc(i.s.Responders, func(o Responder) bool { return o.UserID == r.UserID }); k >= 0 {
			if i.s.Responders[k].Role != RoleReporter {
				continue // someone already called stays on their first rung
			}
			i.s.Responders[k] = r // the reporter is now called, as anyone on the rung
			called = append(called, r)
			continue
		}
		called = append(called, r)
		i.s.Responders = append(i.s.Responders, r)
	}
	var texted []string
	for _, p := range c.SMS {
		if p != "" && !slices.Contains(texted, p) {
			texted = append(texted, p)
		}
	}
	i.s.PendingSMS = append(i.s.PendingSMS, texted...)
	i.s.Rung = c.Rung
	i.s.Timeline = append(i.s.Timeline, Entry{At: now, Type: EntryRungCalled, Rung: c.Rung,
		Called: len(called), Texted: len(texted)})
	switch {
	case c.Rung == RungFamily:
		i.s.DueAt = now.Add(i.s.Ladder.FamilyWait)
	case c.Rung == RungNearby && (len(called) > 0 || len(texted) > 0):
		i.s.DueAt = now.Add(i.s.Ladder.NearbyWait)
	case c.Rung == RungNearby:
		i.s.DueAt = now // nobody to wait for: the operators at once
	default:
		i.s.DueAt = time.Time{}
	}
	t := map[int]event.Type{RungFamily: EventRaised, RungNearby: EventEscalated, RungOperator: EventOperatorCall}[c.Rung]
	i.announce(eventID, t, now, map[string]string{"rung": itoa(c.Rung)})
}

// Texted records that the SMS to these phones went out.
func (i *Incident) Texted(phones []string, now time.Time) {
	sent := 0
	i.s.PendingSMS = slices.DeleteFunc(i.s.PendingSMS, func(p string) bool {
		if slices.Contains(phones, p) {
			sent++
			return true
		}
		return false
	})
	if sent > 0 {
		i.s.Timeline = append(i.s.Timeline, Entry{At: now.UTC(), Type: EntrySMSSent, Rung: i.s.Rung, Texted: sent})
	}
}

// CancelTexts drops texts not sent before the incident was handled:
// nobody needs them now.
func (i *Incident) CancelTexts() { i.s.PendingSMS = nil }

// Acknowledge stops the ladder for everyone: by is on it (the app
// checked), and from now on somebody is handling the alarm.
func (i *Incident) Acknowledge(by Responder, eventID string, now time.Time) error {
	if i.s.Status != Open {
		return ErrTransition.With(map[string]any{"status": string(i.s.Status), "action": "acknowledge"})
	}
	now = now.UTC()
	i.s.Status = Acknowledged
	i.s.AcknowledgedBy, i.s.AcknowledgedAt = by.UserID, now
	i.s.DueAt = time.Time{}
	i.s.Timeline = append(i.s.Timeline, Entry{At: now, Type: EntryAcknowledged, By: by.UserID, Role: by.Role,
		Rung: by.Rung})
	i.announce(eventID, EventAcknowledged, now, map[string]string{"by": by.UserID, "role": string(by.Role)})
	return nil
}

// Note adds a note by anyone on the ladder, until the incident closes.
func (i *Incident) Note(by Responder, note string, now time.Time) error {
	note, bad := text.Rule{Max: MaxNote, Required: true, Multiline: true}.Clean("/text", note)
	if bad != nil {
		return ErrInvalid.WithFields(*bad)
	}
	if i.s.Status == Closed {
		return ErrTransition.With(map[string]any{"status": string(i.s.Status), "action": "note"})
	}
	i.s.Timeline = append(i.s.Timeline, Entry{At: now.UTC(), Type: EntryNote, By: by.UserID, Role: by.Role,
		Rung: by.Rung, Note: note})
	return nil
}

// Resolve ends the alarm with an outcome; resolving an open incident
// stops the ladder as acknowledging does.
func (i *Incident) Resolve(by Responder, outcome Outcome, note, eventID string, now time.Time) error {
	var fields []fault.FieldError
	if !slices.Contains(Outcomes, outcome) {
		fields = append(fields, fault.FieldError{Field: "/outcome", Code: "enum"})
	}
	fields = noteRule.Check(fields, "/note", &note)
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	if !i.Live() {
		return ErrTransition.With(map[string]any{"status": string(i.s.Status), "action": "resolve"})
	}
	now = now.UTC()
	if i.s.Status == Open {
		i.s.AcknowledgedBy, i.s.AcknowledgedAt = by.UserID, now
	}
	i.s.Status, i.s.Outcome, i.s.ResolvedAt, i.s.DueAt = Resolved, outcome, now, time.Time{}
	i.s.Timeline = append(i.s.Timeline, Entry{At: now, Type: EntryResolved, By: by.UserID, Role: by.Role,
		Rung: by.Rung, Outcome: outcome, Note: note})
	i.announce(eventID, EventResolved, now, map[string]string{"outcome": string(outcome)})
	return nil
}

// Close files a resolved incident away.
func (i *Incident) Close(by Responder, now time.Time) error {
	if i.s.Status != Resolved {
		return ErrTransition.With(map[string]any{"status": string(i.s.Status), "action": "close"})
	}
	i.s.Status, i.s.ClosedAt = Closed, now.UTC()
	i.s.Timeline = append(i.s.Timeline, Entry{At: now.UTC(), Type: EntryClosed, By: by.UserID, Role: by.Role,
		Rung: by.Rung})
	return nil
}

// noteRule is what a note on the timeline may be: display text, since
// everyone on the ladder reads it (domain/text).
var noteRule = text.Rule{Max: MaxNote, Multiline: true}
