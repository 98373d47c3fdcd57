package idempotency

import (
	"context"
	"time"
)

// Store keeps keys' records where every replica sees them. Each method
// is one atomic step; the token makes sure an attempt whose lease lapsed
// cannot complete or release a later attempt's claim.
type Store interface {
	// Claim takes the key for a (lease, renewable) unless it has a record;
	// then it reports that record instead.
	Claim(ctx context.Context, a Attempt, lease time.Duration) (claimed bool, found Record, err error)
	// Get reads the key's record; State is Absent when there is none.
	Get(ctx context.Context, ref Ref) (Record, error)
	// Extend renews a's lease; false when a no longer holds the claim.
	Extend(ctx context.Context, a Attempt, lease time.Duration) (bool, error)
	// Complete stores r as the key's response for ttl, if a still holds
	// the claim or nobody does; false when a later attempt took the key.
	Complete(ctx context.Context, a Attempt, r Response, ttl time.Duration) (bool, error)
	// Release drops a's claim so that a retry runs again; false when a
	// no longer held it.
	Release(ctx context.Context, a Attempt) (bool, error)
}

// Attempt is one request's try at a key.
type Attempt struct {
	Ref         Ref
	Fingerprint Fingerprint
	// Token tells this attempt apart from later ones with the same key.
	Token string
}

// State is where a key's record stands.
type State int

const (
	// Absent: no request with the key has run, or its claim was released
	// or lapsed, or its response expired.
	Absent State = iota
	// Running: an attempt holds the claim.
	Running
	// Done: the first response is stored.
	Done
)

// Record is a key's record as a Store reports it.
type Record struct {
	State       State
	Fingerprint Fingerprint
	Response    Response // when Done
}
