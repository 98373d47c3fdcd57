package e2e_test

// API9:2023 Improper Inventory Management. The contract is the
// inventory: routes are registered from openapi.yaml (a route without an
// operation cannot exist; adapters/http's TestRoutesAndSpecAgree), the
// server serves the same file it is built from, every operation has a
// row in the security table (so a new route cannot ship without saying
// who may call it), every status a table row expects is declared, and
// paths the contract does not list — old versions, debug and admin
// consoles, files — answer 404.

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testInventory(t *testing.T, w *world) {
	t.Run("the served contract is the inventory", func(t *testing.T) {
		t.Parallel()
		spec, err := os.ReadFile(filepath.Join("..", "openapi", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if r := w.srv.get(t, "/openapi.yaml"); r.status != http.StatusOK || !bytes.Equal(r.body, spec) {
			t.Errorf("GET /openapi.yaml: %d, %d bytes; want openapi/openapi.yaml (%d bytes)", r.status, len(r.body), len(spec))
		}
	})
	t.Run("nothing answers outside the contract", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{
			"/v2/me", "/v0/me", "/api/v1/me", "/v1/admin", "/admin", "/console", "/ops", "/ops/", "/ops/queue", "/debug/pprof/",
			"/debug/vars", "/swagger.json", "/openapi.json", "/v1/openapi.yaml", "/.env", "/.git/config", "/data/mongo",
			"/v1/users", "/v1/users/" + w.who(famA).id, "/v1/orders", "/v1/elders", "/v1/providers/" + w.provA + "/secrets",
		} {
			for _, hdr := range [][]string{nil, bearer(w.who(platform).access)} {
				r := w.srv.get(t, path, hdr...)
				if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
					t.Errorf("GET %s: %d, want 404 (or 405 where another method of the path is an operation)", path, r.status)
					continue
				}
				if !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("GET %s: Content-Type %q, want a problem", path, r.header.Get("Content-Type"))
				}
			}
		}
	})
}

// Every operation of the contract has a row in the security table, and
// every row is well formed: it names an operation, its path is that
// operation's, its statuses are ones the operation declares, it allows
// someone (so its denials mean something), and its anonymous status is
// 401 only where the spec requires a token. Runs without a server.
func TestEveryOperationHasARow(t *testing.T) {
	t.Parallel()
	ops := mustSpec(t)
	rows := securityRows(zeroWorld())
	covered := map[string]bool{}
	for _, r := range rows {
		op, ok := ops[r.op]
		if !ok {
			t.Errorf("a row names %q, which is not an operation of openapi.yaml", r.op)
			continue
		}
		covered[r.op] = true
		if r.fresh == nil && r.each == nil {
			path, _, _ := strings.Cut(r.path, "?")
			if !op.route.MatchString(path) {
				t.Errorf("%s: path %q is not %s %s", r.op, r.path, op.method, op.path)
			}
		}
		allowsSomeone := r.anon != 0 && !denied(r.anon)
		for _, a := range actors {
			if !r.probes(a) {
				continue
			}
			status := r.status(a)
			if status == 0 {
				t.Errorf("%s: no status for %s (set others)", r.op, a)
				continue
			}
			allowsSomeone = allowsSomeone || !denied(status)
			if !slices.Contains(op.statuses, status) {
				t.Errorf("%s: %s expects %d, which the operation does not declare (%v)", r.op, a, status, op.statuses)
			}
		}
		if !allowsSomeone {
			t.Errorf("%s: the row allows nobody, so its denials prove nothing", r.op)
		}
		switch {
		case r.anon == 0 && op.security != "required":
			t.Errorf("%s: the operation is %s without a token; give the row its anonymous status", r.op, op.security)
		case r.anon != 0 && !slices.Contains(op.statuses, r.anon):
			t.Errorf("%s: anonymous status %d is not declared (%v)", r.op, r.anon, op.statuses)
		}
	}
	var missing []string
	for id := range ops {
		if !covered[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	for _, id := range missing {
		t.Errorf("operation %s (%s %s) has no row in the security table: add one to the security_routes_*_test.go "+
			"file of its family, saying who may call it", id, ops[id].method, ops[id].path)
	}
}

// zeroWorld builds rows without a server: ids empty, people without
// tokens.
func zeroWorld() *world {
	w := &world{people: map[actor]*person{}}
	for _, a := range actors {
		w.people[a] = &person{}
	}
	return w
}
