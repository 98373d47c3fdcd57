package elder

import (
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

// ErrBirthDateOfficialOnly is a birth date confirmed with an assessment
// by someone whose assessments are not official.
var ErrBirthDateOfficialOnly = ErrInvalid.WithFields(fault.FieldError{Field: "/birthDate", Code: "official_only"})

// EligibilityBirthDate is the birth date that decides ages for
// eligibility and 普惠 prices: the one on record once the date counted
// for something (see SetProfile), else the profile's.
func (e Elder) EligibilityBirthDate() calendar.Date {
	if !e.BirthDateOfRecord.IsZero() {
		return e.BirthDateOfRecord
	}
	return e.Profile.BirthDate
}

// BirthDateSource says who stands behind EligibilityBirthDate.
func (e Elder) BirthDateSource() AssessmentSource {
	if e.BirthDateOfficial {
		return Official
	}
	return SelfReported
}

// SetProfile replaces what the family wrote. Until the birth date has
// counted for something, the family's word decides it. Once it has (an
// official assessment was recorded against it, or the elder has been
// ordered for: ordered), a new date from the family is kept as
// self-reported and the earlier one still decides eligibility and
// prices, until an official record confirms a date (ConfirmBirthDate):
// typing 1930 must not buy an 85+ service at the 普惠 price.
func (e *Elder) SetProfile(p Profile, ordered bool) {
	if p.BirthDate != e.Profile.BirthDate && e.BirthDateOfRecord.IsZero() && ordered {
		e.BirthDateOfRecord = e.Profile.BirthDate
	}
	e.Profile = p
}

// RecordAssessment adds an assessment. An official one settles the birth
// date it was made against, and with birthDate (what the assessing body
// checked on the elder's ID) confirms that date instead; only official
// records may.
func (e *Elder) RecordAssessment(a Assessment, birthDate calendar.Date, today calendar.Date) error {
	if !birthDate.IsZero() {
		if !a.IsOfficial() {
			return ErrBirthDateOfficialOnly
		}
		p := e.Profile
		p.BirthDate = birthDate
		if _, err := p.Validate(today); err != nil {
			return err
		}
		e.Profile.BirthDate = birthDate
		e.BirthDateOfRecord, e.BirthDateOfficial = birthDate, true
	}
	if a.IsOfficial() && e.BirthDateOfRecord.IsZero() {
		e.BirthDateOfRecord = e.Profile.BirthDate
	}
	e.Health.Record(a)
	return nil
}
