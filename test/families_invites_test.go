package e2e_test

import (
	"net/http"
	"testing"
	"time"
)

// TestDaughterInvitesHerBrotherToCareForMother: a daughter starts the
// family, invites her brother by phone and a cousin by a code she reads
// out, revokes a code she sent by mistake, and finally hands the family
// over to her brother and leaves. Every misuse of an invite is refused
// with its own problem.
func TestDaughterInvitesHerBrotherToCareForMother(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, "王家")
	if fam.TimeZone != "Asia/Shanghai" || len(fam.Members) != 1 || fam.Members[0].Role != "owner" || !fam.Members[0].You {
		t.Fatalf("new family %s, want Asia/Shanghai and the daughter as its only owner", compactJSON(fam))
	}
	invites := "/v1/families/" + fam.ID + "/invites"

	// She invites her brother's phone before he has an account.
	brotherPhone := newPhone()
	r := daughter.post(t, invites, map[string]string{"phone": brotherPhone.national, "role": "member"})
	inv := must[inviteView](t, r, http.StatusCreated)
	if len(inv.Code) < 8 || inv.Link != "kincare://invite/"+inv.Code || inv.FamilyID != fam.ID || inv.Role != "member" {
		t.Errorf("invite %s, want a code, its kincare:// link, the family and role member", r.body)
	}
	if inv.Phone != brotherPhone.masked() {
		t.Errorf("invite phone %q, want it masked as %q", inv.Phone, brotherPhone.masked())
	}
	if d := time.Until(inv.ExpiresAt); d < 7*24*time.Hour-time.Hour || d > 7*24*time.Hour+time.Hour {
		t.Errorf("invite expires in %s, want 7 days", d)
	}

	// He logs in and finds it waiting for him.
	brotherSession := srv.login(t, brotherPhone)
	brother := &person{srv: srv, phone: brotherPhone, id: brotherSession.User.ID, access: brotherSession.Access}
	pending := must[listPage[pendingInvite]](t, brother.get(t, "/v1/me/invites"), http.StatusOK).Items
	if len(pending) != 1 || pending[0].Code != inv.Code || pending[0].FamilyID != fam.ID || pending[0].FamilyName != "王家" || pending[0].Role != "member" {
		t.Fatalf("brother's pending invites %s, want the one to 王家 with code %s", compactJSON(pending), inv.Code)
	}

	// He accepts: he is a member, sees his own number and only a masked
	// one for his sister.
	joined := must[familyView](t, brother.accept(t, inv.Code), http.StatusOK)
	wantMembers(t, "the family he joined", joined, map[string]string{daughter.id: "owner", brother.id: "member"})
	if m, _ := joined.member(brother.id); m.Phone != brother.phone.e164 || !m.You {
		t.Errorf("brother sees himself as %+v, want his own phone %s unmasked and you=true", m, brother.phone.e164)
	}
	if m, _ := joined.member(daughter.id); m.Phone != daughter.phone.masked() || m.You {
		t.Errorf("brother sees his sister as %+v, want phone %s and you=false", m, daughter.phone.masked())
	}
	seen := daughter.family(t, fam.ID)
	if m, _ := seen.member(daughter.id); m.Phone != daughter.phone.e164 {
		t.Errorf("daughter sees her own phone as %q, want %q", m.Phone, daughter.phone.e164)
	}
	if m, _ := seen.member(brother.id); m.Phone != brother.phone.masked() {
		t.Errorf("daughter sees her brother's phone as %q, want %q", m.Phone, brother.phone.masked())
	}
	mine := must[listPage[familySummary]](t, brother.get(t, "/v1/families"), http.StatusOK).Items
	if len(mine) != 1 || mine[0].ID != fam.ID || mine[0].Role != "member" || mine[0].Name != "王家" {
		t.Errorf("brother's families %s, want 王家 as member", compactJSON(mine))
	}
	if left := must[listPage[pendingInvite]](t, brother.get(t, "/v1/me/invites"), http.StatusOK).Items; len(left) != 0 {
		t.Errorf("brother still has pending invites after accepting: %s", compactJSON(left))
	}

	t.Run("a spent invite cannot be used again", func(t *testing.T) {
		wantProblem(t, brother.accept(t, inv.Code), http.StatusConflict, "invite_used")
	})
	t.Run("someone already in the family cannot be invited", func(t *testing.T) {
		for _, form := range []string{brother.phone.national, brother.phone.e164, daughter.phone.national} {
			r := daughter.post(t, invites, map[string]string{"phone": form, "role": "member"})
			p := wantProblem(t, r, http.StatusConflict, "already_member")
			wantField(t, p, "/phone")
		}
	})

	// A code invite, read out on the phone to a cousin, works for
	// whoever has it, once.
	cousin := srv.signUp(t)
	codeInvite := daughter.invite(t, fam.ID, nil, "member")
	if codeInvite.Phone != "" {
		t.Errorf("a code invite shows phone %q, want none", codeInvite.Phone)
	}
	joined = must[familyView](t, cousin.accept(t, codeInvite.Code), http.StatusOK)
	wantMembers(t, "after the cousin joined", joined, map[string]string{daughter.id: "owner", brother.id: "member", cousin.id: "member"})
	stranger := srv.signUp(t)
	t.Run("a code invite is single use", func(t *testing.T) {
		wantProblem(t, stranger.accept(t, codeInvite.Code), http.StatusConflict, "invite_used")
	})
	t.Run("an invite addressed to another phone is not found", func(t *testing.T) {
		auntPhone := newPhone()
		forAunt := daughter.invite(t, fam.ID, &auntPhone, "member")
		wantProblem(t, stranger.accept(t, forAunt.Code), http.StatusNotFound, "invite_not_found")
		live := must[listPage[inviteView]](t, daughter.get(t, invites), http.StatusOK).Items
		if !hasInvite(live, forAunt.ID) {
			t.Errorf("the aunt's invite is no longer live after a stranger tried it: %s", compactJSON(live))
		}
	})
	t.Run("a made-up code is not found", func(t *testing.T) {
		wantProblem(t, stranger.accept(t, "NOSUCHCODE"), http.StatusNotFound, "invite_not_found")
	})
	t.Run("a revoked invite cannot be used", func(t *testing.T) {
		mistake := daughter.invite(t, fam.ID, nil, "owner")
		if !hasInvite(must[listPage[inviteView]](t, daughter.get(t, invites), http.StatusOK).Items, mistake.ID) {
			t.Fatalf("the new invite %s is not listed among the live ones", mistake.ID)
		}
		wantStatus(t, daughter.del(t, invites+"/"+mistake.ID), http.StatusNoContent)
		if hasInvite(must[listPage[inviteView]](t, daughter.get(t, invites), http.StatusOK).Items, mistake.ID) {
			t.Errorf("a revoked invite is still listed as live")
		}
		wantProblem(t, stranger.accept(t, mistake.Code), http.StatusConflict, "invite_revoked")
		wantProblem(t, daughter.del(t, invites+"/"+mistake.ID), http.StatusNotFound, "invite_not_found")
		wantMembers(t, "after the revoked invite was tried", daughter.family(t, fam.ID),
			map[string]string{daughter.id: "owner", brother.id: "member", cousin.id: "member"})
	})

	// Handing over: the last owner can neither leave, nor remove or
	// demote herself, and a member cannot remove her.
	members := "/v1/families/" + fam.ID + "/members/"
	t.Run("the last owner cannot leave", func(t *testing.T) {
		wantProblem(t, daughter.post(t, "/v1/families/"+fam.ID+"/leave", nil), http.StatusConflict, "last_owner")
	})
	t.Run("the last owner cannot remove herself", func(t *testing.T) {
		wantProblem(t, daughter.del(t, members+daughter.id), http.StatusConflict, "last_owner")
	})
	t.Run("the last owner cannot demote herself", func(t *testing.T) {
		wantProblem(t, daughter.patch(t, members+daughter.id, map[string]string{"role": "member"}), http.StatusConflict, "last_owner")
	})
	t.Run("a member cannot remove the last owner", func(t *testing.T) {
		wantProblem(t, brother.del(t, members+daughter.id), http.StatusForbidden, "family_owner_required")
	})
	t.Run("an unknown role is refused", func(t *testing.T) {
		p := wantProblem(t, daughter.patch(t, members+brother.id, map[string]string{"role": "admin"}), http.StatusUnprocessableEntity, "validation_failed")
		wantField(t, p, "/role")
	})
	t.Run("changing someone who is not a member", func(t *testing.T) {
		wantProblem(t, daughter.patch(t, members+stranger.id, map[string]string{"role": "owner"}), http.StatusNotFound, "member_not_found")
	})
	wantMembers(t, "after the refused hand-overs", daughter.family(t, fam.ID),
		map[string]string{daughter.id: "owner", brother.id: "member", cousin.id: "member"})

	promoted := must[familyView](t, daughter.patch(t, members+brother.id, map[string]string{"role": "owner"}), http.StatusOK)
	wantMembers(t, "after promoting the brother", promoted, map[string]string{daughter.id: "owner", brother.id: "owner", cousin.id: "member"})
	wantStatus(t, daughter.post(t, "/v1/families/"+fam.ID+"/leave", nil), http.StatusNoContent)
	wantProblem(t, daughter.get(t, "/v1/families/"+fam.ID), http.StatusNotFound, "family_not_found")
	if fs := must[listPage[familySummary]](t, daughter.get(t, "/v1/families"), http.StatusOK).Items; len(fs) != 0 {
		t.Errorf("the daughter still lists families after leaving: %s", compactJSON(fs))
	}
	wantMembers(t, "after the daughter left", brother.family(t, fam.ID), map[string]string{brother.id: "owner", cousin.id: "member"})

	t.Run("the new last owner cannot be removed either", func(t *testing.T) {
		wantProblem(t, brother.del(t, members+brother.id), http.StatusConflict, "last_owner")
		wantProblem(t, cousin.del(t, members+brother.id), http.StatusForbidden, "family_owner_required")
	})
	t.Run("the owner removes a member", func(t *testing.T) {
		wantStatus(t, brother.del(t, members+cousin.id), http.StatusNoContent)
		wantProblem(t, cousin.get(t, "/v1/families/"+fam.ID), http.StatusNotFound, "family_not_found")
		wantMembers(t, "after the cousin was removed", brother.family(t, fam.ID), map[string]string{brother.id: "owner"})
	})
}

// wantMembers asserts a family's members and their roles, nobody more.
func wantMembers(t *testing.T, when string, f familyView, want map[string]string) {
	t.Helper()
	got := f.roles()
	if len(got) != len(want) {
		t.Errorf("%s: members %v, want %v", when, got, want)
		return
	}
	for id, role := range want {
		if got[id] != role {
			t.Errorf("%s: members %v, want %v", when, got, want)
			return
		}
	}
}

func hasInvite(invs []inviteView, id string) bool {
	for _, i := range invs {
		if i.ID == id {
			return true
		}
	}
	return false
}
