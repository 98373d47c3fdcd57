package reservations

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
	"testing"
)

// The ids derived here name holds and slots already in Redis and
// MongoDB: however digest is computed, it must give the text it always
// gave (lower-cased standard base32, no padding, of the SHA-256 of the
// parts, each followed by a zero byte).
func TestDigestsAreTheOnesAlwaysGiven(t *testing.T) {
	was := func(parts ...string) string {
		h := sha256.New()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h.Sum(nil)))
	}
	long := strings.Repeat("托位", 100) // past the stack buffer
	for i, parts := range [][]string{{}, {""}, {"o1"}, {"u1", "s1", "key"}, {"u", "s" + strconv.Itoa(7), long}, {long, long}} {
		if got, want := digest(parts...), was(parts...); got != want {
			t.Errorf("%d: digest %q, want %q", i, got, want)
		}
	}
	if got, want := holdID("s1", "u1", "k1"), "s1_"+was("u1", "s1", "k1")[:20]; got != want {
		t.Errorf("holdID %q, want %q", got, want)
	}
}
