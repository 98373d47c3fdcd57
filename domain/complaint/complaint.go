// Package complaint is a family's complaint (投诉) about an order, a
// childcare booking or a provider, and its road: the provider must answer
// within a deadline or the complaint goes to the regulator by itself; the
// family accepts the answer or takes it to the regulator; the regulator
// decides, and may change the provider's credit standing. DOMAIN.md:
// complaints must be received, handled and answered in time.
//
// Pure domain code: the standard library and other domain packages only;
// every method takes now. The app vouches for who acts (that a family
// user belongs to the complaint's family, a provider user works in its
// provider's office, a regulator holds the role); the complaint decides
// what each may do in its state.
package complaint

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/text"
	"github.com/kincare/kincare/domain/upload"
)

// Bounds of what a complaint carries.
const (
	MinText   = 5
	MaxText   = 2000
	MaxReply  = 2000
	MaxPhotos = 9 // each under the family's PhotoPrefix (domain/family)
	maxID     = 128
	// DefaultResponseTime is how long a provider has to answer.
	DefaultResponseTime = 48 * time.Hour
)

// SubjectKind is what a complaint is about.
type SubjectKind string

const (
	AboutOrder    SubjectKind = "order"
	AboutBooking  SubjectKind = "booking"
	AboutProvider SubjectKind = "provider"
)

// Subject is the order, booking or provider complained about.
type Subject struct {
	Kind SubjectKind
	ID   string
}

// Category is what went wrong. The names are part of the API.
type Category string

const (
	CategoryServiceQuality Category = "service_quality" // 服务质量
	CategoryLateOrNoShow   Category = "late_or_no_show" // 迟到或爽约
	CategoryStaffConduct   Category = "staff_conduct"   // 服务态度
	CategorySafety         Category = "safety"          // 安全问题
	CategoryAbuseOrNeglect Category = "abuse_or_neglect"
	CategoryHygiene        Category = "hygiene"
	CategoryBilling        Category = "billing" // 收费问题
	CategoryPrivacy        Category = "privacy"
	CategoryOther          Category = "other"
)

// Categories lists every category.
var Categories = []Category{CategoryServiceQuality, CategoryLateOrNoShow, CategoryStaffConduct, CategorySafety,
	CategoryAbuseOrNeglect, CategoryHygiene, CategoryBilling, CategoryPrivacy, CategoryOther}

// Resolution is what the family asks for.
type Resolution string

const (
	WantApology         Resolution = "apology"
	WantExplanation     Resolution = "explanation"
	WantRedo            Resolution = "redo_service"
	WantRefund          Resolution = "refund"
	WantCaregiverChange Resolution = "caregiver_change"
	WantInvestigation   Resolution = "investigation"
	WantOther           Resolution = "other"
)

// Resolutions lists every resolution a family may ask for.
var Resolutions = []Resolution{WantApology, WantExplanation, WantRedo, WantRefund, WantCaregiverChange,
	WantInvestigation, WantOther}

// Status is where a complaint stands. The names are part of the API.
type Status string

const (
	StatusOpen      Status = "open"      // waiting for the provider's answer
	StatusResponded Status = "responded" // answered; the family accepts or escalates
	StatusResolved  Status = "resolved"  // the family accepted the answer
	StatusEscalated Status = "escalated" // with the regulator
	StatusDecided   Status = "decided"   // the regulator decided
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusResponded, StatusResolved, StatusEscalated, StatusDecided}

// Valid reports whether s is a status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Closed reports whether nothing moves the complaint again.
func (s Status) Closed() bool { return s == StatusResolved || s == StatusDecided }

var (
	// ErrNotFound is a complaint that is not the caller's to see.
	ErrNotFound = fault.New(fault.NotFound, "complaint_not_found")
	// ErrInvalid names every bad field of a new complaint or a step.
	ErrInvalid = fault.New(fault.Unprocessable, "complaint_invalid")
	// ErrTransition is a step the status does not allow; params carry the
	// status and the step.
	ErrTransition = fault.New(fault.Conflict, "complaint_status_conflict")
	// ErrForbidden is a party that may never take the step.
	ErrForbidden = fault.New(fault.Forbidden, "complaint_action_forbidden")
	// ErrAwaitingResponse: the family escalates an open complaint only
	// once the provider's time to answer is up; params carry respondBy.
	ErrAwaitingResponse = fault.New(fault.Conflict, "complaint_awaiting_response")
	// ErrExists: an order or a booking has one complaint; params carry
	// its id.
	ErrExists = fault.New(fault.Conflict, "complaint_exists")
)

