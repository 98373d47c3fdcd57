package e2e_test

// API5:2023 Broken Function Level Authorization. Every operation is
// asked by every actor of a kind that may never do it: a family user
// dispatching an order or verifying a provider, a caregiver setting a
// provider's prices, a provider's admin granting roles or allowances, a
// regulator changing business data. Each gets 403 (forbidden for the
// role, or for the part they play in an order) or 404 (the object is
// not theirs to know of), never the operation.

import (
	"slices"
	"testing"
)

func testFunctionLevelAuthorization(t *testing.T, w *world) {
	w.runTable(t, func(r row, a actor) bool {
		return denied(r.status(a)) && !slices.Contains(r.allowedKinds(), kindOf(a))
	})
}
