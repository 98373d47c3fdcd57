package meal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// CodePeriod is how long one redemption code is shown before the next
// replaces it: a photo of the screen is useless a minute later.
const CodePeriod = 60 * time.Second

// Errors of redemption codes.
var (
	// ErrCodeInvalid is a code that is not one kincare signed: forged,
	// mistyped or cut short.
	ErrCodeInvalid = fault.New(fault.Unprocessable, "meal_code_invalid")
	// ErrCodeExpired is a genuine code scanned after its minute (and the
	// next one's grace).
	ErrCodeExpired = fault.New(fault.Conflict, "meal_code_expired")
)

// step is the code period an instant falls in.
func step(t time.Time) int64 { return t.Unix() / int64(CodePeriod/time.Second) }

// IssueCode is the code of an order for the period of now, and when it
// stops being shown: "<order id>.<period>.<signature>", the signature an
// HMAC-SHA256 under key of the order and the period. It is verified
// with the key alone, so a canteen device that was offline for a while
// can check it and sync the redemption later.
func IssueCode(key []byte, orderID string, now time.Time) (string, time.Time) {
	s := step(now)
	return orderID + "." + strconv.FormatInt(s, 10) + "." + sign(key, orderID, s),
		time.Unix((s+1)*int64(CodePeriod/time.Second), 0).UTC()
}

func sign(key []byte, orderID string, s int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(orderID + "\x00" + strconv.FormatInt(s, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// VerifyCode checks a code scanned at at and answers the order it is
// bound to: its signature must be kincare's, and its period the one of
// at or the one before (a code that rotated while being scanned).
func VerifyCode(key []byte, code string, at time.Time) (string, error) {
	parts := strings.Split(code, ".")
	if len(parts) != 3 || parts[0] == "" || len(code) > 300 {
		return "", ErrCodeInvalid
	}
	s, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", ErrCodeInvalid
	}
	if !hmac.Equal([]byte(sign(key, parts[0], s)), []byte(parts[2])) {
		return "", ErrCodeInvalid
	}
	if now := step(at); s > now || s < now-1 {
		return "", ErrCodeExpired
	}
	return parts[0], nil
}
