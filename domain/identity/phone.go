package identity

import (
	"regexp"
	"strings"

	"github.com/kincare/kincare/domain/fault"
)

// Phone is a mobile number in E.164 form (+8613812345678). Mainland numbers
// may be given without the country code.
type Phone string

var (
	ErrPhoneInvalid = fault.New(fault.Unprocessable, "phone_invalid")

	e164         = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	mainlandCell = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// ParsePhone normalises s and refuses anything that is not a mobile number.
func ParsePhone(s string) (Phone, error) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	switch {
	case mainlandCell.MatchString(s):
		return Phone("+86" + s), nil
	case strings.HasPrefix(s, "+86"):
		if mainlandCell.MatchString(s[3:]) {
			return Phone(s), nil
		}
	case e164.MatchString(s):
		return Phone(s), nil
	}
	return "", ErrPhoneInvalid.WithFields(fault.FieldError{Field: "/phone", Code: "phone_invalid"})
}

// Masked hides the middle digits, as every response to anyone but the
// number's owner must (138****1234).
func (p Phone) Masked() string {
	national := strings.TrimPrefix(string(p), "+86")
	if len(national) < 7 {
		return "****"
	}
	if national != string(p) {
		return national[:3] + "****" + national[len(national)-4:]
	}
	return national[:3] + strings.Repeat("*", len(national)-7) + national[len(national)-4:]
}

func (p Phone) String() string { return string(p) }
