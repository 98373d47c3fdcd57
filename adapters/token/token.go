// Package token mints and verifies kincare's tokens: short-lived access
// JWTs (HS256, golang-jwt/jwt/v5) and opaque refresh tokens that name a
// session generation and carry an HMAC, so a forged or altered refresh
// token is refused without a database read and an authentic old one is
// recognised as reuse.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/kincare/kincare/domain/identity"
)

// Audience is the only audience kincare's access tokens are valid for.
const Audience = "kincare-api"

const (
	refreshPrefix = "krt1"
	leeway        = 30 * time.Second
	// MinKeyBytes is the least key material HS256 should be given.
	MinKeyBytes = 32
)

var (
	ErrAccessInvalid  = errors.New("token: access token invalid")
	ErrRefreshInvalid = errors.New("token: refresh token invalid")
)

// Claims are what an access token asserts.
type Claims struct {
	SessionID string   `json:"sid"`
	Roles     []string `json:"roles"`
	jwt.RegisteredClaims
}

// Issuer signs and verifies tokens with one secret.
type Issuer struct {
	accessKey  []byte
	refreshKey []byte
	issuer     string
	accessTTL  time.Duration
	parser     *jwt.Parser
	// verified remembers tokens that passed every check, by their exact
	// text: an app sends the same access token for its whole 15 minutes,
	// and verifying it (base64, JSON, HMAC: ~9 µs and 65 allocations) was
	// the largest cost of an authenticated request left. Any other text,
	// a tampered copy included, misses and is verified in full.
	verified *expirable.LRU[string, Claims]
	now      func() time.Time
}

// verifiedTokens bounds the cache: about 10 MB at worst.
const verifiedTokens = 10_000

// NewIssuer derives separate access and refresh keys from secret, so a
// token of one kind can never verify as the other.
func NewIssuer(secret []byte, issuer string, accessTTL time.Duration) (*Issuer, error) {
	if len(secret) < MinKeyBytes {
		return nil, fmt.Errorf("token: signing key has %d bytes, need at least %d", len(secret), MinKeyBytes)
	}
	i := &Issuer{
		accessKey:  derive(secret, "kincare access v1"),
		refreshKey: derive(secret, "kincare refresh v1"),
		issuer:     issuer,
		accessTTL:  accessTTL,
		verified:   expirable.NewLRU[string, Claims](verifiedTokens, nil, accessTTL+leeway),
		now:        time.Now,
	}
	i.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return i.now() }),
	)
	return i, nil
}

func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// IssueAccess signs an access token for a session.
func (i *Issuer) IssueAccess(userID, sessionID string, roles identity.Roles, now time.Time) (string, time.Time, error) {
	exp := now.Add(i.accessTTL).Truncate(time.Second)
	claims := Claims{
		SessionID: sessionID,
		Roles:     roles.Strings(),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(i.accessKey)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token: sign: %w", err)
	}
	return signed, exp, nil
}

// ParseAccess verifies signature, algorithm, issuer, audience and times.
func (i *Issuer) ParseAccess(raw string) (*Claims, error) {
	if c, ok := i.verified.Get(raw); ok {
		// Expiry is the one check that changes with time.
		if i.now().Before(c.ExpiresAt.Add(leeway)) {
			return &c, nil
		}
		i.verified.Remove(raw)
	}
	c, err := i.parseAccess(raw)
	if err != nil {
		return nil, err
	}
	// Clone: raw may point into a request buffer that the HTTP server
	// reuses for the next request (Fiber's zero-copy strings), and a key
	// that changes under the cache would hand one user another's claims.
	i.verified.Add(strings.Clone(raw), *c)
	return c, nil
}

func (i *Issuer) parseAccess(raw string) (*Claims, error) {
	var c Claims
	_, err := i.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return i.accessKey, nil })
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAccessInvalid, err)
	}
	if c.Subject == "" || c.SessionID == "" {
		return nil, fmt.Errorf("%w: missing subject or session", ErrAccessInvalid)
	}
	return &c, nil
}

// MintRefresh returns krt1.<session>.<generation>.<mac>.
func (i *Issuer) MintRefresh(sessionID string, generation int) string {
	body := refreshPrefix + "." + sessionID + "." + strconv.Itoa(generation)
	return body + "." + i.refreshMAC(body)
}

func (i *Issuer) ParseRefresh(raw string) (string, int, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 4 || parts[0] != refreshPrefix {
		return "", 0, ErrRefreshInvalid
	}
	body := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(i.refreshMAC(body))) {
		return "", 0, ErrRefreshInvalid
	}
	gen, err := strconv.Atoi(parts[2])
	if err != nil || gen < 1 {
		return "", 0, ErrRefreshInvalid
	}
	return parts[1], gen, nil
}

func (i *Issuer) refreshMAC(body string) string {
	m := hmac.New(sha256.New, i.refreshKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
