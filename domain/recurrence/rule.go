package recurrence

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

// Status is where a rule is in its life.
type Status string

const (
	Active Status = "active"
	Paused Status = "paused"
	Ended  Status = "ended"
)

// EventOccurrenceSkipped is an occurrence the generator could not order
// (the price changed, the allowance ran out, the provider closed): it is
// skipped and the rule goes on, and the family is told.
const EventOccurrenceSkipped event.Type = "recurrence.occurrence_skipped"

// EventTypes lists what a rule announces, for the catalog's test.
var EventTypes = []event.Type{EventOccurrenceSkipped}

// Errors of a rule's life, with stable codes.
var (
	ErrNotFound = fault.New(fault.NotFound, "recurring_order_not_found")
	// ErrNotAnOccurrence is a date the rule does not fall on, or one
	// already past: there is nothing to skip or split there.
	ErrNotAnOccurrence = fault.New(fault.Unprocessable, "occurrence_not_in_rule")
	// ErrStatus is a change the rule's status does not allow (resume an
	// active rule, pause an ended one).
	ErrStatus = fault.New(fault.Conflict, "recurring_order_status")
	// ErrStartsInPast is a first day before today in the family's zone.
	ErrStartsInPast = fault.New(fault.Unprocessable, "recurrence_starts_in_past")
)

// MaxNotes bounds the notes each generated order carries.
const MaxNotes = 500

// Draft is a new rule: what each generated order is made of, and when.
type Draft struct {
	ID, FamilyID, ElderID string
	// CreatedBy is the family member who set the rule up; generated
	// orders are ordered by them.
	CreatedBy    string
	ProviderID   string
	ItemID       string
	PriceVersion int
	Quantity     int
	Notes        string
	// DueFen is what the family accepted to pay for one visit: an
	// occurrence that would cost more (the allowance used up that month)
	// is not ordered but skipped and told.
	DueFen    int64
	Schedule  Schedule
	SplitFrom string // the rule this one continues, after a split
}

// Snapshot is a rule's whole state, for storage.
type Snapshot struct {
	Draft
	Status    Status
	Skips     []calendar.Date
	CreatedAt time.Time
	UpdatedAt time.Time
	Pending   []event.Event
}

// Rule is a home-care service ordered again and again for an elder.
type Rule struct {
	s Snapshot
	event.Outbox
}

// Unmarshal rebuilds a rule from storage.
func Unmarshal(s Snapshot) *Rule {
	r := &Rule{s: s, Outbox: event.RestoreOutbox(s.Pending)}
	r.s.Pending = nil
	return r
}

// Snapshot is a copy of the state with the pending events.
func (r *Rule) Snapshot() Snapshot {
	s := r.s
	s.Skips = slices.Clone(s.Skips)
	s.Pending = r.Pending()
	return s
}

// New refuses missing ids, a quantity under 1, bad notes, and a first
// day before today in the schedule's zone.
func New(d Draft, now time.Time) (*Rule, error) {
	var bad []fault.FieldError
	for field, id := range map[string]string{"/id": d.ID, "/familyId": d.FamilyID, "/elderId": d.ElderID,
		"/createdBy": d.CreatedBy, "/providerId": d.ProviderID, "/itemId": d.ItemID} {
		if id == "" || len(id) > 128 {
			bad = append(bad, fault.FieldError{Field: field, Code: "required"})
		}
	}
	if d.PriceVersion < 1 {
		bad = append(bad, fault.FieldError{Field: "/priceVersion", Code: "range"})
	}
	if d.Quantity == 0 {
		d.Quantity = 1
	}
	if d.DueFen < 0 {
		bad = append(bad, fault.FieldError{Field: "/dueFen", Code: "range"})
	}
	if d.Quantity < 1 || d.Quantity > 10 {
		bad = append(bad, fault.FieldError{Field: "/quantity", Code: "range"})
	}
	bad = text.Rule{Max: MaxNotes, Multiline: true}.Check(bad, "/notes", &d.Notes)
	if d.Schedule.IsZero() {
		bad = append(bad, fault.FieldError{Field: "/schedule", Code: "required"})
	}
	if len(bad) > 0 {
		return nil, ErrInvalid.WithFields(bad...)
	}
	if d.Schedule.spec.StartsOn.Before(calendar.Today(now, d.Schedule.loc)) {
		return nil, ErrStartsInPast.WithFields(fault.FieldError{Field: "/startsOn", Code: "past"})
	}
	now = now.UTC()
	return &Rule{s: Snapshot{Draft: d, Status: Active, CreatedAt: now, UpdatedAt: now}}, nil
}

