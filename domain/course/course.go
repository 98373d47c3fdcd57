// Package course is parenting classes (父母课堂) in the domain's words: a
// Course an organiser publishes (what it teaches, to whom, where, who
// speaks, the seats and deadlines its sessions keep), and a Session, one
// sitting of it. A session's seats, holds, bookings and waitlist are a
// slot of the reservation engine (kind class_session, the slot's id the
// session's); what is only a class's — the join link, the check-in
// code, attendance, cancellation — is here. Pure domain code.
package course

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/text"
)

// Topic is what a course is about.
type Topic string

// Topics a course may carry.
var Topics = []Topic{"sleep", "feeding", "early_development", "safety", "health", "psychology",
	"elder_care", "caregiver_training"}

// Audience is who a course is for: parents of children of an age in
// months, or family caregivers of elders (家庭照护者).
type Audience struct {
	Kind      AudienceKind
	MinMonths int
	MaxMonths int
}

type AudienceKind string

const (
	Parents    AudienceKind = "parents"
	Caregivers AudienceKind = "caregivers"
)

// MaxChildMonths bounds the children's ages a parenting course names.
const MaxChildMonths = 72

// Format is where a course happens.
type Format string

const (
	Offline Format = "offline"
	Online  Format = "online"
)

// Speaker is the expert who teaches: typed for the course, or copied
// from the organiser's expert list (Expert).
type Speaker struct {
	Name  string
	Title string
	Bio   string
}

// check cleans a speaker's words as display text: a name is required.
func (sp *Speaker) check(fields []fault.FieldError, at string) []fault.FieldError {
	fields = text.Rule{Max: maxSpeakerName, Required: true}.Check(fields, at+"/name", &sp.Name)
	fields = text.Rule{Max: maxSpeakerTitle}.Check(fields, at+"/title", &sp.Title)
	return text.Rule{Max: maxBio, Multiline: true}.Check(fields, at+"/bio", &sp.Bio)
}

// Text is words in Chinese, optionally English.
type Text struct {
	ZhCN string
	En   string
}

// In picks the words for a locale, Chinese when there are no others.
func (t Text) In(en bool) string {
	if en && t.En != "" {
		return t.En
	}
	return t.ZhCN
}

// Course is what an organiser publishes; its sessions copy its rules
// when they are made.
type Course struct {
	ID          string
	ProviderID  string
	Title       Text
	Description Text
	Topics      []Topic
	Audience    Audience
	Format      Format
	Venue       *geo.Address // offline only
	Speaker     Speaker
	// SpeakerID names the expert of the organiser's list (Expert) the
	// speaker was taken from, if any; Speaker is its copy.
	SpeakerID string
	// Seats is each new session's capacity.
	Seats int
	// PriceFen is what a seat of each new session costs, in fen; 0 is a
	// free class. A paid seat is held first and its amount reserved in
	// the ledger (app/classes); nothing is collected here.
	PriceFen int64
	// BookingCloses is how long before a session's start booking and its
	// waitlist close.
	BookingCloses time.Duration
	// CancelCutoff is how long before the start an attendee may still
	// cancel; later, the seat is theirs (and a no-show counts).
	CancelCutoff time.Duration
	// OfferTTL is how long a seat offered from the waitlist waits for an
	// answer before it passes on.
	OfferTTL  time.Duration
	CreatedBy string
	CreatedAt time.Time
}

// Bounds of a course's settings.
const (
	maxTitle          = 100
	maxDescription    = 2000
	maxSpeakerName    = 50
	maxSpeakerTitle   = 100
	maxBio            = 1000
	MaxLead           = 7 * 24 * time.Hour
	DefaultCloses     = time.Hour
	DefaultCutoff     = 2 * time.Hour
	DefaultOfferTTL   = 30 * time.Minute
	MinSessionLength  = 15 * time.Minute
	MaxSessionLength  = 12 * time.Hour
	MaxSessionsAhead  = 366 * 24 * time.Hour
	maxTopicsPerClass = 4
	// MaxPriceFen bounds a seat's price (¥5,000): a parenting class, not
	// a prepaid course far ahead (DOMAIN.md: prepaid money is a risk).
	MaxPriceFen = 500_000
)

var (
	ErrNotFound        = fault.New(fault.NotFound, "course_not_found")
	ErrInvalid         = fault.New(fault.Unprocessable, "course_invalid")
	ErrNotOrganizer    = fault.New(fault.Forbidden, "provider_not_organizer")
	ErrSessionNotFound = fault.New(fault.NotFound, "session_not_found")
	ErrSessionInvalid  = fault.New(fault.Unprocessable, "session_invalid")
)

