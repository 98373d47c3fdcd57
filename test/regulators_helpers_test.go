package e2e_test

import (
	"net/http"
	"testing"
)

// makeRegulator has admin grant p the regulator role and bind them to
// regions (GB/T 2260 codes; the stories' providers and elders are in
// Xuhui, 310104, so Shanghai's 310000 covers them).
func makeRegulator(t *testing.T, admin, p *person, regions ...string) {
	t.Helper()
	wantStatus(t, admin.do(t, http.MethodPut, "/v1/users/"+p.id+"/roles", map[string][]string{"roles": {"regulator"}}),
		http.StatusOK)
	wantStatus(t, admin.do(t, http.MethodPut, "/v1/users/"+p.id+"/regions", map[string][]string{"regionCodes": regions}),
		http.StatusOK)
}