func (r *Rule) ID() string             { return r.s.ID }
func (r *Rule) FamilyID() string       { return r.s.FamilyID }
func (r *Rule) ElderID() string        { return r.s.ElderID }
func (r *Rule) CreatedBy() string      { return r.s.CreatedBy }
func (r *Rule) ProviderID() string     { return r.s.ProviderID }
func (r *Rule) ItemID() string         { return r.s.ItemID }
func (r *Rule) PriceVersion() int      { return r.s.PriceVersion }
func (r *Rule) Quantity() int          { return r.s.Quantity }
func (r *Rule) Notes() string          { return r.s.Notes }
func (r *Rule) DueFen() int64          { return r.s.DueFen }
func (r *Rule) Schedule() Schedule     { return r.s.Schedule }
func (r *Rule) Status() Status         { return r.s.Status }
func (r *Rule) SplitFrom() string      { return r.s.SplitFrom }
func (r *Rule) CreatedAt() time.Time   { return r.s.CreatedAt }
func (r *Rule) UpdatedAt() time.Time   { return r.s.UpdatedAt }
func (r *Rule) Skips() []calendar.Date { return slices.Clone(r.s.Skips) }

// PlanID is the rule's id, as the generator names its plans.
func (r *Rule) PlanID() string { return r.s.ID }

// Occurrences are the occurrences to order with a start in [from, to):
// none while paused or ended, and none on a skipped day.
func (r *Rule) Occurrences(from, to time.Time) []Occurrence {
	if r.s.Status != Active {
		return nil
	}
	out := r.s.Schedule.Between(from, to)
	return slices.DeleteFunc(out, func(o Occurrence) bool { return slices.Contains(r.s.Skips, o.Date) })
}

// Upcoming are the schedule's occurrences in [from, to) whatever the
// status, each marked skipped or not, for the family's list.
func (r *Rule) Upcoming(from, to time.Time) []Upcoming {
	var out []Upcoming
	if r.s.Status == Ended {
		return nil
	}
	for _, o := range r.s.Schedule.Between(from, to) {
		out = append(out, Upcoming{Occurrence: o, Skipped: slices.Contains(r.s.Skips, o.Date),
			Paused: r.s.Status == Paused})
	}
	return out
}

// Upcoming is an occurrence as the family sees it ahead.
type Upcoming struct {
	Occurrence
	Skipped, Paused bool
}

// Pause stops generation until Resume; orders already made stay.
func (r *Rule) Pause(now time.Time) error {
	if r.s.Status != Active {
		return ErrStatus.With(map[string]any{"status": string(r.s.Status)})
	}
	r.s.Status, r.s.UpdatedAt = Paused, now.UTC()
	return nil
}

// Resume restarts a paused rule; dates that passed meanwhile stay
// unordered.
func (r *Rule) Resume(now time.Time) error {
	if r.s.Status != Paused {
		return ErrStatus.With(map[string]any{"status": string(r.s.Status)})
	}
	r.s.Status, r.s.UpdatedAt = Active, now.UTC()
	return nil
}

// End stops the rule for good.
func (r *Rule) End(now time.Time) error {
	if r.s.Status == Ended {
		return ErrStatus.With(map[string]any{"status": string(r.s.Status)})
	}
	r.s.Status, r.s.UpdatedAt = Ended, now.UTC()
	return nil
}

// occurrenceAhead refuses a date the rule does not fall on or whose
// visit has begun.
func (r *Rule) occurrenceAhead(d calendar.Date, now time.Time) error {
	if !r.s.Schedule.Has(d) || !r.s.Schedule.On(d).Start.After(now) {
		return ErrNotAnOccurrence.WithFields(fault.FieldError{Field: "date", Code: "not_in_rule"})
	}
	return nil
}

