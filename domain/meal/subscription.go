package meal

import (
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/recurrence"
	"github.com/kincare/kincare/domain/text"
)

// Errors of subscriptions.
var (
	ErrSubscriptionNotFound = fault.New(fault.NotFound, "meal_subscription_not_found")
	ErrSubscriptionInvalid  = fault.New(fault.Unprocessable, "meal_subscription_invalid")
	ErrSubscriptionEnded    = fault.New(fault.Conflict, "meal_subscription_ended")
	// ErrMenuNotYetPublished is a subscribed day whose menu the canteen
	// has not published yet: the day is ordered on a later run, before its
	// cutoff. It never reaches a client.
	ErrMenuNotYetPublished = fault.New(fault.Unavailable, "meal_menu_not_published")
)

// EventSubscriptionSkipped is a subscribed day that could not be
// ordered (the canteen closed, the window full, nothing on the menu the
// elder may eat): the family is told, the subscription goes on.
const EventSubscriptionSkipped event.Type = "meal_subscription.occurrence_skipped"

// SubscriptionStatus is where a subscription stands.
type SubscriptionStatus string

const (
	SubscriptionActive SubscriptionStatus = "active"
	SubscriptionEnded  SubscriptionStatus = "ended"
)

// MaxSubscriptionDays bounds a subscription's date range.
const MaxSubscriptionDays = 366

// SubscriptionDraft is what a subscription is made of: an elder's meal
// at one canteen's window on the schedule's days (weekly on chosen
// weekdays, from a first to a last day, at the window's serving time in
// the canteen's zone), each day the first set meal of the menu the
// elder may eat, handed over the same way.
type SubscriptionDraft struct {
	ID, FamilyID, ElderID string
	// CreatedBy is the family member who subscribed: each day's order is
	// ordered by them.
	CreatedBy     string
	ProviderID    string
	Window        WindowKind
	Schedule      recurrence.Schedule
	Mode          Mode
	PickupPointID string
	Address       *geo.Address
	Note          string
}

// Subscription is one document, with its outbox.
type Subscription struct {
	d         SubscriptionDraft
	status    SubscriptionStatus
	createdAt time.Time
	updatedAt time.Time
	event.Outbox
}

// NewSubscription refuses a schedule with no last day, a range of more
// than a year, or a first day before today in the canteen's zone.
func NewSubscription(d SubscriptionDraft, now time.Time) (*Subscription, error) {
	if d.ID == "" || d.FamilyID == "" || d.ElderID == "" || d.CreatedBy == "" || d.ProviderID == "" || d.Schedule.IsZero() {
		return nil, ErrSubscriptionInvalid
	}
	sp := d.Schedule.Spec()
	switch {
	case sp.EndsOn.IsZero():
		return nil, ErrSubscriptionInvalid.WithFields(fault.FieldError{Field: "/endsOn", Code: "required"})
	case sp.StartsOn.AddDays(MaxSubscriptionDays).Before(sp.EndsOn):
		return nil, ErrSubscriptionInvalid.WithFields(fault.FieldError{Field: "/endsOn", Code: "range"})
	case sp.StartsOn.Before(calendar.Today(now, d.Schedule.Location())):
		return nil, ErrSubscriptionInvalid.WithFields(fault.FieldError{Field: "/startsOn", Code: "past"})
	}
	note, bad := text.Rule{Max: 200}.Clean("/note", d.Note)
	if bad != nil {
		return nil, ErrSubscriptionInvalid.WithFields(*bad)
	}
	d.Note = note
	now = now.UTC()
	return &Subscription{d: d, status: SubscriptionActive, createdAt: now, updatedAt: now}, nil
}

// SubscriptionSnapshot is a subscription's whole state, for storage.
type SubscriptionSnapshot struct {
	SubscriptionDraft
	Status    SubscriptionStatus
	CreatedAt time.Time
	UpdatedAt time.Time
	Pending   []event.Event
}

// UnmarshalSubscription rebuilds a subscription from storage.
func UnmarshalSubscription(s SubscriptionSnapshot) *Subscription {
	return &Subscription{d: s.SubscriptionDraft, status: s.Status, createdAt: s.CreatedAt, updatedAt: s.UpdatedAt,
		Outbox: event.RestoreOutbox(s.Pending)}
}

// Snapshot is a copy of the state with the pending events.
func (s *Subscription) Snapshot() SubscriptionSnapshot {
	return SubscriptionSnapshot{SubscriptionDraft: s.d, Status: s.status, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt,
		Pending: s.Pending()}
}

func (s *Subscription) ID() string                 { return s.d.ID }
func (s *Subscription) Draft() SubscriptionDraft   { return s.d }
func (s *Subscription) Status() SubscriptionStatus { return s.status }
func (s *Subscription) CreatedAt() time.Time       { return s.createdAt }

// PlanID names the subscription among the generator's plans.
func (s *Subscription) PlanID() string { return s.d.ID }

// Occurrences are the subscribed days whose serving starts in [from,
// to); none once it ended.
func (s *Subscription) Occurrences(from, to time.Time) []recurrence.Occurrence {
	if s.status != SubscriptionActive {
		return nil
	}
	return s.d.Schedule.Between(from, to)
}

// End stops the subscription: no day is ordered any more. Days ordered
// already stay; the family cancels them one by one until their cutoff.
func (s *Subscription) End(now time.Time) error {
	if s.status == SubscriptionEnded {
		return ErrSubscriptionEnded
	}
	s.status, s.updatedAt = SubscriptionEnded, now.UTC()
	return nil
}

// OccurrenceSkipped records a day that could not be ordered and why; its
// event tells the family.
func (s *Subscription) OccurrenceSkipped(o recurrence.Occurrence, code, eventID string, now time.Time) error {
	local := o.Start.In(s.d.Schedule.Location())
	e, err := event.New(eventID, EventSubscriptionSkipped, event.Subject{Kind: "meal_subscription", ID: s.d.ID}, now,
		map[string]string{"subscriptionId": s.d.ID, "familyId": s.d.FamilyID, "elderId": s.d.ElderID,
			"orderedBy": s.d.CreatedBy, "providerId": s.d.ProviderID, "date": o.Date.String(), "window": string(s.d.Window),
			"reason": code, "startLocal": local.Format("2006-01-02 15:04")})
	if err != nil {
		return err
	}
	s.Record(e)
	s.updatedAt = now.UTC()
	return nil
}
