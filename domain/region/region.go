// Package region holds China's administrative regions (行政区划) as
// GB/T 2260 six-digit codes, and a regulator's jurisdiction over them.
//
// The hierarchy rule kincare applies: a code whose last four digits are
// 0000 is a province (省级, e.g. 310000 Shanghai) and covers every code
// with its first two digits (31xxxx); a code whose last two digits are 00
// is a city (地级, e.g. 310100, or 320500 Suzhou) and covers every code
// with its first four digits (3101xx); any other code is a district or
// county (县级, e.g. 310104 Xuhui) and covers itself alone. County-level
// cities administered directly by a province (省直辖县级市, e.g. 429004)
// sit under their province's two digits and under no city, which is
// what the codes say too.
//
// Pure domain code: no I/O.
package region

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kincare/kincare/domain/fault"
)

// ErrCodeInvalid is a region code that is not six digits (GB/T 2260).
var ErrCodeInvalid = fault.New(fault.Unprocessable, "region_code_invalid")

// ErrNotSupervised is a regulator acting on a region outside theirs
// where the region itself is public (its rates and rules): nothing is
// hidden, so 403, not 404.
var ErrNotSupervised = fault.New(fault.Forbidden, "region_not_supervised")

var sixDigits = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// Code is a six-digit GB/T 2260 code.
type Code string

// Level is where a code sits in the hierarchy.
type Level int

const (
	District Level = iota // 县级: covers itself
	City                  // 地级: covers its first four digits
	Province              // 省级: covers its first two digits
)

// ParseCode accepts six digits, not starting with 0.
func ParseCode(s string) (Code, error) {
	if !sixDigits.MatchString(s) {
		return "", ErrCodeInvalid.With(map[string]any{"regionCode": s})
	}
	return Code(s), nil
}

// Level says whether c is a province, a city or a district.
func (c Code) Level() Level {
	switch {
	case strings.HasSuffix(string(c), "0000"):
		return Province
	case strings.HasSuffix(string(c), "00"):
		return City
	}
	return District
}

// Prefix is what every code c covers starts with: two digits for a
// province, four for a city, all six for a district.
func (c Code) Prefix() string {
	switch c.Level() {
	case Province:
		return string(c)[:2]
	case City:
		return string(c)[:4]
	}
	return string(c)
}

// Covers reports whether the region other (a six-digit code) lies in c.
// Anything else — an empty or malformed code — lies nowhere.
func (c Code) Covers(other string) bool {
	return c != "" && sixDigits.MatchString(other) && strings.HasPrefix(other, c.Prefix())
}

// MaxScope bounds the codes one account holds: a provincial official
// holds the province's code, not its hundred districts.
const MaxScope = 50

// Scope is a regulator's jurisdiction: the regions they oversee, sorted
// and without duplicates. An empty scope oversees nothing.
type Scope []Code

// NewScope checks every code and reports each bad one by its index in
// the request (/regionCodes/i).
func NewScope(codes []string) (Scope, error) {
	var fields []fault.FieldError
	out := make(Scope, 0, len(codes))
	for i, s := range codes {
		c, err := ParseCode(s)
		if err != nil {
			fields = append(fields, fault.FieldError{Field: "/regionCodes/" + strconv.Itoa(i), Code: "pattern"})
			continue
		}
		out = append(out, c)
	}
	if len(codes) > MaxScope {
		fields = append(fields, fault.FieldError{Field: "/regionCodes", Code: "max_items"})
	}
	if len(fields) > 0 {
		return nil, ErrCodeInvalid.WithFields(fields...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// UnmarshalScope rebuilds a stored scope without checks.
func UnmarshalScope(codes []string) Scope {
	out := make(Scope, len(codes))
	for i, c := range codes {
		out[i] = Code(c)
	}
	return out
}

// Strings are the codes, for storage and JSON.
func (s Scope) Strings() []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = string(c)
	}
	return out
}

// Covers reports whether the region code lies in one of the scope's
// regions.
func (s Scope) Covers(code string) bool {
	return slices.ContainsFunc(s, func(c Code) bool { return c.Covers(code) })
}

// Contains reports whether every region of other lies in s: a city's
// regulator contains a district's, a province's a city's.
func (s Scope) Contains(other Scope) bool {
	for _, o := range other {
		if !s.Covers(string(o)) {
			return false
		}
	}
	return len(other) > 0
}

// Prefixes are the code prefixes of the scope's regions (see
// Code.Prefix), for a store to match codes against.
func (s Scope) Prefixes() []string {
	out := make([]string, 0, len(s))
	for _, c := range s {
		out = append(out, c.Prefix())
	}
	return out
}

// Narrow intersects the scope with a region filter given as a province,
// city or district prefix (2, 4 or 6 digits): the prefixes a store
// should match so that only what lies both in the scope and under the
// filter is kept. Empty: nothing lies in both.
func (s Scope) Narrow(filter string) []string {
	if filter == "" {
		return s.Prefixes()
	}
	var out []string
	for _, c := range s {
		p := c.Prefix()
		switch {
		case strings.HasPrefix(filter, p): // the filter lies in this region
			return []string{filter}
		case strings.HasPrefix(p, filter): // this region lies under the filter
			out = append(out, p)
		}
	}
	return out
}

// Above reports whether s is a higher-level jurisdiction than other:
// every region of other lies in s and s reaches beyond them (a city's
// regulator is above a district's; two of the same district are peers).
func (s Scope) Above(other Scope) bool { return s.Contains(other) && !other.Contains(s) }
