// Package idempotency owns Idempotency-Key semantics (invariant 4): a
// client's retry of a create with the same key and the same request gets
// the first response back instead of a second order, hold, booking or
// payment; the same key with another request is refused.
//
// A key is scoped by the user who sent it and the operation it was sent
// to, so two users' keys never meet. The Guard runs a request's work at
// most once per key while the key lives (24 h), across every API replica,
// through the Store port that adapters/redis implements.
//
// It knows nothing of Fiber or Redis, and imports only domain/fault.
package idempotency

import (
	"maps"

	"github.com/kincare/kincare/domain/fault"
)

// Errors a client can act on.
var (
	// ErrKeyRequired: the operation takes no write without a key.
	ErrKeyRequired = fault.New(fault.Invalid, "idempotency_key_required")
	// ErrKeyInvalid: the key is empty, too long or not visible ASCII.
	ErrKeyInvalid = fault.New(fault.Invalid, "idempotency_key_invalid")
	// ErrKeyReused: the key already stands for a different request.
	ErrKeyReused = fault.New(fault.Unprocessable, "idempotency_key_reused")
	// ErrInProgress: the first request with the key is still running.
	ErrInProgress = fault.New(fault.Conflict, "idempotency_key_in_progress")
)

// MaxKeyLen bounds a key: room for a UUID with a prefix, not for a payload.
const MaxKeyLen = 255

// Key is a client's Idempotency-Key, checked.
type Key string

// ParseKey accepts 1 to 255 visible ASCII characters (0x21–0x7E). An
// empty value means the header is missing.
func ParseKey(raw string) (Key, error) {
	if raw == "" {
		return "", ErrKeyRequired
	}
	if len(raw) > MaxKeyLen {
		return "", ErrKeyInvalid
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x21 || raw[i] > 0x7e {
			return "", ErrKeyInvalid
		}
	}
	return Key(raw), nil
}

// Scope is where a key means something: one user's calls of one
// operation (an OpenAPI operation id such as createOrder).
type Scope struct {
	UserID    string
	Operation string
}

// Ref names one key's record.
type Ref struct {
	Scope Scope
	Key   Key
}

// Response is what the first request answered, kept to be replayed.
// Header holds only the headers a replay must repeat (Content-Type,
// Location, ETag and the like), by canonical name.
type Response struct {
	Status int
	Header map[string]string
	Body   []byte
}

// Storable says whether a retry should get this response back rather
// than run again. Successes and client errors are final for the request
// that caused them; server errors are not, nor are the client errors
// that mean "not now" (408, 425, 429).
func (r Response) Storable() bool {
	switch {
	case r.Status >= 200 && r.Status < 300:
		return true
	case r.Status == 408 || r.Status == 425 || r.Status == 429:
		return false
	case r.Status >= 400 && r.Status < 500:
		return true
	}
	return false
}

func (r Response) clone() Response {
	return Response{Status: r.Status, Header: maps.Clone(r.Header), Body: append([]byte(nil), r.Body...)}
}
