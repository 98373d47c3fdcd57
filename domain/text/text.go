// Package text holds the one rule for display text: anything a person
// types that other people's screens and notifications show — names,
// relations, notes, reasons, addresses, licence numbers. Every
// constructor and validator that accepts such text cleans it with a Rule
// from here, so a name is held to the same rule wherever it is entered.
//
// Display text is valid UTF-8 normalised to NFC and trimmed of
// surrounding white space. It has no control characters (a field of
// paragraphs keeps newlines and tabs), no bidirectional controls (U+202E
// and its kin make a name read backwards in a notification), and
// something visible: a name of zero-width characters alone is no name.
// Chinese, emoji (with their joiners) and spaces inside the text are
// kept. Lengths are counted in characters after normalisation.
//
// Pure Go; imports only fault.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kincare/kincare/domain/fault"
)

// Field error codes, one for each way text can break the rule.
const (
	CodeRequired  = "required"
	CodeMaxLength = "maxLength"
	// CodeEncoding: not valid UTF-8, a U+FFFD left where a decoder met
	// bytes that were not, or a Unicode noncharacter.
	CodeEncoding = "encoding"
	// CodeControl: a control character (NUL, escape, a line break in
	// a one-line field, …).
	CodeControl = "control_character"
	// CodeBidi: a bidirectional embedding, override, isolate or mark.
	CodeBidi = "bidi_control"
	// CodeInvisible: nothing visible, only zero-width characters.
	CodeInvisible = "invisible"
)

// Rule is what one display-text field accepts.
type Rule struct {
	// Max is the most characters (runes after NFC) the field holds.
	Max      int
	Required bool
	// Multiline fields (notes, reasons) keep line breaks and tabs;
	// CR LF, a lone CR and U+2028/U+2029 become LF.
	Multiline bool
}

// Clean returns s as kincare keeps it, or a field error naming field and
// the first part of the rule s breaks. White space around the text
// (a pasted line break included) is dropped, so text that is only white
// space is empty: an error for a required field, nothing for another.
func (r Rule) Clean(field, s string) (string, *fault.FieldError) {
	s, code := r.clean(s)
	if code != "" {
		return "", &fault.FieldError{Field: field, Code: code}
	}
	return s, nil
}

// Check cleans *s in place for a validator gathering field errors, and
// returns fields with what is wrong with *s added:
//
//	fields = name.Check(fields, "/name", &p.Name)
func (r Rule) Check(fields []fault.FieldError, field string, s *string) []fault.FieldError {
	clean, bad := r.Clean(field, *s)
	if bad != nil {
		return append(fields, *bad)
	}
	*s = clean
	return fields
}

func (r Rule) clean(s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", CodeEncoding
	}
	if r.Multiline {
		s = lineBreaks.Replace(s)
	}
	s = strings.TrimSpace(s)
	for _, c := range s {
		switch {
		case c == utf8.RuneError || noncharacter(c):
			return "", CodeEncoding
		case bidiControl(c):
			return "", CodeBidi
		case r.Multiline && (c == '\n' || c == '\t'):
		case unicode.IsControl(c) || c == '\u2028' || c == '\u2029':
			return "", CodeControl
		}
	}
	s = norm.NFC.String(s)
	switch {
	case s == "" && r.Required:
		return "", CodeRequired
	case s != "" && !visible(s):
		return "", CodeInvisible
	case utf8.RuneCountInString(s) > r.Max:
		return "", CodeMaxLength
	}
	return s, ""
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")

// bidiControl: the explicit directional formatting characters of
// Unicode's bidirectional algorithm (UAX #9): the Arabic letter mark,
// LRM and RLM, the embeddings and overrides and their pop, and the
// isolates. Text in a right-to-left script needs none of them to show.
func bidiControl(c rune) bool {
	return c == '\u061C' || c == '\u200E' || c == '\u200F' ||
		('\u202A' <= c && c <= '\u202E') || ('\u2066' <= c && c <= '\u2069')
}

// noncharacter: code points Unicode reserves never to be characters.
func noncharacter(c rune) bool {
	return ('\uFDD0' <= c && c <= '\uFDEF') || c&0xFFFE == 0xFFFE
}

// visible reports whether s shows anything: a character that is neither
// white space nor one of those that take no room (zero-width spaces and
// joiners, format characters, fillers that render blank).
func visible(s string) bool {
	for _, c := range s {
		if !unicode.IsSpace(c) && !blank(c) {
			return true
		}
	}
	return false
}

func blank(c rune) bool {
	switch c {
	case '\u034F', // combining grapheme joiner
		'\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u2800': // braille blank
		return true
	}
	return unicode.Is(unicode.Cf, c) || unicode.Is(unicode.Variation_Selector, c)
}
