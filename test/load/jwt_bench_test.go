// Package load holds kincare's load-test tooling (auth_bench.sh) and
// micro-benchmarks that put its end-to-end numbers in proportion. Nothing
// here asserts a speed: see docs/benchmarks.md for measured ratios.
package load

import (
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/domain/identity"
)

// BenchmarkParseAccess is the JWT share of an authenticated request: the
// HS256 verify and claim checks authenticate runs before every handler.
// "repeat" is an app sending its token again (the remembered path);
// "fresh" is a token seen for the first time (the full verify).
//
//	go test -run '^$' -bench ParseAccess ./test/load/
func BenchmarkParseAccess(b *testing.B) {
	b.Run("repeat", func(b *testing.B) { benchParse(b, 1) })
	b.Run("fresh", func(b *testing.B) { benchParse(b, 20_000) })
}

// benchParse cycles through distinct tokens; more than the issuer
// remembers means every parse is a full verify.
func benchParse(b *testing.B, distinct int) {
	iss, err := token.NewIssuer([]byte("0123456789abcdef0123456789abcdef"), "kincare", 15*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, distinct)
	for n := range tokens {
		raw, _, err := iss.IssueAccess("0190f1c2-7d2a-7c3e-9b1a-2f4e5d6c7b8a", fmt.Sprintf("session-%d", n),
			identity.NewRoles(identity.RoleFamily), time.Now())
		if err != nil {
			b.Fatal(err)
		}
		tokens[n] = raw
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := iss.ParseAccess(tokens[n%distinct]); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
