//go:build kincare_verify

package main

// verifyEmbeddedQueries: see verify_off.go.
const verifyEmbeddedQueries = true
