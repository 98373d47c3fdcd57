// Package openapi holds kincare's API contract, the source of truth the
// mobile apps are built against. The HTTP adapter registers its routes
// from it and validates every request against it.
package openapi

import _ "embed"

// YAML is openapi.yaml as shipped in the binary.
//
//go:embed openapi.yaml
var YAML []byte
