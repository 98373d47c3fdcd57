package e2e_test

// API1:2023 Broken Object Level Authorization. Every operation that
// names an object is asked for it by every actor of the kind that may
// reach such objects: the ones it belongs to get it, the others (another
// family, another provider's staff, a caregiver it was never offered to)
// get 404 exactly as for an id that does not exist (DESIGN.md invariant
// 7), so they cannot even learn it is there.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func testObjectLevelAuthorization(t *testing.T, w *world) {
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		w.runTable(t, func(r row, a actor) bool {
			return !denied(r.status(a)) || slices.Contains(r.allowedKinds(), kindOf(a))
		})
	})
	t.Run("a foreign id answers like a missing one", func(t *testing.T) {
		t.Parallel()
		probeLikeMissing(t, w, famB, "someone else's", w.ownedIDs(), func(r row) bool {
			return r.status(famB) == http.StatusNotFound && r.status(famA) != http.StatusNotFound
		})
	})
	t.Run("to a regulator of another region a record answers like a missing one", func(t *testing.T) {
		t.Parallel()
		probeLikeMissing(t, w, regulX, "another region's", append(w.ownedIDs(), w.complaintDecided), func(r row) bool {
			return r.status(regulX) == http.StatusNotFound && !denied(r.status(regul))
		})
	})
	t.Run("family B's records are as foreign to A's people", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"/v1/orders/" + w.orderB, "/v1/elders/" + w.elderB, "/v1/children/" + w.childB,
			"/v1/families/" + w.famB, "/v1/families/" + w.famB + "/orders", "/v1/providers/" + w.provB + "/orders"} {
			for _, a := range []actor{famA, famA2, provA, officeA, carerA} {
				if got := w.who(a).get(t, path); got.status != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 404", path, a, got.status)
				}
			}
		}
	})
}

// ownedIDs are the ids of what family A and provider A own.
func (w *world) ownedIDs() []string {
	return []string{w.famA, w.elderA, w.childA, w.pickupA, w.allowanceA, w.consentA, w.inviteA, w.provA, w.itemA,
		w.offeringA, w.holdA, w.bookingA, w.orderA, w.notificationA, w.day.room, w.day.child}
}

// probeLikeMissing asks, as outsider, for each object of ids named in the
// path of a row that applies, and for a random id in its place: the two
// answers must not differ in status or code.
func probeLikeMissing(t *testing.T, w *world, outsider actor, whose string, ids []string, applies func(row) bool) {
	for _, r := range securityRows(w) {
		if r.fresh != nil || r.each != nil || !applies(r) {
			continue
		}
		var id string
		for _, candidate := range ids {
			if strings.Contains(r.path, candidate) {
				id = candidate
			}
		}
		if id == "" {
			continue
		}
		t.Run(r.op, func(t *testing.T) {
			t.Parallel()
			p := w.prepare(t, r)
			foreign := w.send(t, p, p.fixture, outsider)
			missing := p.fixture
			missing.path = strings.ReplaceAll(missing.path, id, randomID())
			none := w.send(t, p, missing, outsider)
			if foreign.status != none.status || foreign.json["code"] != none.json["code"] {
				t.Errorf("%s: %s %s answers %d %v, a missing one %d %v", r.op, whose, id,
					foreign.status, foreign.json["code"], none.status, none.json["code"])
			}
		})
	}
}
