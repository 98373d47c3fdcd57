package e2e_test

// The table every access-control category runs: each operation of the
// contract, with a request against the world's records, and the status
// each actor must get. One file per route family holds its rows
// (security_routes_*_test.go); TestEveryOperationHasARow fails for an
// operation of openapi.yaml without one, so a route cannot be added
// without saying who may call it.
//
// A row lists the actors allowed (their status) and the status everyone
// else signed in gets. An allowed actor's status proves the request names
// a real object the actor may reach, so a denial in the same row means
// something: a row must allow someone. A denied request changes nothing;
// an allowed one may, so it must leave the world as every other row
// expects it: a row whose allowed requests change or end what they act
// on makes the object with its fresh func, once for each allowed actor
// and once for all denied ones, so every answer is what that actor gets
// from an object in the state the row names.

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kincare/kincare/openapi"
)

// row is one operation probed as every actor.
type row struct {
	op string // operationId in openapi.yaml
	fixture
	// fresh, when set, replaces the fixture with one made for each
	// allowed actor (of solo, if set) and one shared by the requests
	// that change nothing; each, with one made for every request.
	fresh, each func(t *testing.T, w *world) fixture
	// want is the status of the actors it names; others is everyone
	// else's who is signed in.
	want   map[actor]int
	others int
	// anon is the status without credentials; 0 means 401, which the
	// spec must then require bearerAuth for.
	anon int
	// only, when set, probes the row as these actors alone: what acts on
	// the caller's own account answers every caller alike, and one probe
	// is enough.
	only []actor
	// solo, when set, names the actors whose allowed requests change the
	// fresh object, each then getting their own; the others' allowed
	// requests change nothing and share one.
	solo []actor
}

// probes reports whether a is probed on the row at all.
func (r row) probes(a actor) bool { return len(r.only) == 0 || slices.Contains(r.only, a) }

// fixture is what a row's requests act on.
type fixture struct {
	path string // with the world's ids
	body any    // sent as JSON when not nil
	// as plays an actor with another token: the metrics scrape token, or
	// a fresh account for what acts on the caller's own session or on an
	// invitation to them.
	as map[actor]string
	// header are extra name, value pairs every request of the row sends
	// (a vendor's signature).
	header []string
}

func (r row) status(a actor) int {
	if s, ok := r.want[a]; ok {
		return s
	}
	return r.others
}

func (r row) anonStatus() int {
	if r.anon == 0 {
		return http.StatusUnauthorized
	}
	return r.anon
}

// denied: a status that says "not yours" or "not for you".
func denied(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound
}

// allowedKinds are the kinds of actor some of whom the row allows.
func (r row) allowedKinds() []string {
	var out []string
	for _, a := range actors {
		if r.probes(a) && !denied(r.status(a)) && !slices.Contains(out, kindOf(a)) {
			out = append(out, kindOf(a))
		}
	}
	return out
}

// securityRows is the whole table, one function per route family (a
// new family's function goes in this list).
func securityRows(w *world) []row {
	var out []row
	for _, family := range []func(*world) []row{
		platformRows, authRows, meRows, familyRows, elderRows, childRows, providerRows, staffRows,
		orderRows, feedbackRows, reservationRows, childDayRows, communityRows, classRows, recurrenceRows, mealRows,
		visitRows, elderAccountRows,
	} {
		out = append(out, family(w)...)
	}
	return out
}

// ---------------------------------------------------------------------------
// The contract, as the table needs it

type specOperation struct {
	id, method, path string
	route            *regexp.Regexp // the path with each {param} as one segment (maybe empty: a zero world has no ids)
	security         string         // "required", "optional" or "none"
	takesKey         bool           // declares Idempotency-Key
	hasBody          bool
	bodyProps        []string // the body's top-level properties
	pages            bool     // takes ?limit=
	query            []string // declared query parameters
	statuses         []int
}

var specOperations = sync.OnceValues(func() (map[string]specOperation, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, err
	}
	out := map[string]specOperation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			so := specOperation{id: op.OperationID, method: method, path: path, hasBody: op.RequestBody != nil,
				bodyProps: bodyProperties(op),
				route: regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).
					ReplaceAllString(regexp.QuoteMeta(path), `[^/]*`) + "$")}
			reqs := doc.Security
			if op.Security != nil {
				reqs = *op.Security
			}
			bearer, anonymous := false, len(reqs) == 0
			for _, r := range reqs {
				_, b := r["bearerAuth"]
				bearer = bearer || b
				anonymous = anonymous || len(r) == 0
			}
			switch {
			case bearer && anonymous:
				so.security = "optional"
			case bearer:
				so.security = "required"
			default:
				so.security = "none"
			}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, "Idempotency-Key") {
					so.takesKey = true
				}
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					so.query = append(so.query, p.Value.Name)
					so.pages = so.pages || p.Value.Name == "limit"
				}
			}
			for code := range op.Responses.Map() {
				var n int
				if _, err := fmt.Sscanf(code, "%d", &n); err == nil {
					so.statuses = append(so.statuses, n)
				}
			}
			out[op.OperationID] = so
		}
	}
	return out, nil
})

