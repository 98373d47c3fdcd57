package token

// DeriveKeyForTest exposes key derivation so tests can forge tokens signed
// with the real key and check that only the claims make them fail.
var DeriveKeyForTest = derive
