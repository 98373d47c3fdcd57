// Package consent records a family's permission to keep sensitive data:
// the health of an elder, and anything about a child. Without a consent
// in force such data is never written; withdrawing it erases the data.
package consent

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Scope is what a consent covers.
type Scope string

const (
	// ElderHealth covers one elder's health conditions and ability
	// assessments; its subject is the elder.
	ElderHealth Scope = "elder_health"
	// ChildData covers every record of the family's children.
	ChildData Scope = "child_data"
	// ElderAccount is the elder's own consent, given on accepting their
	// family's invite, to an account of their own linked to their
	// profile: the account sees their day, the family sees what the
	// elder confirms with it. Its subject is the elder; it is withdrawn
	// by unlinking the account, not by a family member.
	ElderAccount Scope = "elder_account"
)

// PolicyVersion is the privacy policy a consent is given under. Apps
// show this version's text and send it back with the consent.
const PolicyVersion = "2026-11"

var (
	ErrRequired         = fault.New(fault.Unprocessable, "consent_required")
	ErrScopeInvalid     = fault.New(fault.Unprocessable, "consent_scope_invalid")
	ErrPolicyOutdated   = fault.New(fault.Unprocessable, "consent_policy_outdated")
	ErrNotFound         = fault.New(fault.NotFound, "consent_not_found")
	ErrAlreadyWithdrawn = fault.New(fault.Conflict, "consent_withdrawn")
)

// Consent is one recorded permission.
type Consent struct {
	ID            string
	Scope         Scope
	SubjectID     string // the elder for ElderHealth; empty for ChildData
	GrantedBy     string
	GrantedAt     time.Time
	PolicyVersion string
	WithdrawnAt   time.Time
	WithdrawnBy   string
}

// New validates a consent being given now.
func New(id string, scope Scope, subjectID, grantedBy, policyVersion string, now time.Time) (Consent, error) {
	switch {
	case (scope == ElderHealth || scope == ElderAccount) && subjectID == "":
		return Consent{}, ErrScopeInvalid.WithFields(fault.FieldError{Field: "/elderId", Code: "required"})
	case scope == ChildData && subjectID != "":
		return Consent{}, ErrScopeInvalid.WithFields(fault.FieldError{Field: "/elderId", Code: "not_allowed"})
	case scope != ElderHealth && scope != ChildData && scope != ElderAccount:
		return Consent{}, ErrScopeInvalid.WithFields(fault.FieldError{Field: "/scope", Code: "enum"})
	case policyVersion != PolicyVersion:
		return Consent{}, ErrPolicyOutdated.With(map[string]any{"current": PolicyVersion}).
			WithFields(fault.FieldError{Field: "/policyVersion", Code: "outdated"})
	}
	return Consent{ID: id, Scope: scope, SubjectID: subjectID, GrantedBy: grantedBy, GrantedAt: now.UTC(),
		PolicyVersion: policyVersion}, nil
}

// InForce reports whether the consent still holds.
func (c Consent) InForce() bool { return c.WithdrawnAt.IsZero() }

// Covers reports whether c permits writing data of scope about subject.
func (c Consent) Covers(scope Scope, subjectID string) bool {
	return c.InForce() && c.Scope == scope && c.SubjectID == subjectID
}
