// Package dailyreport is what staff tell parents about their child's day
// (成长日报): meals and how much was eaten, naps, nappies and the toilet,
// activities, mood, health notes and photos. Staff fill it through the
// day; the family sees it once it is published, once; a change after
// that is a correction, kept as a new version the family sees marked as
// corrected, with the versions before it. Pure domain code.
package dailyreport

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
	"github.com/kincare/kincare/domain/upload"
)

var (
	ErrNotFound = fault.New(fault.NotFound, "daily_report_not_found")
	ErrInvalid  = fault.New(fault.Unprocessable, "daily_report_invalid")
	// ErrAlreadyPublished: a day's report is published once; what comes
	// after is a correction.
	ErrAlreadyPublished = fault.New(fault.Conflict, "daily_report_already_published")
	ErrEmpty            = fault.New(fault.Unprocessable, "daily_report_empty")
	// ErrReasonRequired is a change to a published report without saying
	// why: the family sees the reason beside the correction.
	ErrReasonRequired = fault.New(fault.Unprocessable, "correction_reason_required")
	ErrTooEarly       = fault.New(fault.Unprocessable, "daily_report_day_not_begun")
	ErrTooManyChanges = fault.New(fault.Conflict, "daily_report_corrections_full")
)

// Amount is how much of a meal a child ate.
type Amount string

const (
	All    Amount = "all"
	Most   Amount = "most"
	Half   Amount = "half"
	Little Amount = "little"
	None   Amount = "none"
)

var amounts = []Amount{All, Most, Half, Little, None}

// MealKind is which meal.
type MealKind string

var mealKinds = []MealKind{"breakfast", "morning_snack", "lunch", "afternoon_snack", "dinner"}

// Meal is one meal: what it was and how much of it the child ate.
type Meal struct {
	Kind   MealKind
	Food   string
	Amount Amount
}

// Nap is a sleep; End is zero while the child sleeps.
type Nap struct {
	Start time.Time
	End   time.Time
}

// ToiletKind is a nappy change or a visit to the potty or toilet.
type ToiletKind string

var toiletKinds = []ToiletKind{"wet", "soiled", "dry", "potty", "toilet"}

// Toileting is one change or visit.
type Toileting struct {
	At   time.Time
	Kind ToiletKind
}

// Mood is how the child was.
type Mood string

var moods = []Mood{"happy", "calm", "tired", "fussy", "upset", "unwell"}

// Content is a report's substance.
type Content struct {
	Meals       []Meal
	Naps        []Nap
	Toileting   []Toileting
	Activities  []string
	Mood        Mood
	HealthNotes string
	PhotoRefs   []string
}

// Empty reports whether nothing is in it.
func (c Content) Empty() bool {
	return len(c.Meals) == 0 && len(c.Naps) == 0 && len(c.Toileting) == 0 && len(c.Activities) == 0 &&
		c.Mood == "" && c.HealthNotes == "" && len(c.PhotoRefs) == 0
}

// Bounds of a report, and of its document.
const (
	maxMeals      = 8
	maxNaps       = 6
	maxToileting  = 30
	maxActivities = 20
	maxPhotos     = 20
	// MaxCorrections bounds the versions kept after publishing.
	MaxCorrections = 20
)

// The report's display text (domain/text), which the family reads: a
// meal's food, an activity and a correction's reason are lines; health
// notes may run over several.
var (
	lineRule   = text.Rule{Max: 200, Required: true}
	reasonRule = text.Rule{Max: 200, Required: true}
	notesRule  = text.Rule{Max: 1000, Multiline: true}
)

