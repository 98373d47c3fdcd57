package identity

import (
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/kincare/kincare/domain/fault"
)

// PasswordHash is a bcrypt hash; the plain password is never kept.
type PasswordHash string

const (
	passwordMinRunes = 8
	passwordMaxBytes = 72 // bcrypt ignores anything beyond
	passwordCost     = 11
)

var (
	ErrPasswordWeak     = fault.New(fault.Unprocessable, "password_weak")
	ErrPasswordNotSet   = fault.New(fault.Unauthenticated, "password_not_set")
	ErrCredentialsWrong = fault.New(fault.Unauthenticated, "credentials_invalid")
)

// HashPassword applies the password policy and hashes an accepted password.
func HashPassword(plain string) (PasswordHash, error) {
	if utf8.RuneCountInString(plain) < passwordMinRunes || len(plain) > passwordMaxBytes {
		return "", ErrPasswordWeak.With(map[string]any{"min": passwordMinRunes, "max": passwordMaxBytes}).
			WithFields(fault.FieldError{Field: "/password", Code: "password_weak"})
	}
	h, err := bcrypt.GenerateFromPassword([]byte(plain), passwordCost)
	if err != nil {
		return "", err
	}
	return PasswordHash(h), nil
}

// Matches compares in constant time.
func (h PasswordHash) Matches(plain string) bool {
	if h == "" {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(h), []byte(plain)) == nil
}
