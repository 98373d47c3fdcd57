// Package audit records who read or changed sensitive records, so a
// family can see who looked at their mother's health or their child's
// pickup list. Entries hold ids, never the personal data itself.
package audit

import "time"

// Action is what was done.
type Action string

const (
	Read   Action = "read"
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Entry is one audited access.
type Entry struct {
	ID         string
	FamilyID   string
	ActorID    string
	Action     Action
	Resource   string // elder, elder_health, child, pickup_person, consent, family_member, allowance, meal_delivery_address
	ResourceID string
	RequestID  string
	At         time.Time
}
