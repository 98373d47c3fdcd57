// Package page is cursor pagination as every list in kincare does it:
// ?limit= clamped to 1..100 (default 20), and an opaque cursor that is the
// last id of the previous page. Ids are UUIDv7, so id order is creation
// order.
package page

import (
	"encoding/base64"

	"github.com/kincare/kincare/domain/fault"
)

const (
	DefaultLimit = 20
	MaxLimit     = 100
)

var ErrCursorInvalid = fault.New(fault.Invalid, "cursor_invalid")

// Request is one page's bounds: items with ids after After, at most Limit.
type Request struct {
	After string
	Limit int
}

// Parse clamps limit and decodes cursor.
func Parse(cursor string, limit int) (Request, error) {
	switch {
	case limit <= 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	if cursor == "" {
		return Request{Limit: limit}, nil
	}
	after, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(after) == 0 {
		return Request{}, ErrCursorInvalid.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
	}
	return Request{After: string(after), Limit: limit}, nil
}

// Cursor is the token for the page after lastID; empty when there is none.
func Cursor(lastID string, more bool) string {
	if !more || lastID == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(lastID))
}
