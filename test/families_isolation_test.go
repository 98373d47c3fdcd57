package e2e_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// wangs is family A of the isolation stories: an owner, a member who
// joined by invite, an elder with health consent and an allowance, a
// child with a pickup person, and an invite still waiting.
type wangs struct {
	owner, member *person
	family        familyView
	elder         elderView
	healthConsent consentView
	childConsent  consentView
	child         childView
	pickup        pickupView
	invite        inviteView // live, addressed to someone not yet in kincare
	allowanceID   string
}

func settleWangs(t *testing.T, srv *server, admin *person) wangs {
	t.Helper()
	var w wangs
	w.owner = srv.signUp(t)
	w.member = srv.signUp(t)
	w.family = w.owner.createFamily(t, uniqueName("王家"))
	w.member.join(t, w.owner, w.family.ID, "member")
	w.elder = w.owner.addElder(t, w.family.ID, elderBody(uniqueName("王秀兰"), nil))
	w.healthConsent = w.owner.consent(t, w.family.ID, "elder_health", w.elder.ID)
	w.childConsent = w.owner.consent(t, w.family.ID, "child_data", "")
	w.child = w.owner.addChild(t, w.family.ID, childBody(uniqueName("王乐乐"), dateAgo(1, 8, 0)))
	w.pickup = w.owner.addPickup(t, w.child.ID, uniqueName("李秀英"), "外婆", newPhone())
	invitee := newPhone()
	w.invite = w.owner.invite(t, w.family.ID, &invitee, "member")
	if admin != nil {
		al := must[allowanceView](t, admin.post(t, "/v1/elders/"+w.elder.ID+"/allowances", allowanceBody()), http.StatusCreated)
		w.allowanceID = al.ID
	}
	return w
}

// allowanceBody is a valid monthly service subsidy from the start of this
// year (in Shanghai) to the end of the next, so it covers today whenever
// the tests run.
func allowanceBody() map[string]any {
	from, to := allowanceYears()
	return map[string]any{"issuer": "上海市徐汇区民政局", "kind": "service_subsidy", "monthlyFen": 30000,
		"serviceTypes": []string{"meal_aid", "bathing"}, "validFrom": from, "validTo": to}
}

