// Package fault is kincare's one error vocabulary. Domain and app code
// return *Error values with a stable machine code; the HTTP adapter maps
// the Kind to a status and the Code to localized text in one place.
//
// It imports nothing of ours, so every layer may use it.
package fault

import (
	"errors"
	"time"
)

// Kind says what class of failure an error is, independent of transport.
type Kind int

const (
	// Internal is the zero value so that an unclassified error never
	// leaks as something the client could act on.
	Internal Kind = iota
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	Unprocessable
	RateLimited
	Unavailable
	// UnsupportedMedia is a body in a format the operation does not take.
	UnsupportedMedia
)

// Error is a failure with a stable code. Code is what clients switch on;
// Fields carries per-field problems; Params fills localized templates.
type Error struct {
	Kind   Kind
	Code   string
	Fields []FieldError
	Params map[string]any
	// Members are extension members of the problem (RFC 9457 §3.2):
	// data a client acts on, such as the ids of what stands in the way.
	Members    map[string]any
	RetryAfter time.Duration
	cause      error
}

// FieldError names one invalid input field by JSON pointer or parameter name.
type FieldError struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// New returns an error of the given kind and code.
func New(kind Kind, code string) *Error { return &Error{Kind: kind, Code: code} }

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code + ": " + e.cause.Error()
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.cause }

// Is matches on Code so package-level sentinels work with errors.Is even
// when a copy carries extra fields or parameters.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && t.Kind == e.Kind
}

// With returns a copy carrying template parameters.
func (e *Error) With(params map[string]any) *Error {
	c := *e
	c.Params = params
	return &c
}

// WithMembers returns a copy carrying problem extension members.
func (e *Error) WithMembers(members map[string]any) *Error {
	c := *e
	c.Members = members
	return &c
}

// WithFields returns a copy carrying field errors.
func (e *Error) WithFields(fields ...FieldError) *Error {
	c := *e
	c.Fields = append([]FieldError(nil), fields...)
	return &c
}

// Wrap returns a copy that keeps cause for logs; cause never reaches clients.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// Retry returns a copy that tells the client when to try again.
func (e *Error) Retry(after time.Duration) *Error {
	c := *e
	c.RetryAfter = after
	return &c
}

// As extracts the *Error from err's chain, if any. A nil err returns
// before the target errors.As needs is made on the heap: every request
// asks it of its rate limits.
func As(err error) (*Error, bool) {
	if err == nil {
		return nil, false
	}
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}

// Errors shared by every layer.
var (
	ErrNotFound        = New(NotFound, "not_found")
	ErrUnauthenticated = New(Unauthenticated, "unauthenticated")
	ErrForbidden       = New(Forbidden, "forbidden")
	ErrValidation      = New(Unprocessable, "validation_failed")
	ErrRateLimited     = New(RateLimited, "rate_limited")
	ErrUnavailable     = New(Unavailable, "unavailable")
	// ErrStoreUnavailable is a store (MongoDB, Redis) that did not answer
	// in time or at all: busy, failing over, or briefly unreachable. The
	// request was fine; the client should retry after RetryAfter.
	ErrStoreUnavailable = New(Unavailable, "store_unavailable")
)

// Is reports whether err carries target's code; a shorthand for errors.Is
// that reads well at call sites.
func Is(err error, target *Error) bool { return errors.Is(err, target) }
