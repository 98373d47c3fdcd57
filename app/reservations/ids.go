package reservations

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/kincare/kincare/domain/reservation"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return strings.ToLower(b32.EncodeToString(h.Sum(nil)))
}

// slotID is derived from the resource and the slot's key, so opening the
// same range twice finds the slots already made; the key's digits keep a
// resource's slots in start order when sorted by id.
func slotID(resourceID, key string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, key)
	return "s" + digest(resourceID)[:12] + digits
}

// holdID is derived from the user and their Idempotency-Key: a retried
// request names the same hold, and the engine answers it again instead
// of taking a second unit.
func holdID(slotID, userID, key string) string {
	return reservation.HoldID(slotID, digest(userID, slotID, key)[:20])
}

// promotionHoldID names the hold a waiter is given, the same however
// many replicas serve the waitlist at once.
func promotionHoldID(slotID string, w reservation.Waiter) string {
	return reservation.HoldID(slotID, "w"+digest(w.UserID, slotID, w.JoinedAt.String())[:19])
}
