// Package faulttest helps tests assert on kincare's errors: the code an
// error carries, and the field each field error names. For tests only.
package faulttest

import (
	"testing"

	"github.com/kincare/kincare/domain/fault"
)

// Is fails the test unless err carries want's code.
func Is(t testing.TB, err error, want *fault.Error) {
	t.Helper()
	if !fault.Is(err, want) {
		t.Fatalf("err = %v, want %s", err, want.Code)
	}
}

// Fields maps each field an error names to its code; empty for an error
// without field errors.
func Fields(err error) map[string]string {
	out := map[string]string{}
	if fe, ok := fault.As(err); ok {
		for _, f := range fe.Fields {
			out[f.Field] = f.Code
		}
	}
	return out
}
