package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// The rules a one-time login code follows. The store enforces them
// atomically; they live here so every store enforces the same ones.
const (
	OTPLength      = 6
	OTPTTL         = 5 * time.Minute
	OTPMaxAttempts = 5
)

var (
	ErrOTPInvalid = fault.New(fault.Unauthenticated, "otp_invalid")
	ErrOTPExpired = fault.New(fault.Unauthenticated, "otp_expired")
	ErrOTPLocked  = fault.New(fault.RateLimited, "otp_locked")

	otpFormat = regexp.MustCompile(`^[0-9]{6}$`)
)

// OTPDigest is what a store keeps instead of the code: the code bound to
// its phone, so a leaked store reveals no codes to replay elsewhere.
func OTPDigest(phone Phone, code string) string {
	sum := sha256.Sum256([]byte(string(phone) + "|" + code))
	return hex.EncodeToString(sum[:])
}

// WellFormedOTP tells a typo from a wrong code before touching the store.
func WellFormedOTP(code string) bool { return otpFormat.MatchString(code) }

// OTPVerdict is the outcome of checking one code attempt.
type OTPVerdict int

const (
	OTPAccepted OTPVerdict = iota
	OTPWrong
	OTPNoCode // never sent, already used, or expired
	OTPLockedOut
)

// Err maps a verdict to the error the user sees.
func (v OTPVerdict) Err(attemptsLeft int, lockedFor time.Duration) error {
	switch v {
	case OTPAccepted:
		return nil
	case OTPWrong:
		return ErrOTPInvalid.With(map[string]any{"attemptsLeft": attemptsLeft})
	case OTPLockedOut:
		return ErrOTPLocked.Retry(lockedFor)
	default:
		return ErrOTPExpired
	}
}
