// Package moderation decides whether a family's free text may be
// published: a rating's comment is shown to the provider and on its
// public page, so it must not carry a phone number (a caregiver's private
// mobile, a rival's hotline) or a link (advertising, phishing). It reads
// text as people write it to get past filters: full-width digits,
// separators between digits, Chinese numerals, "。" for a dot.
//
// Pure domain code: standard library and golang.org/x/text only.
package moderation

import (
	"regexp"
	"strings"

	"golang.org/x/text/width"
)

// Problems a text can have, as field error codes.
const (
	ContainsPhone = "contains_phone"
	ContainsLink  = "contains_link"
)

var (
	// A mainland mobile (1[3-9] and 9 more digits), a landline with its
	// area code (0 + 2–3 digits, then 7–8), or a 400/800 hotline, each
	// optionally after +86, with single spaces or hyphens anywhere
	// between digits, and not part of a longer run of digits.
	phone = regexp.MustCompile(`(?:^|[^0-9])(?:\+?86[ -]?)?(?:` +
		`1[ -]?[3-9](?:[ -]?[0-9]){9}` +
		`|0(?:[ -]?[0-9]){2,3}[ -]?(?:[0-9][ -]?){6,7}[0-9]` +
		`|[48][ -]?0[ -]?0(?:[ -]?[0-9]){7}` +
		`)(?:[^0-9]|$)`)
	// Seven or more Chinese numerals in a row spell a number out
	// (幺三八…), which no rating needs.
	spelled = regexp.MustCompile(`[零〇一幺二两三四五六七八九]{7,}`)
	link    = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*://|www\.|` +
		`\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*` +
		`\.(?:com|cn|net|org|top|xyz|io|me|cc|info|vip|shop|site|online|tv|co|app|link|ly|to|biz|club|wang|ink|live)\b)`)
)

// Problems lists what keeps text from being published, each code once,
// phone before link; nil when it may be.
func Problems(text string) []string {
	n := normalize(text)
	var out []string
	if phone.MatchString(n) || spelled.MatchString(n) {
		out = append(out, ContainsPhone)
	}
	if link.MatchString(n) {
		out = append(out, ContainsLink)
	}
	return out
}

// dots people type for "." in an address.
var dots = strings.NewReplacer("。", ".", "．", ".", "｡", ".", "(.)", ".", "[.]", ".", "(dot)", ".", "[dot]", ".")

// normalize folds full-width forms (１３８, ｗｗｗ) to their ASCII
// counterparts and the many ways of writing a dot to ".".
func normalize(s string) string {
	return dots.Replace(width.Fold.String(s))
}
