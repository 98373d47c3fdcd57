package reservations

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/kincare/kincare/domain/reservation"
)

// b32 is base32 without padding in lower case, the alphabet of the ids
// derived here (the standard one, lowered).
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func digest(parts ...string) string { return string(appendDigest(nil, parts...)) }

// appendDigest appends the digest of parts, as b32 text, to dst. The
// parts are hashed from a buffer on the stack: a hold's id is derived
// on every hold request.
func appendDigest(dst []byte, parts ...string) []byte {
	var in [256]byte
	b := in[:0]
	for _, p := range parts {
		b = append(append(b, p...), 0)
	}
	sum := sha256.Sum256(b)
	return b32.AppendEncode(dst, sum[:])
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
	var buf [64]byte
	return reservation.HoldID(slotID, string(appendDigest(buf[:0], userID, slotID, key)[:20]))
}

// promotionHoldID names the hold a waiter is given, the same however
// many replicas serve the waitlist at once.
func promotionHoldID(slotID string, w reservation.Waiter) string {
	return reservation.HoldID(slotID, "w"+digest(w.UserID, slotID, w.JoinedAt.String())[:19])
}
