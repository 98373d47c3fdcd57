package e2e_test

// Rows: the elder's own account. Its link is the elder's family's
// (owners invite and unlink, members read) and the elder's own; the
// elder's day and the code confirmation are the elder account's alone,
// a function every other kind is refused (403). The world's elder
// account is elder A's (elderAcct).

import (
	"net/http"
	"testing"
)

func elderAccountRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf, forbidden := http.StatusNotFound, http.StatusForbidden
	return []row{
		// Each invite is for an elder of its own (one live invite per elder).
		{op: "inviteElderAccount", each: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/elders/" + w.elder(t) + "/account-invites", body: map[string]string{"phone": newPhone().national}}
		}, want: who{famA: created, famA2: forbidden}, others: nf},
		// An invite to a phone is accepted by that phone's user alone (a
		// fresh account plays famB).
		{op: "acceptElderInvite", fresh: func(t *testing.T, w *world) fixture {
			invited := w.signUp(t)
			elderID := w.elder(t)
			wantStatus(t, w.who(famA).post(t, "/v1/elders/"+elderID+"/account-invites",
				map[string]string{"phone": invited.phone.national}), http.StatusCreated)
			return fixture{path: "/v1/invites/" + elderInviteCode(t, invited, elderID) + "/accept-as-elder",
				body: map[string]string{"policyVersion": "2026-11"}, as: map[actor]string{famB: invited.access}}
		}, want: who{famB: ok}, others: nf},
		{op: "getElderAccount", fixture: fixture{path: "/v1/elders/" + w.elderA + "/account"},
			want: who{famA: ok, famA2: ok, elderAcct: ok}, others: nf},
		{op: "unlinkElderAccount", fresh: func(t *testing.T, w *world) fixture {
			elderID := w.elder(t)
			linkElderAccount(t, w.who(famA), w.signUp(t), elderID)
			return fixture{path: "/v1/elders/" + elderID + "/account"}
		}, want: who{famA: none, famA2: forbidden}, others: nf},
		{op: "getMyDay", fixture: fixture{path: "/v1/me/day"}, want: who{elderAcct: ok}, others: forbidden},
		// Order A is accepted, not checked out: 409 past every check of who.
		{op: "confirmVisitAsElder", fixture: fixture{path: "/v1/orders/" + w.orderA + "/elder-confirmation",
			body: map[string]string{"code": "1234"}}, want: who{elderAcct: http.StatusConflict}, others: forbidden},
	}
}
