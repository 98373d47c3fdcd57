package e2e_test

// Rows: families, their members, invites, consents and audit log; the
// elders and children they care for. A family's records are its
// members' alone (others get 404, as for an id that does not exist);
// some changes are the owner's (a member gets 403); allowances are
// public money that platform admins and regulators write.

import (
	"net/http"
	"testing"
)

func familyRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf, forbidden := http.StatusNotFound, http.StatusForbidden
	fam := "/v1/families/" + w.famA
	return []row{
		// Anyone may start a family but an elder's own account.
		{op: "createFamily", fixture: fixture{path: "/v1/families", body: map[string]string{"name": "张家"}},
			want: who{elderAcct: forbidden}, others: created},
		{op: "getFamily", fixture: fixture{path: fam}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "updateFamily", fixture: fixture{path: fam, body: map[string]string{"timeZone": "Asia/Shanghai"}},
			want: who{famA: ok, famA2: forbidden}, others: nf},
		// The member leaves a family of their own (the owner may not
		// leave before handing it over).
		{op: "leaveFamily", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/families/" + w.familyWithMember(t) + "/leave"}
		}, want: who{famA2: none, famA: http.StatusConflict}, others: nf},
		{op: "changeMemberRole", fixture: fixture{path: fam + "/members/" + w.who(famA2).id, body: map[string]string{"role": "member"}},
			want: who{famA: ok, famA2: forbidden}, others: nf},
		{op: "removeMember", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/families/" + w.familyWithMember(t) + "/members/" + w.who(famA2).id}
		}, want: who{famA: none, famA2: forbidden}, others: nf},
		{op: "listInvites", fixture: fixture{path: fam + "/invites"}, want: who{famA: ok, famA2: forbidden}, others: nf},
		{op: "createInvite", each: func(*testing.T, *world) fixture {
			return fixture{path: fam + "/invites", body: map[string]string{"phone": newPhone().national, "role": "member"}}
		}, want: who{famA: created, famA2: forbidden}, others: nf},
		{op: "revokeInvite", fresh: func(t *testing.T, w *world) fixture {
			to := newPhone()
			return fixture{path: fam + "/invites/" + w.who(famA).invite(t, w.famA, &to, "member").ID}
		}, want: who{famA: none, famA2: forbidden}, others: nf},
		// An invite to a phone is accepted by that phone's user alone
		// (a fresh account, in a family of its own, plays famB).
		{op: "acceptInvite", fresh: func(t *testing.T, w *world) fixture {
			invited := w.signUp(t)
			f := w.who(famA).createFamily(t, uniqueName("王家"))
			inv := w.who(famA).invite(t, f.ID, &invited.phone, "member")
			return fixture{path: "/v1/invites/" + inv.Code + "/accept", as: map[actor]string{famB: invited.access}}
		}, want: who{famB: ok}, others: nf},
		{op: "listConsents", fixture: fixture{path: fam + "/consents"}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "grantConsent", fixture: fixture{path: fam + "/consents", body: map[string]string{"scope": "child_data", "policyVersion": "2026-11"}},
			want: who{famA: created, famA2: created}, others: nf},
		// Withdrawing erases data, so it acts on a family of its own.
		{op: "withdrawConsent", fresh: func(t *testing.T, w *world) fixture {
			f := w.who(famA).createFamily(t, uniqueName("王家"))
			return fixture{path: "/v1/families/" + f.ID + "/consents/" + w.who(famA).consent(t, f.ID, "child_data", "").ID}
		}, want: who{famA: ok}, others: nf},
		{op: "listAuditLog", fixture: fixture{path: fam + "/audit"}, want: who{famA: ok, famA2: forbidden}, others: nf},
	}
}

// familyWithMember is a fresh family famA owns and famA2 is a member of.
func (w *world) familyWithMember(t *testing.T) string {
	t.Helper()
	f := w.who(famA).createFamily(t, uniqueName("王家"))
	w.who(famA2).join(t, w.who(famA), f.ID, "member")
	return f.ID
}

func elderRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf, forbidden := http.StatusNotFound, http.StatusForbidden
	elder := "/v1/elders/" + w.elderA
	members := who{famA: ok, famA2: ok}
	return []row{
		{op: "listElders", fixture: fixture{path: "/v1/families/" + w.famA + "/elders"}, want: members, others: nf},
		{op: "createElder", fixture: fixture{path: "/v1/families/" + w.famA + "/elders", body: elderBody("王桂兰", map[string]any{
			"address": address(w.homeA.lat, w.homeA.lng)})}, want: who{famA: created, famA2: created}, others: nf},
		{op: "getElder", fixture: fixture{path: elder}, want: members, others: nf},
		{op: "updateElder", fixture: fixture{path: elder, body: map[string]string{"living": "alone"}}, want: members, others: nf},
		{op: "deleteElder", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/elders/" + w.elder(t)}
		}, want: who{famA: none, famA2: forbidden}, others: nf},
		// The family's word is kept as self-reported; a regulator's or a
		// platform admin's record is official.
		{op: "recordAssessment", fixture: fixture{path: elder + "/assessments", body: map[string]string{
			"level": "moderate", "assessedOn": dateAgo(0, 1, 0), "assessedBy": "徐汇区评估中心"}},
			want: who{famA: created, famA2: created, regul: created, platform: created}, others: nf},
		{op: "listAllowances", fixture: fixture{path: elder + "/allowances"},
			want: who{famA: ok, famA2: ok, platform: ok, regul: ok}, others: nf},
		// Public money is a supervisor's to grant, in their own regions.
		{op: "addAllowance", fixture: fixture{path: elder + "/allowances", body: allowanceBody()},
			want: who{platform: created, regul: created, regulX: nf}, others: forbidden},
		{op: "getAllowanceLedger", fixture: fixture{path: elder + "/allowances/" + w.allowanceA + "/ledger"},
			want: who{famA: ok, famA2: ok, platform: ok, regul: ok}, others: nf},
		// A credit of one fen is harmless to every other row.
		{op: "adjustAllowance", fixture: fixture{path: elder + "/allowances/" + w.allowanceA + "/adjustments",
			body: map[string]any{"direction": "credit", "amount": 1, "reason": "十一月少发补发"}},
			want: who{platform: created, regul: created, regulX: nf}, others: forbidden},
		{op: "removeAllowance", fresh: func(t *testing.T, w *world) fixture {
			id := must[allowanceView](t, w.who(platform).post(t, elder+"/allowances", allowanceBody()), created).ID
			return fixture{path: elder + "/allowances/" + id}
		}, want: who{platform: none, regul: none, regulX: nf}, others: forbidden},
	}
}

func childRows(w *world) []row {
	ok, none, created := http.StatusOK, http.StatusNoContent, http.StatusCreated
	nf := http.StatusNotFound
	child := "/v1/children/" + w.childA
	members := who{famA: ok, famA2: ok}
	return []row{
		{op: "listChildren", fixture: fixture{path: "/v1/families/" + w.famA + "/children"}, want: members, others: nf},
		{op: "createChild", fixture: fixture{path: "/v1/families/" + w.famA + "/children", body: childBody("王小乐", dateAgo(2, 0, 0))},
			want: who{famA: created, famA2: created}, others: nf},
		{op: "getChild", fixture: fixture{path: child}, want: members, others: nf},
		{op: "updateChild", fixture: fixture{path: child, body: map[string]string{"gender": "male"}}, want: members, others: nf},
		{op: "deleteChild", fresh: func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/children/" + w.child(t)}
		}, want: who{famA: none, famA2: none}, others: nf},
		{op: "addPickupPerson", each: func(*testing.T, *world) fixture {
			return fixture{path: child + "/pickup-persons", body: map[string]string{"name": "王建国", "relation": "外公",
				"phone": newPhone().national, "idLast4": "123X", "photoRef": "children/" + w.childA + "/grandpa.jpg"}}
		}, want: who{famA: created, famA2: created}, others: nf},
		{op: "removePickupPerson", fresh: func(t *testing.T, w *world) fixture {
			p := w.who(famA).addPickup(t, w.childA, "王建国", "外公", newPhone())
			return fixture{path: child + "/pickup-persons/" + p.ID}
		}, want: who{famA: none, famA2: none}, others: nf},
	}
}