// TestNeighboursCannotReachOurFamilyEvenWithOurIDs: the Lis (family B)
// somehow learn every id of the Wangs (family A). Every route they try
// with those ids answers exactly as it does for an id that does not
// exist, so they cannot even tell the records are there, and nothing of
// the Wangs changes. Members who are not owners of A get 403 on the
// owner-only routes and change nothing either.
func TestNeighboursCannotReachOurFamilyEvenWithOurIDs(t *testing.T) {
	t.Parallel()
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national)})
	admin := &person{srv: srv, phone: adminPhone}
	s := srv.login(t, adminPhone)
	admin.id, admin.access = s.User.ID, s.Access

	a := settleWangs(t, srv, admin)
	li := srv.signUp(t)
	b := li.createFamily(t, uniqueName("李家"))
	bElder := li.addElder(t, b.ID, elderBody(uniqueName("李桂英"), nil))
	li.consent(t, b.ID, "child_data", "")
	bChild := li.addChild(t, b.ID, childBody(uniqueName("李小宝"), dateAgo(2, 0, 0)))
	li.addPickup(t, bChild.ID, uniqueName("张阿姨"), "保姆", newPhone())

	before := snapshotWangs(t, a)

	nobody := randomID()
	fakeCode := "ZZZZ" + strings.ToUpper(randomID()[24:30])
	fakeInvite := strings.Repeat("0", 64)
	elderPatch := map[string]any{"caregiverNotes": "李家改的"}
	assessment := map[string]any{"level": "mild", "assessedOn": dateAgo(1, 1, 0), "assessedBy": "徐汇区老年人能力评估中心"}
	pickup := map[string]string{"name": "陌生人", "relation": "邻居", "phone": newPhone().national, "idLast4": "0000"}

	// Each route is tried with A's id and with an id that names nothing;
	// both must give the same problem, and it must be want.
	type route struct {
		name           string
		method         string
		withA, withNil string
		body           any
		status         int
		code           string
	}
	fam := func(id string) string { return "/v1/families/" + id }
	routes := []route{
		{"read the family", "GET", fam(a.family.ID), fam(nobody), nil, 404, "family_not_found"},
		{"rename the family", "PATCH", fam(a.family.ID), fam(nobody), map[string]string{"name": "李家的"}, 404, "family_not_found"},
		{"leave the family", "POST", fam(a.family.ID) + "/leave", fam(nobody) + "/leave", nil, 404, "family_not_found"},
		{"promote oneself", "PATCH", fam(a.family.ID) + "/members/" + li.id, fam(nobody) + "/members/" + li.id, map[string]string{"role": "owner"}, 404, "family_not_found"},
		{"demote the owner", "PATCH", fam(a.family.ID) + "/members/" + a.owner.id, fam(nobody) + "/members/" + a.owner.id, map[string]string{"role": "member"}, 404, "family_not_found"},
		{"remove a member", "DELETE", fam(a.family.ID) + "/members/" + a.member.id, fam(nobody) + "/members/" + a.member.id, nil, 404, "family_not_found"},
		{"list invites", "GET", fam(a.family.ID) + "/invites", fam(nobody) + "/invites", nil, 404, "family_not_found"},
		{"invite oneself", "POST", fam(a.family.ID) + "/invites", fam(nobody) + "/invites", map[string]string{"role": "owner", "phone": li.phone.national}, 404, "family_not_found"},
		{"revoke an invite", "DELETE", fam(a.family.ID) + "/invites/" + a.invite.ID, fam(nobody) + "/invites/" + fakeInvite, nil, 404, "family_not_found"},
		{"revoke A's invite through B", "DELETE", fam(b.ID) + "/invites/" + a.invite.ID, fam(b.ID) + "/invites/" + fakeInvite, nil, 404, "invite_not_found"},
		{"accept an invite addressed to someone else", "POST", "/v1/invites/" + a.invite.Code + "/accept", "/v1/invites/" + fakeCode + "/accept", nil, 404, "invite_not_found"},
		{"list consents", "GET", fam(a.family.ID) + "/consents", fam(nobody) + "/consents", nil, 404, "family_not_found"},
		{"grant a consent", "POST", fam(a.family.ID) + "/consents", fam(nobody) + "/consents", map[string]string{"scope": "child_data", "policyVersion": "2026-11"}, 404, "family_not_found"},
		{"consent to A's elder through B", "POST", fam(b.ID) + "/consents", fam(b.ID) + "/consents#nil", map[string]string{"scope": "elder_health", "elderId": a.elder.ID, "policyVersion": "2026-11"}, 404, "elder_not_found"},
		{"withdraw a consent", "DELETE", fam(a.family.ID) + "/consents/" + a.healthConsent.ID, fam(nobody) + "/consents/" + nobody, nil, 404, "family_not_found"},
		{"withdraw A's consent through B", "DELETE", fam(b.ID) + "/consents/" + a.healthConsent.ID, fam(b.ID) + "/consents/" + nobody, nil, 404, "consent_not_found"},
		{"list elders", "GET", fam(a.family.ID) + "/elders", fam(nobody) + "/elders", nil, 404, "family_not_found"},
		{"add an elder", "POST", fam(a.family.ID) + "/elders", fam(nobody) + "/elders", elderBody("李家塞进来的", nil), 404, "family_not_found"},
		{"read an elder", "GET", "/v1/elders/" + a.elder.ID, "/v1/elders/" + nobody, nil, 404, "elder_not_found"},
		{"change an elder", "PATCH", "/v1/elders/" + a.elder.ID, "/v1/elders/" + nobody, elderPatch, 404, "elder_not_found"},
		{"delete an elder", "DELETE", "/v1/elders/" + a.elder.ID, "/v1/elders/" + nobody, nil, 404, "elder_not_found"},
		{"record an assessment", "POST", "/v1/elders/" + a.elder.ID + "/assessments", "/v1/elders/" + nobody + "/assessments", assessment, 404, "elder_not_found"},
		{"read allowances", "GET", "/v1/elders/" + a.elder.ID + "/allowances", "/v1/elders/" + nobody + "/allowances", nil, 404, "elder_not_found"},
		// Granting is for administrators: a family member is refused
		// before any id is looked at, alike for real and made-up ids.
		{"grant an allowance", "POST", "/v1/elders/" + a.elder.ID + "/allowances", "/v1/elders/" + nobody + "/allowances", allowanceBody(), 403, "forbidden"},
		{"remove an allowance", "DELETE", "/v1/elders/" + a.elder.ID + "/allowances/" + a.allowanceID, "/v1/elders/" + nobody + "/allowances/" + nobody, nil, 403, "forbidden"},
		{"list children", "GET", fam(a.family.ID) + "/children", fam(nobody) + "/children", nil, 404, "family_not_found"},
		{"add a child", "POST", fam(a.family.ID) + "/children", fam(nobody) + "/children", childBody("李家塞进来的", dateAgo(1, 0, 0)), 404, "family_not_found"},
		{"read a child", "GET", "/v1/children/" + a.child.ID, "/v1/children/" + nobody, nil, 404, "child_not_found"},
		{"change a child", "PATCH", "/v1/children/" + a.child.ID, "/v1/children/" + nobody, map[string]string{"healthNotes": "李家改的"}, 404, "child_not_found"},
		{"delete a child", "DELETE", "/v1/children/" + a.child.ID, "/v1/children/" + nobody, nil, 404, "child_not_found"},
		{"add a pickup person", "POST", "/v1/children/" + a.child.ID + "/pickup-persons", "/v1/children/" + nobody + "/pickup-persons", pickup, 404, "child_not_found"},
		{"remove a pickup person", "DELETE", "/v1/children/" + a.child.ID + "/pickup-persons/" + a.pickup.ID, "/v1/children/" + nobody + "/pickup-persons/" + nobody, nil, 404, "child_not_found"},
		{"remove A's pickup person through B's child", "DELETE", "/v1/children/" + bChild.ID + "/pickup-persons/" + a.pickup.ID, "/v1/children/" + bChild.ID + "/pickup-persons/" + nobody, nil, 404, "pickup_person_not_found"},
		{"read the audit log", "GET", fam(a.family.ID) + "/audit", fam(nobody) + "/audit", nil, 404, "family_not_found"},
	}
	for _, rt := range routes {
		t.Run("B tries to "+rt.name, func(t *testing.T) {
			nilPath, nilBody := rt.withNil, rt.body
			if p, ok := strings.CutSuffix(nilPath, "#nil"); ok { // same path, made-up id in the body
				nilPath, nilBody = p, map[string]string{"scope": "elder_health", "elderId": nobody, "policyVersion": "2026-11"}
			}
			made := li.do(t, rt.method, nilPath, nilBody)
			mp := wantProblem(t, made, rt.status, rt.code)
			got := li.do(t, rt.method, rt.withA, rt.body)
			p := wantProblem(t, got, rt.status, rt.code)
			if p.Title != mp.Title || withoutIDs(p.Detail, rt.withA) != withoutIDs(mp.Detail, nilPath) {
				t.Errorf("A's id answers %q / %q, a made-up id %q / %q: the difference tells B the record exists",
					p.Title, p.Detail, mp.Title, mp.Detail)
			}
		})
	}

	t.Run("B's lists and export hold nothing of A", func(t *testing.T) {
		fams := must[listPage[familySummary]](t, li.get(t, "/v1/families"), http.StatusOK).Items
		if len(fams) != 1 || fams[0].ID != b.ID {
			t.Errorf("B's owner lists families %+v, want just %s", fams, b.ID)
		}
		if es := li.elders(t, b.ID); len(es) != 1 || es[0].ID != bElder.ID {
			t.Errorf("B's elders %s, want just %s", compactJSON(es), bElder.ID)
		}
		export := li.get(t, "/v1/me/export")
		wantStatus(t, export, http.StatusOK)
		if leaks := containsAny(export.body, wangsSecrets(a)); len(leaks) > 0 {
			t.Errorf("B's export contains A's %s", strings.Join(leaks, ", "))
		}
	})

	t.Run("a member of A needs an owner for owner-only actions", func(t *testing.T) {
		m := a.member
		for _, c := range []struct {
			name, method, path string
			body               any
		}{
			{"rename the family", "PATCH", fam(a.family.ID), map[string]string{"name": "改名"}},
			{"move the family's time zone", "PATCH", fam(a.family.ID), map[string]string{"timeZone": "Asia/Urumqi"}},
			{"list invites", "GET", fam(a.family.ID) + "/invites", nil},
			{"invite someone", "POST", fam(a.family.ID) + "/invites", map[string]string{"role": "member"}},
			{"revoke an invite", "DELETE", fam(a.family.ID) + "/invites/" + a.invite.ID, nil},
			{"remove the owner", "DELETE", fam(a.family.ID) + "/members/" + a.owner.id, nil},
			{"promote herself", "PATCH", fam(a.family.ID) + "/members/" + m.id, map[string]string{"role": "owner"}},
			{"demote the owner", "PATCH", fam(a.family.ID) + "/members/" + a.owner.id, map[string]string{"role": "member"}},
			{"read the audit log", "GET", fam(a.family.ID) + "/audit", nil},
			{"delete an elder", "DELETE", "/v1/elders/" + a.elder.ID, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantProblem(t, m.do(t, c.method, c.path, c.body), http.StatusForbidden, "family_owner_required")
			})
		}
		// What members may do, they can: read the elder and the child.
		wantStatus(t, m.get(t, "/v1/elders/"+a.elder.ID), http.StatusOK)
		wantStatus(t, m.get(t, "/v1/children/"+a.child.ID), http.StatusOK)
	})

	t.Run("A is exactly as it was", func(t *testing.T) {
		after := snapshotWangs(t, a)
		for what, want := range before {
			if got := after[what]; !reflect.DeepEqual(got, want) {
				t.Errorf("A's %s changed:\nbefore %s\nafter  %s", what, compactJSON(want), compactJSON(got))
			}
		}
	})
}