// Draft is what a new complaint is made from. The app fills in the
// provider from the subject and the deadline from configuration.
type Draft struct {
	ID           string
	FamilyID     string
	FiledBy      string
	Subject      Subject
	ProviderID   string
	ProviderName string // for notifications: the name as it was when filed
	RegionCode   string // the provider's region, which its regulator oversees
	TimeZone     string // the provider's, for deadlines shown to people
	Category     Category
	Text         string
	PhotoKeys    []string
	Desired      Resolution
	// RespondWithin is the provider's time to answer.
	RespondWithin time.Duration
}

// Reply is the provider's answer.
type Reply struct {
	Text string
	By   string
	At   time.Time
	// Late is an answer given after the deadline, when the complaint had
	// already gone to the regulator: recorded for the regulator to read,
	// but it no longer lets the family settle.
	Late bool
}

// Escalation is how a complaint reached the regulator.
type Escalation struct {
	By     Party // family, or system when the provider did not answer in time
	UserID string
	Reason string
	At     time.Time
}

// Outcome is the regulator's finding.
type Outcome string

const (
	Upheld       Outcome = "upheld"
	PartlyUpheld Outcome = "partly_upheld"
	NotUpheld    Outcome = "not_upheld"
)

// Outcomes lists every finding.
var Outcomes = []Outcome{Upheld, PartlyUpheld, NotUpheld}

// Decision is the regulator's verdict. Credit, when set, is the standing
// the provider is given for it; CreditPending stays true until that is
// written to the provider, which is a second document.
type Decision struct {
	Outcome       Outcome
	Text          string
	By            string
	At            time.Time
	Credit        provider.Credit
	CreditPending bool
}

// Complaint is one document; the repository adds its version.
type Complaint struct {
	id           string
	familyID     string
	filedBy      string
	subject      Subject
	providerID   string
	providerName string
	regionCode   string
	timeZone     string
	category     Category
	text         string
	photoKeys    []string
	desired      Resolution
	status       Status
	filedAt      time.Time
	respondBy    time.Time
	reply        *Reply
	escalation   *Escalation
	resolvedAt   time.Time
	decision     *Decision

	event.Outbox
}

