package order

import (
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
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

// text cleans one line of display text (a reason) by the rule all
// display text follows; notes are paragraphs.
func (v *validator) text(field, s string, max int, required bool) string {
	return v.clean(field, s, text.Rule{Max: max, Required: required})
}

func (v *validator) notes(field, s string, max int) string {
	return v.clean(field, s, text.Rule{Max: max, Multiline: true})
}

func (v *validator) clean(field, s string, r text.Rule) string {
	v.fields = r.Check(v.fields, field, &s)
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
