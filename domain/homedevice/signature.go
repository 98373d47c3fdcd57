package homedevice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// SignatureWindow is how far a signed request's timestamp may be from
// the server's clock, either way: a captured request is worthless after
// it, and within it the event id refuses a second use.
const SignatureWindow = 5 * time.Minute

var (
	// ErrSignature is an unknown vendor or a signature that does not
	// verify; the two are not told apart.
	ErrSignature = fault.New(fault.Unauthenticated, "device_signature_invalid")
	// ErrStale is a timestamp outside the window.
	ErrStale = fault.New(fault.Unauthenticated, "device_signature_expired")
)

// Sign is the signature of body sent at timestamp (Unix seconds) under
// key: hex HMAC-SHA256 of "<timestamp>.<body>", prefixed "v1=".
func Sign(key []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a vendor's signature over body and that its timestamp
// is within SignatureWindow of now. The comparison takes the same time
// whatever the signature.
func Verify(key []byte, timestamp, signature string, body []byte, now time.Time) error {
	if len(key) == 0 {
		return ErrSignature
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return ErrSignature
	}
	want := Sign(key, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(signature))) {
		return ErrSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureWindow || d < -SignatureWindow {
		return ErrStale
	}
	return nil
}
