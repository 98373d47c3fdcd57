package token

import "time"

// DeriveKeyForTest exposes key derivation so tests can forge tokens signed
// with the real key and check that only the claims make them fail.
var DeriveKeyForTest = derive

// SetNow moves the issuer's clock, for tests of cached tokens expiring.
func (i *Issuer) SetNow(now func() time.Time) { i.now = now }
