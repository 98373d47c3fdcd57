package idempotency

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"maps"
	"net/url"
	"slices"
)

// Fingerprint is the SHA-256 (hex) of what a key promises not to change
// between retries.
type Fingerprint string

// Request is the part of a request its fingerprint covers.
type Request struct {
	Method string
	// Route is the operation's route template (/v1/slots/{slotId}/holds),
	// so the fingerprint does not depend on how the path was spelled.
	Route  string
	Params map[string]string // path parameters, unescaped
	Query  string            // the raw query string
	Body   []byte
}

// FingerprintOf hashes the request. A JSON body is hashed in canonical
// form (sorted keys, no insignificant space), so a client that re-encodes
// the same object for its retry is not refused; any other body is hashed
// as sent. Every part is length-prefixed so parts cannot run into each
// other.
func FingerprintOf(r Request) Fingerprint {
	h := sha256.New()
	field(h, r.Method)
	field(h, r.Route)
	names := slices.Sorted(maps.Keys(r.Params))
	count(h, len(names))
	for _, n := range names {
		field(h, n)
		field(h, r.Params[n])
	}
	field(h, canonicalQuery(r.Query))
	if body, ok := canonicalJSON(r.Body); ok {
		field(h, "json")
		field(h, string(body))
	} else {
		field(h, "raw")
		field(h, string(r.Body))
	}
	return Fingerprint(hex.EncodeToString(h.Sum(nil)))
}

func field(h hash.Hash, s string) {
	count(h, len(s))
	_, _ = io.WriteString(h, s)
}

func count(h hash.Hash, n int) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	_, _ = h.Write(b[:])
}

// canonicalQuery sorts parameters by name; values keep their order.
func canonicalQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	return q.Encode()
}

// canonicalJSON re-encodes one JSON value with object keys sorted.
// Numbers keep their literal text, so no precision is lost.
func canonicalJSON(b []byte) ([]byte, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // trailing data: not one JSON value
	}
	out, err := json.Marshal(v)
	return out, err == nil
}