// New checks a course; the caller sets ID, ProviderID, CreatedBy.
func New(c Course, now time.Time) (Course, error) {
	var fields []fault.FieldError
	bad := func(field, code string) { fields = append(fields, fault.FieldError{Field: field, Code: code}) }
	fields = words(fields, &c.Title, "/title", text.Rule{Max: maxTitle})
	fields = words(fields, &c.Description, "/description", text.Rule{Max: maxDescription, Multiline: true})
	if len(c.Topics) == 0 || len(c.Topics) > maxTopicsPerClass {
		bad("/topics", "count")
	}
	for i, t := range c.Topics {
		if !slices.Contains(Topics, t) || slices.Index(c.Topics, t) != i {
			bad("/topics", "enum")
			break
		}
	}
	switch c.Audience.Kind {
	case Parents:
		a := c.Audience
		if a.MinMonths < 0 || a.MaxMonths > MaxChildMonths || a.MinMonths > a.MaxMonths {
			bad("/audience", "range")
		}
	case Caregivers:
		c.Audience.MinMonths, c.Audience.MaxMonths = 0, 0
	default:
		bad("/audience/kind", "enum")
	}
	switch c.Format {
	case Offline:
		if c.Venue == nil {
			bad("/venue", "required")
		} else if v, err := geo.NewAddress("/venue", *c.Venue); err != nil {
			fe, _ := fault.As(err)
			fields = append(fields, fe.Fields...)
		} else {
			c.Venue = &v
		}
	case Online:
		if c.Venue != nil {
			bad("/venue", "online")
		}
	default:
		bad("/format", "enum")
	}
	fields = c.Speaker.check(fields, "/speaker")
	if c.Seats < 1 || c.Seats > reservation.MaxCapacity {
		bad("/seats", "range")
	}
	if c.PriceFen < 0 || c.PriceFen > MaxPriceFen {
		bad("/priceFen", "range")
	}
	if c.BookingCloses == 0 {
		c.BookingCloses = DefaultCloses
	}
	if c.CancelCutoff == 0 {
		c.CancelCutoff = DefaultCutoff
	}
	if c.OfferTTL == 0 {
		c.OfferTTL = DefaultOfferTTL
	}
	if c.BookingCloses < 0 || c.BookingCloses > MaxLead {
		bad("/bookingClosesMinutes", "range")
	}
	if c.CancelCutoff < 0 || c.CancelCutoff > MaxLead {
		bad("/cancellationCutoffMinutes", "range")
	}
	if c.OfferTTL < reservation.MinHoldTTL || c.OfferTTL > reservation.MaxHoldTTL {
		bad("/offerMinutes", "range")
	}
	if len(fields) > 0 {
		return Course{}, ErrInvalid.WithFields(fields...)
	}
	c.CreatedAt = now.UTC()
	return c, nil
}

// words cleans both languages of t as display text: Chinese required,
// English optional.
func words(fields []fault.FieldError, t *Text, field string, r text.Rule) []fault.FieldError {
	zh := r
	zh.Required = true
	fields = zh.Check(fields, field+"/zhCN", &t.ZhCN)
	return r.Check(fields, field+"/en", &t.En)
}

// Paid reports whether a seat of the course's new sessions costs money.
func (c Course) Paid() bool { return c.PriceFen > 0 }

// For reports whether a child of ageMonths is in the audience (any age
// for a family caregivers' course).
func (a Audience) For(ageMonths int) bool {
	if a.Kind != Parents {
		return true
	}
	return ageMonths >= a.MinMonths && ageMonths <= a.MaxMonths
}

// Patch is what an organiser may change of a published course: its
// words and speaker, and the seats and price of sessions scheduled from
// now on. What its sessions copied (topics, audience, format, venue)
// and the deadlines attendees booked under stay as they are.
type Patch struct {
	Title       *Text
	Description *Text
	Speaker     *Speaker
	Seats       *int
	PriceFen    *int64
}

// Edit applies p and checks the course as New does; its id, provider,
// author and creation time stay.
func (c Course) Edit(p Patch) (Course, error) {
	next := c
	if p.Title != nil {
		next.Title = *p.Title
	}
	if p.Description != nil {
		next.Description = *p.Description
	}
	if p.Speaker != nil {
		next.Speaker = *p.Speaker
	}
	if p.Seats != nil {
		next.Seats = *p.Seats
	}
	if p.PriceFen != nil {
		next.PriceFen = *p.PriceFen
	}
	next, err := New(next, c.CreatedAt)
	if err != nil {
		return Course{}, err
	}
	return next, nil
}
