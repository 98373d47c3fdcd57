package token_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/domain/identity"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func issuer(t *testing.T, key []byte) *token.Issuer {
	t.Helper()
	i, err := token.NewIssuer(key, "kincare", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestAccessTokenRoundTrip(t *testing.T) {
	i := issuer(t, secret)
	raw, exp, err := i.IssueAccess("u1", "s1", identity.NewRoles(identity.RoleFamily), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < 14*time.Minute || d > 15*time.Minute {
		t.Fatalf("expiry in %s, want 15m", d)
	}
	c, err := i.ParseAccess(raw)
	if err != nil || c.Subject != "u1" || c.SessionID != "s1" || c.Roles[0] != "family" {
		t.Fatalf("ParseAccess = %+v, %v", c, err)
	}
}

func TestAccessTokensThatMustBeRefused(t *testing.T) {
	i := issuer(t, secret)
	accessKey := derivedAccessKey(t, i)
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "kincare", "aud": "kincare-api", "sub": "u1", "sid": "s1",
			"iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	}
	sign := func(m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The control: our forging helper makes tokens the issuer accepts.
	if _, err := i.ParseAccess(sign(jwt.SigningMethodHS256, accessKey, valid())); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	with := func(k string, v any) jwt.MapClaims { c := valid(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := valid(); delete(c, k); return c }
	cases := map[string]string{
		"alg none":          sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid()),
		"wrong key":         sign(jwt.SigningMethodHS256, []byte("another key another key another!"), valid()),
		"raw secret as key": sign(jwt.SigningMethodHS256, secret, valid()),
		"HS512":             sign(jwt.SigningMethodHS512, accessKey, valid()),
		"wrong audience":    sign(jwt.SigningMethodHS256, accessKey, with("aud", "other-api")),
		"wrong issuer":      sign(jwt.SigningMethodHS256, accessKey, with("iss", "evil")),
		"expired":           sign(jwt.SigningMethodHS256, accessKey, with("exp", now.Add(-time.Minute).Unix())),
		"no expiry":         sign(jwt.SigningMethodHS256, accessKey, without("exp")),
		"no session":        sign(jwt.SigningMethodHS256, accessKey, without("sid")),
		"garbage":           "not.a.jwt",
		"refresh token":     i.MintRefresh("s1", 1),
	}
	for name, raw := range cases {
		if _, err := i.ParseAccess(raw); !errors.Is(err, token.ErrAccessInvalid) {
			t.Errorf("%s: ParseAccess err = %v, want ErrAccessInvalid", name, err)
		}
	}
	_, err := i.ParseAccess(cases["expired"])
	if !errors.Is(err, jwt.ErrTokenExpired) {
		t.Errorf("expired token error %v does not say expired", err)
	}
}

// derivedAccessKey is the key the issuer really signs access tokens with.
func derivedAccessKey(t *testing.T, _ *token.Issuer) []byte {
	t.Helper()
	return token.DeriveKeyForTest(secret, "kincare access v1")
}

func TestRefreshTokenIntegrity(t *testing.T) {
	i := issuer(t, secret)
	raw := i.MintRefresh("0190-abc", 7)
	id, gen, err := i.ParseRefresh(raw)
	if err != nil || id != "0190-abc" || gen != 7 {
		t.Fatalf("ParseRefresh = %q, %d, %v", id, gen, err)
	}
	tampered := strings.Replace(raw, ".7.", ".8.", 1)
	other := issuer(t, []byte("ffffffffffffffffffffffffffffffff"))
	for name, bad := range map[string]string{
		"tampered generation": tampered,
		"other key":           other.MintRefresh("0190-abc", 7),
		"access token":        func() string { s, _, _ := i.IssueAccess("u", "s", nil, time.Now()); return s }(),
		"empty":               "",
	} {
		if _, _, err := i.ParseRefresh(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestShortKeysAreRefused(t *testing.T) {
	if _, err := token.NewIssuer([]byte("short"), "kincare", time.Minute); err == nil {
		t.Fatal("5-byte key accepted")
	}
}

// A verified token is remembered, but not past its expiry, and a tampered
// copy of it is never taken for it.
func TestRememberedTokensStillExpireAndCannotBeTamperedWith(t *testing.T) {
	i := issuer(t, secret)
	issued := time.Now()
	raw, exp, err := i.IssueAccess("u1", "s1", identity.NewRoles(identity.RoleFamily), issued)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := i.ParseAccess(raw); err != nil {
		t.Fatal(err)
	}
	tampered := raw[:len(raw)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(raw, "AA")]
	if _, err := i.ParseAccess(tampered); !errors.Is(err, token.ErrAccessInvalid) {
		t.Fatalf("tampered copy of a remembered token: %v", err)
	}
	i.SetNow(func() time.Time { return exp.Add(time.Minute) })
	if _, err := i.ParseAccess(raw); !errors.Is(err, token.ErrAccessInvalid) {
		t.Fatalf("remembered token past its expiry: %v", err)
	}
}

// HTTP servers hand out strings that borrow a reused request buffer. A
// token remembered under such a string must not change when the buffer
// is overwritten by the next request's token.
func TestRememberedTokensSurviveTheirBufferBeingReused(t *testing.T) {
	i := issuer(t, secret)
	now := time.Now()
	alice, _, _ := i.IssueAccess("alice", "s-alice", identity.NewRoles(identity.RoleFamily), now)
	bob, _, _ := i.IssueAccess("bob__", "s-bob__", identity.NewRoles(identity.RoleFamily), now)
	if len(alice) != len(bob) {
		t.Fatalf("test needs equal lengths: %d, %d", len(alice), len(bob))
	}
	buf := []byte(alice)
	borrowed := unsafe.String(&buf[0], len(buf))
	if c, err := i.ParseAccess(borrowed); err != nil || c.Subject != "alice" {
		t.Fatalf("alice: %v %v", c, err)
	}
	copy(buf, bob) // the next request reuses the buffer
	c, err := i.ParseAccess(bob)
	if err != nil || c.Subject != "bob__" {
		t.Fatalf("bob's token read as %q (%v): the cache key changed under it", c.Subject, err)
	}
}