// check cleans c for a report of the day from start to end, with photo
// keys under prefix.
func (c Content) check(start, end time.Time, prefix string) (Content, error) {
	var fields []fault.FieldError
	bad := func(f, code string) { fields = append(fields, fault.FieldError{Field: f, Code: code}) }
	c.Meals, c.Activities = slices.Clone(c.Meals), slices.Clone(c.Activities)
	within := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	if len(c.Meals) > maxMeals {
		bad("/meals", "maxItems")
	}
	for i, m := range c.Meals {
		at := "/meals/" + itoa(i)
		if !slices.Contains(mealKinds, m.Kind) {
			bad(at+"/meal", "enum")
		}
		if !slices.Contains(amounts, m.Amount) {
			bad(at+"/amount", "enum")
		}
		fields = lineRule.Check(fields, at+"/food", &c.Meals[i].Food)
	}
	if len(c.Naps) > maxNaps {
		bad("/naps", "maxItems")
	}
	for i, n := range c.Naps {
		at := "/naps/" + itoa(i)
		switch {
		case !within(n.Start):
			bad(at+"/start", "not_that_day")
		case !n.End.IsZero() && (!n.End.After(n.Start) || n.End.After(end)):
			bad(at+"/end", "range")
		}
	}
	if len(c.Toileting) > maxToileting {
		bad("/toileting", "maxItems")
	}
	for i, t := range c.Toileting {
		at := "/toileting/" + itoa(i)
		if !within(t.At) {
			bad(at+"/at", "not_that_day")
		}
		if !slices.Contains(toiletKinds, t.Kind) {
			bad(at+"/kind", "enum")
		}
	}
	if len(c.Activities) > maxActivities {
		bad("/activities", "maxItems")
	}
	for i := range c.Activities {
		fields = lineRule.Check(fields, "/activities/"+itoa(i), &c.Activities[i])
	}
	if c.Mood != "" && !slices.Contains(moods, c.Mood) {
		bad("/mood", "enum")
	}
	fields = notesRule.Check(fields, "/healthNotes", &c.HealthNotes)
	if len(c.PhotoRefs) > maxPhotos {
		bad("/photoRefs", "maxItems")
	}
	for i, k := range c.PhotoRefs {
		if !upload.Under(prefix, k) {
			bad("/photoRefs/"+itoa(i), "not_under_prefix")
		}
	}
	if len(fields) > 0 {
		return Content{}, ErrInvalid.With(map[string]any{"photoKeyPrefix": prefix}).WithFields(fields...)
	}
	return c, nil
}

// Status is where a report stands.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Correction is a version replaced after publishing: what it said, and
// who replaced it, when and why.
type Correction struct {
	Version  int
	Previous Content
	At       time.Time
	By       string
	Reason   string
}

// Report is one child's day at one provider.
type Report struct {
	id          string
	childID     string
	familyID    string
	providerID  string
	date        calendar.Date
	zone        string
	content     Content
	status      Status
	version     int
	createdBy   string
	createdAt   time.Time
	updatedBy   string
	updatedAt   time.Time
	publishedBy string
	publishedAt time.Time
	corrections []Correction
	event.Outbox
}

// ID names the report of a child's day at a provider.
func ID(childID string, d calendar.Date, providerID string) string {
	return childID + "_" + d.String() + "_" + providerID
}

// PhotoPrefix is where a report's photos are stored: its photoRefs are
// keys under it, issued with the report.
func PhotoPrefix(reportID string) string { return upload.Prefix("daily-reports", reportID) }

// New is an empty draft of the day, in the provider's zone.
func New(childID, familyID, providerID string, d calendar.Date, zone, by string, now time.Time) *Report {
	return &Report{id: ID(childID, d, providerID), childID: childID, familyID: familyID, providerID: providerID,
		date: d, zone: zone, status: Draft, createdBy: by, createdAt: now.UTC(), updatedBy: by, updatedAt: now.UTC()}
}

func (r *Report) ID() string                { return r.id }
func (r *Report) ChildID() string           { return r.childID }
func (r *Report) FamilyID() string          { return r.familyID }
func (r *Report) ProviderID() string        { return r.providerID }
func (r *Report) Date() calendar.Date       { return r.date }
func (r *Report) Content() Content          { return r.content }
func (r *Report) Status() Status            { return r.status }
func (r *Report) Version() int              { return r.version }
func (r *Report) UpdatedAt() time.Time      { return r.updatedAt }
func (r *Report) UpdatedBy() string         { return r.updatedBy }
func (r *Report) PublishedAt() time.Time    { return r.publishedAt }
func (r *Report) PublishedBy() string       { return r.publishedBy }
func (r *Report) Corrections() []Correction { return slices.Clone(r.corrections) }
func (r *Report) PhotoPrefix() string       { return PhotoPrefix(r.id) }

// Published reports whether the family may see it.
func (r *Report) Published() bool { return r.status == Published }

// Corrected reports whether it changed after it was published.
func (r *Report) Corrected() bool { return len(r.corrections) > 0 }

func (r *Report) location() *time.Location {
	loc, err := time.LoadLocation(r.zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (r *Report) bounds() (time.Time, time.Time) {
	loc := r.location()
	d := r.date
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc), time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc)
}

