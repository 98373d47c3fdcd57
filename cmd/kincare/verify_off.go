//go:build !kincare_verify

package main

// verifyEmbeddedQueries is on only in binaries built with the
// kincare_verify tag (the end-to-end tests build theirs so): the
// embedded store then checks every query it answers by SQL against
// FerretDB's own answer, and fails what it cannot translate.
const verifyEmbeddedQueries = false
