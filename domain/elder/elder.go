// Package elder is the care recipient of home-care orders (老年人): who
// they are, where they live, what they can and cannot do, what they may
// eat, whom to call, and the allowances that pay for their care. Pure
// domain code.
package elder

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/text"
)

var (
	ErrNotFound = fault.New(fault.NotFound, "elder_not_found")
	ErrInvalid  = fault.New(fault.Unprocessable, "elder_invalid")
)

// Elder is one document; its family id never changes.
type Elder struct {
	ID         string
	FamilyID   string
	Profile    Profile
	Health     Health
	Allowances []Allowance
	// BirthDateOfRecord, once set, is the birth date eligibility and
	// prices count by, whatever the profile says since (SetProfile);
	// BirthDateOfficial says an official record confirmed it.
	BirthDateOfRecord calendar.Date
	BirthDateOfficial bool
	// Account is the elder's own account, when their family linked one
	// (Link); nil otherwise.
	Account *Account
	// Alarms are incidents being raised for the elder, noted before
	// they are stored; Removal is set once the elder's removal began
	// (removal.go).
	Alarms    []Alarm
	Removal   *Removal
	CreatedBy string
	CreatedAt time.Time
}

// Profile is what any family member may write.
type Profile struct {
	Name              string
	Gender            Gender
	BirthDate         calendar.Date
	Phone             identity.Phone // optional: the elder may get notifications too
	Address           geo.Address
	Living            Living
	MobilityAids      []MobilityAid
	Diet              Diet
	EmergencyContacts []EmergencyContact // in the order to call them
	CaregiverNotes    string             // "knock loudly, hard of hearing"
}

// Health is written only under a consent in force, and erased when the
// consent is withdrawn.
type Health struct {
	Conditions        []string
	Assessment        *Assessment
	AssessmentHistory []Assessment // newest last
}

// Empty reports whether nothing health-related is held.
func (h Health) Empty() bool {
	return len(h.Conditions) == 0 && h.Assessment == nil && len(h.AssessmentHistory) == 0
}

type Gender string

const (
	Female Gender = "female"
	Male   Gender = "male"
)

type Living string

const (
	LivesAlone      Living = "alone"
	LivesWithSpouse Living = "with_spouse"
	LivesWithFamily Living = "with_family"
)

type MobilityAid string

var mobilityAids = []MobilityAid{"cane", "walker", "wheelchair", "bedridden", "hearing_aid", "prosthesis"}

// DietTag is a dietary need a canteen or caregiver must respect.
type DietTag string

var dietTags = []DietTag{"low_salt", "low_sugar", "low_fat", "soft_food", "liquid_food", "halal", "vegetarian"}

// Diet is tags plus allergies in the family's own words.
type Diet struct {
	Tags      []DietTag
	Allergies string
}

// EmergencyContact is called when something goes wrong on a visit.
type EmergencyContact struct {
	Name     string
	Relation string
	Phone    identity.Phone
}

const (
	maxText     = 100
	maxNotes    = 1000
	maxContacts = 5
	maxItems    = 20
	// Elders are at least 60 (the national definition of 老年人); a
	// younger care recipient is almost surely a typo in the birth year.
	minAge = 60
	maxAge = 130
)

// Validate checks a profile as of today in the family's zone; every
// problem is reported at once, by field.
func (p Profile) Validate(today calendar.Date) (Profile, error) {
	v := validator{}
	p.Name = v.text("/name", p.Name, maxText, true)
	if p.Gender != Female && p.Gender != Male {
		v.add("/gender", "enum")
	}
	switch {
	case p.BirthDate.IsZero():
		v.add("/birthDate", "required")
	case today.Before(p.BirthDate):
		v.add("/birthDate", "in_future")
	case p.BirthDate.YearsOn(today) < minAge || p.BirthDate.YearsOn(today) > maxAge:
		v.add("/birthDate", "age_out_of_range")
	}
	if a, err := geo.NewAddress("/address", p.Address); err != nil {
		v.merge(err)
	} else {
		p.Address = a
	}
	if p.Living != LivesAlone && p.Living != LivesWithSpouse && p.Living != LivesWithFamily {
		v.add("/living", "enum")
	}
	p.MobilityAids = checkSet(&v, "/mobilityAids", p.MobilityAids, mobilityAids)
	p.Diet.Tags = checkSet(&v, "/diet/tags", p.Diet.Tags, dietTags)
	p.Diet.Allergies = v.notes("/diet/allergies", p.Diet.Allergies, maxNotes)
	if len(p.EmergencyContacts) > maxContacts {
		v.add("/emergencyContacts", "maxItems")
	}
	for i := range p.EmergencyContacts {
		c := &p.EmergencyContacts[i]
		at := "/emergencyContacts/" + strconv.Itoa(i)
		c.Name = v.text(at+"/name", c.Name, maxText, true)
		c.Relation = v.text(at+"/relation", c.Relation, maxText, true)
		if c.Phone == "" {
			v.add(at+"/phone", "required")
		}
	}
	p.CaregiverNotes = v.notes("/caregiverNotes", p.CaregiverNotes, maxNotes)
	return p, v.err()
}

// AgeOn is the elder's age in whole years on today.
func (p Profile) AgeOn(today calendar.Date) int { return p.BirthDate.YearsOn(today) }

func checkSet[T ~string](v *validator, field string, got []T, allowed []T) []T {
	out := make([]T, 0, len(got))
	for i, g := range got {
		if !slices.Contains(allowed, g) {
			v.add(field+"/"+strconv.Itoa(i), "enum")
			continue
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// validator gathers field errors so a client learns everything at once.
type validator struct{ fields []fault.FieldError }

func (v *validator) add(field, code string) {
	v.fields = append(v.fields, fault.FieldError{Field: field, Code: code})
}

func (v *validator) merge(err error) {
	if fe, ok := fault.As(err); ok {
		v.fields = append(v.fields, fe.Fields...)
	}
}

// text cleans one line of display text (a name, a relation) by the rule
// all display text follows; notes are paragraphs.
func (v *validator) text(field, s string, max int, required bool) string {
	return v.clean(field, s, text.Rule{Max: max, Required: required})
}

func (v *validator) notes(field, s string, max int) string {
	return v.clean(field, s, text.Rule{Max: max, Multiline: true})
}

func (v *validator) clean(field, s string, r text.Rule) string {
	v.fields = r.Check(v.fields, field, &s)
	return s
}

func (v *validator) err() error { return v.errAs(ErrInvalid) }

// errAs reports the gathered fields under code e.
func (v *validator) errAs(e *fault.Error) error {
	if len(v.fields) == 0 {
		return nil
	}
	return e.WithFields(v.fields...)
}
