// Package child is a young child in a family (婴幼儿): the child's own
// record and the people allowed to collect them from care. Every field is
// written only under the family's child_data consent. Pure domain code.
package child

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/text"
	"github.com/kincare/kincare/domain/upload"
)

var (
	ErrNotFound       = fault.New(fault.NotFound, "child_not_found")
	ErrInvalid        = fault.New(fault.Unprocessable, "child_invalid")
	ErrPickupNotFound = fault.New(fault.NotFound, "pickup_person_not_found")
	ErrPickupFull     = fault.New(fault.Conflict, "pickup_persons_full")
)

// MaxAgeMonths: kincare serves families with children up to 6 years;
// childcare places themselves take 0–36 months, checked at booking.
const MaxAgeMonths = 6 * 12

const maxPickups = 10

var (
	nameRule  = text.Rule{Max: 100, Required: true}   // names and relations
	notesRule = text.Rule{Max: 1000, Multiline: true} // allergies, health notes
)

type Gender string

const (
	Female Gender = "female"
	Male   Gender = "male"
)

// Child is one document with its pickup persons.
type Child struct {
	ID            string
	FamilyID      string
	Profile       Profile
	PickupPersons []PickupPerson
	CreatedBy     string
	CreatedAt     time.Time
	// Events are those the record's next write announces.
	Events []event.Event
}

// Profile is the child's own data.
type Profile struct {
	Name        string
	BirthDate   calendar.Date
	Gender      Gender
	Allergies   string
	HealthNotes string
}

// AgeMonthsOn is the age childcare counts in.
func (p Profile) AgeMonthsOn(today calendar.Date) int { return p.BirthDate.MonthsOn(today) }

// Validate checks a profile as of today in the family's zone.
func (p Profile) Validate(today calendar.Date) (Profile, error) {
	var fields []fault.FieldError
	add := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	fields = nameRule.Check(fields, "/name", &p.Name)
	switch {
	case p.BirthDate.IsZero():
		add("/birthDate", "required")
	case today.Before(p.BirthDate):
		add("/birthDate", "in_future")
	case p.BirthDate.MonthsOn(today) >= MaxAgeMonths:
		add("/birthDate", "older_than_6_years")
	}
	if p.Gender != Female && p.Gender != Male {
		add("/gender", "enum")
	}
	fields = notesRule.Check(fields, "/allergies", &p.Allergies)
	fields = notesRule.Check(fields, "/healthNotes", &p.HealthNotes)
	if len(fields) > 0 {
		return Profile{}, ErrInvalid.WithFields(fields...)
	}
	return p, nil
}

// PickupPerson may collect the child from care (接送人). Staff check the
// last four characters of their ID card and, if given, a photo.
type PickupPerson struct {
	ID       string
	Name     string
	Relation string // 奶奶, 外公, 保姆
	Phone    identity.Phone
	IDLast4  string
	PhotoRef string // an uploaded object's key under the child's PhotoPrefix, never the image itself
	AddedBy  string
	AddedAt  time.Time
	// ExpiresAt ends a one-time authorization (for one day, until
	// midnight where the child is cared for); zero for a standing one.
	ExpiresAt time.Time
}

// ValidAt reports whether the authorization holds at now.
func (p PickupPerson) ValidAt(now time.Time) bool {
	return p.ExpiresAt.IsZero() || now.Before(p.ExpiresAt)
}

// Authorized finds the pickup person with this id whom the child may go
// home with at now: on the list, and not a one-time authorization that
// has lapsed. A person removed from the list is not found.
func (c Child) Authorized(id string, now time.Time) (PickupPerson, bool) {
	for _, p := range c.PickupPersons {
		if p.ID == id && p.ValidAt(now) {
			return p, true
		}
	}
	return PickupPerson{}, false
}

// Pickups are the pickup persons whose authorization holds at now.
func (c Child) Pickups(now time.Time) []PickupPerson {
	var out []PickupPerson
	for _, p := range c.PickupPersons {
		if p.ValidAt(now) {
			out = append(out, p)
		}
	}
	return out
}

// idLast4 allows the X check digit of mainland ID numbers.
var idLast4 = regexp.MustCompile(`^[0-9]{3}[0-9Xx]$`)

// PhotoPrefix is where the photos of the people who may collect the child
// are stored; a pickup person's photoRef is a key under it.
func PhotoPrefix(childID string) string { return upload.Prefix("children", childID) }

// ValidatePickup checks a pickup person before they are added to the
// child with this id.
func ValidatePickup(childID string, p PickupPerson) (PickupPerson, error) {
	var fields []fault.FieldError
	add := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	fields = nameRule.Check(fields, "/name", &p.Name)
	fields = nameRule.Check(fields, "/relation", &p.Relation)
	if p.Phone == "" {
		add("/phone", "required")
	}
	if !idLast4.MatchString(p.IDLast4) {
		add("/idLast4", "pattern")
	}
	p.IDLast4 = strings.ToUpper(p.IDLast4)
	if p.PhotoRef != "" && !upload.Under(PhotoPrefix(childID), p.PhotoRef) {
		add("/photoRef", "not_under_prefix")
	}
	if len(fields) > 0 {
		return PickupPerson{}, ErrInvalid.WithFields(fields...)
	}
	return p, nil
}

// AddPickup appends a validated pickup person.
func (c *Child) AddPickup(p PickupPerson) error {
	if len(c.PickupPersons) >= maxPickups {
		return ErrPickupFull.With(map[string]any{"max": strconv.Itoa(maxPickups)})
	}
	c.PickupPersons = append(c.PickupPersons, p)
	return nil
}

// AddOneTimePickup authorizes p until expiresAt (the coming midnight
// where the child is cared for). One-time authorizations that have lapsed
// leave the list first, so they never hold a place on it.
func (c *Child) AddOneTimePickup(p PickupPerson, expiresAt, now time.Time) error {
	if !expiresAt.After(now) {
		return ErrInvalid.WithFields(fault.FieldError{Field: "/expiresAt", Code: "in_past"})
	}
	c.PickupPersons = slices.DeleteFunc(c.PickupPersons, func(q PickupPerson) bool { return !q.ValidAt(now) })
	p.ExpiresAt = expiresAt.UTC()
	return c.AddPickup(p)
}

// RemovePickup takes a pickup person off the list.
func (c *Child) RemovePickup(id string) (PickupPerson, error) {
	for i, p := range c.PickupPersons {
		if p.ID == id {
			c.PickupPersons = append(c.PickupPersons[:i:i], c.PickupPersons[i+1:]...)
			return p, nil
		}
	}
	return PickupPerson{}, ErrPickupNotFound
}
