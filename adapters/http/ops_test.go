package http

import (
	"strings"
	"testing"
	"time"
)

// The ops cookie names its user and session until it expires, and only
// under the key that made it; a changed byte anywhere is nothing.
func TestOpsCookieIsSignedAndExpires(t *testing.T) {
	now := time.Unix(1_800_000_000, 0) // any instant: only durations matter
	g := newOpsGate(OpsOptions{Key: []byte(strings.Repeat("k", 32)), Now: func() time.Time { return now }}, nil, nil)
	v := g.sign("user-1", "session-1", now.Add(g.o.TTL))
	if u, s, ok := g.verify(v); !ok || u != "user-1" || s != "session-1" {
		t.Fatalf("verify = %q %q %v", u, s, ok)
	}
	for i := range len(v) {
		b := []byte(v)
		b[i] ^= 1
		if _, _, ok := g.verify(string(b)); ok {
			t.Fatalf("a cookie changed at byte %d verifies", i)
		}
	}
	other := newOpsGate(OpsOptions{Key: []byte(strings.Repeat("o", 32)), Now: g.o.Now}, nil, nil)
	if _, _, ok := other.verify(v); ok {
		t.Fatal("another key verifies the cookie")
	}
	now = now.Add(g.o.TTL)
	if _, _, ok := g.verify(v); ok {
		t.Fatal("an expired cookie verifies")
	}
	if _, _, ok := newOpsGate(OpsOptions{}, nil, nil).verify(v); ok {
		t.Fatal("a gate without a key verifies anything")
	}
}
