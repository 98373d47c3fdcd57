package order

import (
	"strings"
	"unicode/utf8"

	"github.com/kincare/kincare/domain/fault"
)

// validator gathers field errors so a client learns everything at once.
type validator struct{ fields []fault.FieldError }

func (v *validator) add(field, code string) {
	v.fields = append(v.fields, fault.FieldError{Field: field, Code: code})
}

func (v *validator) merge(err error) {
	if fe, ok := fault.As(err); ok {
		v.fields = append(v.fields, fe.Fields...)
	}
}

// text trims s and checks its length in characters, not bytes: Chinese
// notes are three bytes a character.
func (v *validator) text(field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		v.add(field, "required")
	case n > max:
		v.add(field, "maxLength")
	}
	return s
}

func (v *validator) id(field, s string) {
	if s == "" || len(s) > maxID {
		v.add(field, "required")
	}
}

func (v *validator) err(as *fault.Error) error {
	if len(v.fields) == 0 {
		return nil
	}
	return as.WithFields(v.fields...)
}

const maxID = 128
