package e2e_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrotherDownloadsEverythingKincareHoldsAboutHim: the export of a
// member of the Wangs holds the Wangs' family, elders and children with
// their pickup persons, and his devices, and nothing of the Lis next
// door, not even an id.
func TestBrotherDownloadsEverythingKincareHoldsAboutHim(t *testing.T) {
	t.Parallel()
	srv := startServer(t, config{env: familyEnv()})
	a := settleWangs(t, srv, nil)
	brother := a.member
	token := fcmToken()
	wantStatus(t, brother.do(t, http.MethodPut, devicePath(token), map[string]string{"platform": "android", "app": "family"}), http.StatusCreated)
	wantStatus(t, brother.get(t, "/v1/elders/"+a.elder.ID), http.StatusOK) // his own activity

	// The Lis next door: every record they keep has a name of its own.
	li := srv.signUp(t)
	b := li.createFamily(t, uniqueName("李家"))
	bElder := li.addElder(t, b.ID, elderBody(uniqueName("李桂英"), nil))
	bHealth := li.consent(t, b.ID, "elder_health", bElder.ID)
	li.consent(t, b.ID, "child_data", "")
	bChild := li.addChild(t, b.ID, childBody(uniqueName("李小宝"), dateAgo(3, 0, 0)))
	bNanny := newPhone()
	bPickup := li.addPickup(t, bChild.ID, uniqueName("张阿姨"), "保姆", bNanny)
	bInvitee := newPhone()
	bInvite := li.invite(t, b.ID, &bInvitee, "member")
	liToken := fcmToken()
	wantStatus(t, li.do(t, http.MethodPut, devicePath(liToken), map[string]string{"platform": "ios", "app": "family"}), http.StatusCreated)

	r := brother.get(t, "/v1/me/export")
	wantStatus(t, r, http.StatusOK)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("export Cache-Control %q, want no-store", cc)
	}
	x := decode[struct {
		User     me       `json:"user"`
		Devices  []device `json:"devices"`
		Families []struct {
			Family   familyView  `json:"family"`
			Elders   []elderView `json:"elders"`
			Children []childView `json:"children"`
		} `json:"families"`
		Invites  []pendingInvite `json:"invites"`
		Activity []auditView     `json:"activity"`
	}](t, r)

	if x.User.ID != brother.id || x.User.Phone != brother.phone.e164 {
		t.Errorf("export user %+v, want %s with his own phone", x.User, brother.id)
	}
	if len(x.Devices) != 1 || x.Devices[0].Token != token {
		t.Errorf("export devices %+v, want his one device", x.Devices)
	}
	if len(x.Families) != 1 {
		t.Fatalf("export holds %d families, want the Wangs only: %s", len(x.Families), r.body)
	}
	f := x.Families[0]
	if f.Family.ID != a.family.ID || f.Family.Name != a.family.Name {
		t.Errorf("exported family %s %q, want %s %q", f.Family.ID, f.Family.Name, a.family.ID, a.family.Name)
	}
	wantMembers(t, "exported family", f.Family, map[string]string{a.owner.id: "owner", brother.id: "member"})
	if m, _ := f.Family.member(a.owner.id); m.Phone != a.owner.phone.masked() {
		t.Errorf("the export shows his sister's phone as %q, want it masked (%s)", m.Phone, a.owner.phone.masked())
	}
	if len(f.Elders) != 1 || f.Elders[0].ID != a.elder.ID || f.Elders[0].Name != a.elder.Name || f.Elders[0].Age < 60 {
		t.Errorf("exported elders %s, want %s (%s) with an age", compactJSON(f.Elders), a.elder.ID, a.elder.Name)
	}
	if len(f.Children) != 1 || f.Children[0].ID != a.child.ID || len(f.Children[0].PickupPersons) != 1 ||
		f.Children[0].PickupPersons[0].ID != a.pickup.ID || f.Children[0].PickupPersons[0].Name != a.pickup.Name {
		t.Errorf("exported children %s, want %s with pickup person %s", compactJSON(f.Children), a.child.ID, a.pickup.ID)
	}
	if !hasEntry(x.Activity, brother.id, "read", "elder", a.elder.ID) {
		t.Errorf("exported activity %s lacks his read of %s", compactJSON(x.Activity), a.elder.ID)
	}
	for _, e := range x.Activity {
		if e.ActorID != brother.id {
			t.Errorf("exported activity holds someone else's entry: %s", compactJSON(e))
		}
	}

	// Nothing of the Lis, anywhere in the text.
	secrets := map[string]string{
		"family id": b.ID, "family name": b.Name,
		"elder id": bElder.ID, "elder name": bElder.Name, "consent id": bHealth.ID,
		"child id": bChild.ID, "child name": bChild.Name,
		"pickup id": bPickup.ID, "pickup name": bPickup.Name, "pickup phone": bNanny.national,
		"invite id": bInvite.ID, "invite code": bInvite.Code, "invitee phone": bInvitee.national,
		"owner id": li.id, "owner phone": li.phone.national, "device token": liToken,
	}
	if leaks := containsAny(r.body, secrets); len(leaks) > 0 {
		t.Errorf("the Wang brother's export contains the Lis' %s", strings.Join(leaks, ", "))
	}
	// The check can fail: the same search finds the Wangs' own.
	if found := containsAny(r.body, map[string]string{"elder id": a.elder.ID, "child name": a.child.Name}); len(found) != 2 {
		t.Fatalf("the search for ids in the export found only %v of the Wangs' own", found)
	}
}
