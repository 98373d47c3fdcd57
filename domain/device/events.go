package device

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// EventRegistered tells a user their account now receives pushes on a
// device it did not before: a sign-in they should recognise.
const EventRegistered event.Type = "device.registered"

// Digest names a token without revealing it, for delivery records and
// logs.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:8])
}

// Registered is the event of d becoming one of its user's devices.
func Registered(id string, d Device, now time.Time) (event.Event, error) {
	return event.New(id, EventRegistered, event.Subject{Kind: "device", ID: Digest(d.Token)}, now,
		map[string]string{"userId": d.UserID, "platform": string(d.Platform), "app": string(d.App),
			"device": Digest(d.Token)})
}
