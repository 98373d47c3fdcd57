package reservation

import (
	"strings"
	"time"
)

// HoldStatus is where a hold stands.
type HoldStatus string

const (
	Held     HoldStatus = "held"
	Expired  HoldStatus = "expired"
	Released HoldStatus = "released"
	// Booked is a hold that became a booking (of the same id).
	Booked HoldStatus = "booked"
)

// Hold is one unit of a slot kept for a user for minutes. Holds live in
// Redis only: losing them loses minutes of someone's intent, never a
// booking.
type Hold struct {
	ID        string
	SlotID    string
	UserID    string
	Tier      Tier
	ExpiresAt time.Time
	Status    HoldStatus
	// Promoted is a hold given from the waitlist.
	Promoted bool
}

// Live reports whether the hold still keeps its unit at now.
func (h Hold) Live(now time.Time) bool { return h.Status == Held && h.ExpiresAt.After(now) }

// holdSep joins a slot id and a hold's own part: a hold's id names its
// slot, so every key of the hold shares the slot's Redis hash slot.
const holdSep = "_"

// HoldID is the id of a hold on slot with its own part suffix.
func HoldID(slotID, suffix string) string { return slotID + holdSep + suffix }

// ValidSlotID reports whether id can name a slot: holds on it must be
// able to name it back.
func ValidSlotID(id string) bool { return id != "" && !strings.Contains(id, holdSep) }

// SlotOf is the slot a hold id names; false for an id of no hold.
func SlotOf(holdID string) (string, bool) {
	slot, suffix, ok := strings.Cut(holdID, holdSep)
	if !ok || slot == "" || suffix == "" || strings.Contains(suffix, holdSep) {
		return "", false
	}
	return slot, true
}