// Skip leaves out the occurrence on d; skipping it twice is no change.
func (r *Rule) Skip(d calendar.Date, now time.Time) error {
	if r.s.Status == Ended {
		return ErrStatus.With(map[string]any{"status": string(r.s.Status)})
	}
	if err := r.occurrenceAhead(d, now); err != nil {
		return err
	}
	if !slices.Contains(r.s.Skips, d) {
		r.s.Skips = append(r.s.Skips, d)
		slices.SortFunc(r.s.Skips, func(a, b calendar.Date) int {
			return compareDates(a, b)
		})
	}
	r.s.UpdatedAt = now.UTC()
	return nil
}

func compareDates(a, b calendar.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// Change is what "this and future occurrences" may change; zero fields
// keep the rule's.
type Change struct {
	// Spec replaces the schedule from the split day on; its StartsOn is
	// the split day whatever it says.
	Spec         *Spec
	PriceVersion int
	Notes        *string
	DueFen       *int64
}

// Split ends this rule the day before d and returns the rule that goes
// on from d with the change: the occurrence on d and every later one
// follow the new rule. d must be an occurrence still ahead.
func (r *Rule) Split(d calendar.Date, c Change, newID string, now time.Time) (*Rule, error) {
	if r.s.Status == Ended {
		return nil, ErrStatus.With(map[string]any{"status": string(r.s.Status)})
	}
	if err := r.occurrenceAhead(d, now); err != nil {
		return nil, err
	}
	spec := r.s.Schedule.Spec()
	if c.Spec != nil {
		spec = *c.Spec
	}
	spec.StartsOn = d
	sched, err := NewSchedule(spec)
	if err != nil {
		return nil, err
	}
	draft := r.s.Draft
	draft.ID, draft.Schedule, draft.SplitFrom = newID, sched, r.s.ID
	if c.PriceVersion != 0 {
		draft.PriceVersion = c.PriceVersion
	}
	if c.Notes != nil {
		draft.Notes = *c.Notes
	}
	if c.DueFen != nil {
		draft.DueFen = *c.DueFen
	}
	next, err := New(draft, now)
	if err != nil {
		return nil, err
	}
	if next.s.Status = r.s.Status; next.s.Status != Active {
		next.s.Status = Paused
	}
	for _, s := range r.s.Skips {
		if !s.Before(d) && sched.Has(s) {
			next.s.Skips = append(next.s.Skips, s)
		}
	}
	if d == r.s.Schedule.spec.StartsOn {
		// Nothing of the old rule remains.
		r.s.Status = Ended
	} else if r.s.Schedule, err = r.s.Schedule.Until(d.AddDays(-1)); err != nil {
		return nil, err
	}
	r.s.Skips = slices.DeleteFunc(r.s.Skips, func(s calendar.Date) bool { return !s.Before(d) })
	r.s.UpdatedAt = now.UTC()
	return next, nil
}

// OccurrenceSkipped records that the occurrence on d could not be
// ordered (code: the stable code of why) and tells the family.
func (r *Rule) OccurrenceSkipped(o Occurrence, code, eventID string, now time.Time) error {
	local := o.Start.In(r.s.Schedule.loc)
	e, err := event.New(eventID, EventOccurrenceSkipped, event.Subject{Kind: "recurring_order", ID: r.s.ID}, now,
		map[string]string{
			"ruleId": r.s.ID, "familyId": r.s.FamilyID, "elderId": r.s.ElderID, "orderedBy": r.s.CreatedBy,
			"providerId": r.s.ProviderID, "date": o.Date.String(), "reason": code,
			"windowStartLocal": local.Format("2006-01-02 15:04"), "timeZone": r.s.Schedule.spec.TimeZone,
			"quantity": strconv.Itoa(r.s.Quantity),
		})
	if err != nil {
		return err
	}
	r.Record(e)
	r.s.UpdatedAt = now.UTC()
	return nil
}
