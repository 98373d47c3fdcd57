package identity

import (
	"sync"
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

// decoy is a hash of nothing anyone types, at the cost real hashes use;
// made on first need, not at start.
var decoy = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("kincare decoy password"), passwordCost)
	return h
})

// SpendPasswordCheck does the work of checking a password against a
// hash, for logins that have no hash to check, so their answer takes as
// long as a real wrong password's.
func SpendPasswordCheck(plain string) {
	_ = bcrypt.CompareHashAndPassword(decoy(), []byte(plain))
}