func bodyProperties(op *openapi3.Operation) []string {
	var out []string
	if op.RequestBody == nil {
		return nil
	}
	for _, mt := range op.RequestBody.Value.Content {
		for _, s := range append(openapi3.SchemaRefs{mt.Schema}, mt.Schema.Value.AllOf...) {
			for name := range s.Value.Properties {
				out = append(out, name)
			}
		}
	}
	return out
}

func mustSpec(t *testing.T) map[string]specOperation {
	t.Helper()
	ops, err := specOperations()
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// ---------------------------------------------------------------------------
// Running rows

// prepared is a row ready to send.
type prepared struct {
	row
	spec specOperation
}

func (w *world) prepare(t *testing.T, r row) *prepared {
	t.Helper()
	spec, ok := mustSpec(t)[r.op]
	if !ok {
		t.Fatalf("row for %s: no such operation in openapi.yaml", r.op)
	}
	return &prepared{row: r, spec: spec}
}

// request is the fixture a's request of the row acts on (a is "" for
// a request refused before it reaches the operation: anonymous, forged
// credentials, a body that breaks the contract).
func (w *world) request(t *testing.T, p *prepared, a actor) fixture {
	t.Helper()
	switch {
	case p.each != nil:
		return p.each(t, w)
	case p.fresh == nil:
		return p.fixture
	case a != "" && !denied(p.status(a)) && (len(p.solo) == 0 || slices.Contains(p.solo, a)):
		return p.fresh(t, w)
	}
	return w.refusedFixture(t, p)
}

// refusedFixture is the fresh fixture of a row that the requests which
// change nothing share across categories (refused ones, and allowed ones
// of actors not in solo): fresh orders are dear on the embedded store.
func (w *world) refusedFixture(t *testing.T, p *prepared) fixture {
	t.Helper()
	w.mu.Lock()
	once, ok := w.shared[p.op]
	if !ok {
		once = &sharedFixture{}
		w.shared[p.op] = once
	}
	w.mu.Unlock()
	once.Do(func() { once.f = p.fresh(t, w) })
	if once.f.path == "" {
		t.Fatalf("%s: the shared fixture could not be made", p.op)
	}
	return once.f
}

type sharedFixture struct {
	sync.Once
	f fixture
}

// send makes the request of f as a (anonymous when a is "").
func (w *world) send(t *testing.T, p *prepared, f fixture, a actor) *response {
	t.Helper()
	var credentials []string
	switch tok, ok := f.as[a]; {
	case ok:
		credentials = bearer(tok)
	case a != "":
		credentials = bearer(w.who(a).access)
	}
	return w.sendWith(t, p, f, credentials...)
}

// sendWith makes one request of the row with these headers.
func (w *world) sendWith(t *testing.T, p *prepared, f fixture, hdr ...string) *response {
	t.Helper()
	if p.spec.takesKey {
		hdr = append(slices.Clip(hdr), "Idempotency-Key", randomID())
	}
	hdr = append(slices.Clip(hdr), f.header...)
	return w.srv.do(t, p.spec.method, f.path, f.body, hdr...)
}

// runTable probes every row with the actors pick chooses, each row in
// its own parallel subtest.
func (w *world) runTable(t *testing.T, pick func(r row, a actor) bool) {
	t.Helper()
	for _, r := range securityRows(w) {
		var who []actor
		for _, a := range actors {
			if r.probes(a) && pick(r, a) {
				who = append(who, a)
			}
		}
		if len(who) == 0 {
			continue
		}
		t.Run(r.op, func(t *testing.T) {
			t.Parallel()
			p := w.prepare(t, r)
			for _, a := range who {
				f := w.request(t, p, a)
				if got, want := w.send(t, p, f, a), r.status(a); got.status != want {
					t.Errorf("%s as %s: %d %v, want %d (%s %s)", r.op, a, got.status, got.json["code"], want, p.spec.method, f.path)
				}
			}
		})
	}
}
