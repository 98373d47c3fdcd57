package family

import (
	"time"

	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/fault"
)

// GrantConsent records a member's consent. Granting what is already in
// force returns the existing consent rather than a second one.
func (f *Family) GrantConsent(actorID string, c consent.Consent) (consent.Consent, error) {
	if err := f.RequireMember(actorID); err != nil {
		return consent.Consent{}, err
	}
	if existing, ok := f.ConsentFor(c.Scope, c.SubjectID); ok {
		return existing, nil
	}
	f.consents = append(f.consents, c)
	return c, nil
}

// ConsentFor is the consent in force for scope and subject, if any.
func (f *Family) ConsentFor(scope consent.Scope, subjectID string) (consent.Consent, bool) {
	for _, c := range f.consents {
		if c.Covers(scope, subjectID) {
			return c, true
		}
	}
	return consent.Consent{}, false
}

// RequireConsent refuses writes of data the family has not consented to.
func (f *Family) RequireConsent(scope consent.Scope, subjectID string) error {
	if _, ok := f.ConsentFor(scope, subjectID); !ok {
		return consent.ErrRequired.With(map[string]any{"scope": string(scope)})
	}
	return nil
}

// WithdrawConsent ends a consent; the caller must then erase what it
// covered. Any member may withdraw: consent needs everyone's agreement to
// stand, not an owner's.
func (f *Family) WithdrawConsent(actorID, consentID string, now time.Time) (consent.Consent, error) {
	if err := f.RequireMember(actorID); err != nil {
		return consent.Consent{}, err
	}
	for i, c := range f.consents {
		if c.ID != consentID {
			continue
		}
		if !c.InForce() {
			return consent.Consent{}, consent.ErrAlreadyWithdrawn
		}
		f.consents[i].WithdrawnAt, f.consents[i].WithdrawnBy = now.UTC(), actorID
		return f.consents[i], nil
	}
	return consent.Consent{}, consent.ErrNotFound
}

// RecordElderConsent records an elder's own consent to an account linked
// to their profile (consent.ElderAccount). The elder is no member of the
// family: the caller has checked the invite they accepted and that the
// elder is the family's. Recording it again while one is in force keeps
// the first.
func (f *Family) RecordElderConsent(c consent.Consent) (consent.Consent, error) {
	if c.Scope != consent.ElderAccount {
		return consent.Consent{}, consent.ErrScopeInvalid.WithFields(fault.FieldError{Field: "/scope", Code: "enum"})
	}
	if existing, ok := f.ConsentFor(c.Scope, c.SubjectID); ok {
		return existing, nil
	}
	f.consents = append(f.consents, c)
	return c, nil
}

// EndElderConsent withdraws the elder's account consent in force for
// elderID, as by (the elder or a member unlinking the account); false if
// none was in force.
func (f *Family) EndElderConsent(elderID, by string, now time.Time) bool {
	for i, c := range f.consents {
		if c.Covers(consent.ElderAccount, elderID) {
			f.consents[i].WithdrawnAt, f.consents[i].WithdrawnBy = now.UTC(), by
			return true
		}
	}
	return false
}