// withoutIDs blanks the ids of path out of a problem's detail, which may
// name the id asked for.
func withoutIDs(detail, path string) string {
	for _, seg := range strings.Split(path, "/") {
		if len(seg) >= 8 {
			detail = strings.ReplaceAll(detail, seg, "{id}")
		}
	}
	return detail
}

// snapshotWangs is everything A's owner can see of A, by what it is.
func snapshotWangs(t *testing.T, w wangs) map[string]any {
	t.Helper()
	o := w.owner
	f := o.family(t, w.family.ID)
	snap := map[string]any{
		"family":   f,
		"elders":   o.elders(t, w.family.ID),
		"children": o.children(t, w.family.ID),
		"invites":  must[listPage[inviteView]](t, o.get(t, "/v1/families/"+w.family.ID+"/invites"), http.StatusOK).Items,
		"consents": decode[map[string]any](t, o.get(t, "/v1/families/"+w.family.ID+"/consents")),
		"elder":    decode[map[string]any](t, o.get(t, "/v1/elders/"+w.elder.ID)),
		"child":    decode[map[string]any](t, o.get(t, "/v1/children/"+w.child.ID)),
	}
	return snap
}

// wangsSecrets are A's ids and names, which no one outside A may see.
func wangsSecrets(w wangs) map[string]string {
	return map[string]string{
		"family id": w.family.ID, "family name": w.family.Name,
		"elder id": w.elder.ID, "elder name": w.elder.Name,
		"child id": w.child.ID, "child name": w.child.Name,
		"pickup id": w.pickup.ID, "pickup name": w.pickup.Name,
		"consent id": w.healthConsent.ID, "owner id": w.owner.id, "member id": w.member.id,
		"owner phone": w.owner.phone.national, "member phone": w.member.phone.national,
	}
}