// Fill replaces the report's content. A draft just changes; a published
// report is corrected: the version it replaces is kept with the reason,
// the version number rises and the family is told. A report cannot be
// written before its day begins.
func (r *Report) Fill(c Content, by, reason string, now time.Time, eventID string) error {
	start, end := r.bounds()
	if now.Before(start) {
		return ErrTooEarly
	}
	c, err := c.check(start, end, r.PhotoPrefix())
	if err != nil {
		return err
	}
	if r.status == Draft {
		r.content, r.updatedBy, r.updatedAt = c, by, now.UTC()
		return nil
	}
	reason, bad := reasonRule.Clean("/correctionReason", reason)
	switch {
	case bad != nil && bad.Code == text.CodeRequired:
		return ErrReasonRequired.WithFields(*bad)
	case bad != nil:
		return ErrInvalid.WithFields(*bad)
	}
	if len(r.corrections) >= MaxCorrections {
		return ErrTooManyChanges.With(map[string]any{"max": MaxCorrections})
	}
	r.corrections = append(r.corrections, Correction{Version: r.version, Previous: r.content, At: now.UTC(), By: by,
		Reason: reason})
	r.content, r.updatedBy, r.updatedAt = c, by, now.UTC()
	r.version++
	r.announce(eventID, EventCorrected, now, map[string]string{"reason": reason, "version": itoa(r.version)})
	return nil
}

// Publish shows the report to the family and tells them. It happens once
// a day: a second publish is refused, and a change after it is a
// correction.
func (r *Report) Publish(by, childName string, now time.Time, eventID string) error {
	if r.status == Published {
		return ErrAlreadyPublished.With(map[string]any{"at": r.publishedAt.In(r.location()).Format("15:04")})
	}
	start, _ := r.bounds()
	if now.Before(start) {
		return ErrTooEarly
	}
	if r.content.Empty() {
		return ErrEmpty
	}
	r.status, r.version, r.publishedBy, r.publishedAt = Published, 1, by, now.UTC()
	r.announce(eventID, EventPublished, now, map[string]string{"child": childName})
	return nil
}

// Events of daily reports, to the child's family.
const (
	EventPublished event.Type = "daily_report.published"
	EventCorrected event.Type = "daily_report.corrected"
)

// EventTypes lists every type, for the notification catalog's test.
var EventTypes = []event.Type{EventPublished, EventCorrected}

func (r *Report) announce(id string, t event.Type, now time.Time, data map[string]string) {
	data["childId"], data["familyId"], data["providerId"], data["date"] = r.childID, r.familyID, r.providerID, r.date.String()
	if e, err := event.New(id, t, event.Subject{Kind: "daily_report", ID: r.id}, now, data); err == nil {
		r.Record(e)
	}
}

// Snapshot is a report as stored; Unmarshal rebuilds it.
type Snapshot struct {
	ID, ChildID, FamilyID, ProviderID string
	Date                              calendar.Date
	Zone                              string
	Content                           Content
	Status                            Status
	Version                           int
	CreatedBy                         string
	CreatedAt                         time.Time
	UpdatedBy                         string
	UpdatedAt                         time.Time
	PublishedBy                       string
	PublishedAt                       time.Time
	Corrections                       []Correction
	Pending                           []event.Event
}

func (r *Report) Snapshot() Snapshot {
	return Snapshot{ID: r.id, ChildID: r.childID, FamilyID: r.familyID, ProviderID: r.providerID, Date: r.date,
		Zone: r.zone, Content: r.content, Status: r.status, Version: r.version, CreatedBy: r.createdBy,
		CreatedAt: r.createdAt, UpdatedBy: r.updatedBy, UpdatedAt: r.updatedAt, PublishedBy: r.publishedBy,
		PublishedAt: r.publishedAt, Corrections: slices.Clone(r.corrections), Pending: r.Pending()}
}

func Unmarshal(s Snapshot) *Report {
	return &Report{id: s.ID, childID: s.ChildID, familyID: s.FamilyID, providerID: s.ProviderID, date: s.Date,
		zone: s.Zone, content: s.Content, status: s.Status, version: s.Version, createdBy: s.CreatedBy,
		createdAt: s.CreatedAt, updatedBy: s.UpdatedBy, updatedAt: s.UpdatedAt, publishedBy: s.PublishedBy,
		publishedAt: s.PublishedAt, corrections: slices.Clone(s.Corrections), Outbox: event.RestoreOutbox(s.Pending)}
}

func itoa(n int) string { return strconv.Itoa(n) }