// New validates a draft, opens the complaint and tells the provider.
func New(d Draft, eventID string, now time.Time) (*Complaint, error) {
	if eventID == "" || now.IsZero() {
		return nil, errEventID
	}
	now = now.UTC()
	var v validator
	for field, id := range map[string]string{"/id": d.ID, "/familyId": d.FamilyID, "/filedBy": d.FiledBy,
		"/subject/id": d.Subject.ID, "/providerId": d.ProviderID} {
		if id == "" || len(id) > maxID {
			v.add(field, "required")
		}
	}
	if !slices.Contains([]SubjectKind{AboutOrder, AboutBooking, AboutProvider}, d.Subject.Kind) {
		v.add("/subject/kind", "enum")
	}
	if !slices.Contains(Categories, d.Category) {
		v.add("/category", "enum")
	}
	if !slices.Contains(Resolutions, d.Desired) {
		v.add("/desiredResolution", "enum")
	}
	d.Text = v.text("/text", d.Text, MinText, MaxText)
	if len(d.PhotoKeys) > MaxPhotos {
		v.add("/photoKeys", "maxItems")
	}
	for i, k := range d.PhotoKeys {
		switch {
		case !upload.Under(family.PhotoPrefix(d.FamilyID), k):
			v.add("/photoKeys/"+strconv.Itoa(i), "not_under_prefix")
		case slices.Index(d.PhotoKeys, k) != i:
			v.add("/photoKeys/"+strconv.Itoa(i), "duplicate")
		}
	}
	if d.RespondWithin <= 0 {
		d.RespondWithin = DefaultResponseTime
	}
	if _, err := time.LoadLocation(d.TimeZone); err != nil || d.TimeZone == "" {
		d.TimeZone = "Asia/Shanghai"
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	c := &Complaint{id: d.ID, familyID: d.FamilyID, filedBy: d.FiledBy, subject: d.Subject, providerID: d.ProviderID,
		providerName: strings.TrimSpace(d.ProviderName), regionCode: d.RegionCode, timeZone: d.TimeZone,
		category: d.Category, text: d.Text, photoKeys: slices.Clone(d.PhotoKeys), desired: d.Desired,
		status: StatusOpen, filedAt: now, respondBy: now.Add(d.RespondWithin)}
	c.announce(eventID, EventFiled, now, nil)
	return c, nil
}

func (c *Complaint) ID() string                 { return c.id }
func (c *Complaint) FamilyID() string           { return c.familyID }
func (c *Complaint) FiledBy() string            { return c.filedBy }
func (c *Complaint) Subject() Subject           { return c.subject }
func (c *Complaint) ProviderID() string         { return c.providerID }
func (c *Complaint) ProviderName() string       { return c.providerName }
func (c *Complaint) RegionCode() string         { return c.regionCode }
func (c *Complaint) TimeZone() string           { return c.timeZone }
func (c *Complaint) Category() Category         { return c.category }
func (c *Complaint) Text() string               { return c.text }
func (c *Complaint) PhotoKeys() []string        { return slices.Clone(c.photoKeys) }
func (c *Complaint) Desired() Resolution        { return c.desired }
func (c *Complaint) Status() Status             { return c.status }
func (c *Complaint) FiledAt() time.Time         { return c.filedAt }
func (c *Complaint) RespondBy() time.Time       { return c.respondBy }
func (c *Complaint) ResolvedAt() time.Time      { return c.resolvedAt }
func (c *Complaint) Reply() (Reply, bool)       { return deref(c.reply) }
func (c *Complaint) Decision() (Decision, bool) { return deref(c.decision) }

// Escalation is how the complaint reached the regulator, if it did.
func (c *Complaint) Escalation() (Escalation, bool) { return deref(c.escalation) }

// Overdue reports whether the provider's time to answer is up without an
// answer: from then on the complaint is the regulator's, whether or not
// a timer has noticed yet.
func (c *Complaint) Overdue(now time.Time) bool {
	return c.status == StatusOpen && !now.Before(c.respondBy)
}

// ResponseTime is how long the provider took to answer; false until it
// has.
func (c *Complaint) ResponseTime() (time.Duration, bool) {
	if c.reply == nil {
		return 0, false
	}
	return c.reply.At.Sub(c.filedAt), true
}

// RegulatorMaySee reports whether the complaint is the regulator's
// business: once it was escalated, or its provider's time to answer is
// up (whether or not the timer has run); never before — an open
// complaint is between the family and the provider.
func (c *Complaint) RegulatorMaySee(now time.Time) bool { return c.escalation != nil || c.Overdue(now) }

// errEventID is a programming error: every step records an event, so
// the app must pass its id and the time.
var errEventID = errors.New("complaint: an event id and the time are required")

type validator struct{ fields []fault.FieldError }

func (v *validator) add(field, code string) {
	v.fields = append(v.fields, fault.FieldError{Field: field, Code: code})
}

// text cleans s by the rule for display text (domain/text: a complaint
// is read by the provider, the family and the regulator) and bounds its
// length in characters, not bytes.
func (v *validator) text(field, s string, min, max int) string {
	s, bad := text.Rule{Max: max, Required: min > 0, Multiline: true}.Clean(field, s)
	switch {
	case bad != nil:
		v.fields = append(v.fields, *bad)
	case s != "" && utf8.RuneCountInString(s) < min:
		v.add(field, "minLength")
	}
	return s
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return ErrInvalid.WithFields(v.fields...)
}

func deref[T any](p *T) (T, bool) {
	if p == nil {
		var zero T
		return zero, false
	}
	return *p, true
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
