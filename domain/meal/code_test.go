package meal_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

func TestCodesRotateEveryMinuteAndCannotBeForged(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 12, 3, 3, 0, 20, 0, time.UTC)
	code, until := meal.IssueCode(key, "mabc_def", now)
	if want := time.Date(2026, 12, 3, 3, 1, 0, 0, time.UTC); !until.Equal(want) {
		t.Fatalf("shown until %s, want %s", until, want)
	}
	for _, at := range []time.Time{now, until.Add(-time.Second), until.Add(59 * time.Second)} {
		if id, err := meal.VerifyCode(key, code, at); err != nil || id != "mabc_def" {
			t.Errorf("scanned at %s: %q %v", at, id, err)
		}
	}
	if _, err := meal.VerifyCode(key, code, until.Add(time.Minute)); !fault.Is(err, meal.ErrCodeExpired) {
		t.Errorf("two minutes on: %v", err)
	}
	if _, err := meal.VerifyCode(key, code, now.Add(-time.Minute)); !fault.Is(err, meal.ErrCodeExpired) {
		t.Errorf("a minute early: %v", err)
	}
	next, _ := meal.IssueCode(key, "mabc_def", until)
	if next == code {
		t.Fatal("the code did not rotate")
	}
	for _, forged := range []string{"mabc_xyz" + code[8:], code[:len(code)-2] + "AA", "mabc_def", "", code + ".x"} {
		if _, err := meal.VerifyCode(key, forged, now); !fault.Is(err, meal.ErrCodeInvalid) {
			t.Errorf("%q: %v", forged, err)
		}
	}
	if _, err := meal.VerifyCode([]byte("another key, another deployment.."), code, now); !fault.Is(err, meal.ErrCodeInvalid) {
		t.Errorf("another key: %v", err)
	}
}
