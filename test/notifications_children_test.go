package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestMotherHearsWhoMayCollectHerSon: the father authorizes the
// grandmother to collect their son from daycare and later withdraws it.
// The mother's phone hears of both (a care alert, in her language); the
// father, who made the change, is not told of his own act; the push
// names the grandmother and her relation but never her phone.
func TestMotherHearsWhoMayCollectHerSon(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	srv := startPushServer(t, fcm, "", nil)
	mother := srv.signUp(t)
	father := srv.signUp(t)
	fam := mother.createFamily(t, uniqueName("陈家"))
	father.join(t, mother, fam.ID, "member")
	mother.consent(t, fam.ID, "child_data", "")
	son := mother.addChild(t, fam.ID, childBody("陈小宝", dateAgo(2, 0, 0)))
	motherPhone := mother.addDevice(t, "android")
	fatherPhone := father.addDevice(t, "ios")
	srv.waitJobsIdle(t)

	grandmaPhone := newPhone()
	r := father.post(t, "/v1/children/"+son.ID+"/pickup-persons",
		map[string]string{"name": "陈秀英", "relation": "奶奶", "phone": grandmaPhone.national, "idLast4": "4321"})
	grandma := must[pickupView](t, r, http.StatusCreated)
	// By type: the father's joining may still reach her phone after this
	// (its event can be relayed after the jobs looked idle).
	added := waitPushOf(t, fcm, motherPhone, "child.pickup_added")
	wantPush(t, added, "新增接送人", "陈秀英（奶奶）已被授权接送陈小宝。如有疑问，请立即在 kincare 中撤销。",
		map[string]string{"kind": "child", "id": son.ID, "type": "child.pickup_added"})

	wantStatus(t, father.del(t, "/v1/children/"+son.ID+"/pickup-persons/"+grandma.ID), http.StatusNoContent)
	removed := waitPushOf(t, fcm, motherPhone, "child.pickup_removed")
	wantPush(t, removed, "接送人已撤销", "陈秀英（奶奶）已不能再接送陈小宝。",
		map[string]string{"kind": "child", "id": son.ID, "type": "child.pickup_removed"})

	srv.waitJobsIdle(t)
	for _, m := range append(pushesTo(fcm, fatherPhone), added, removed) {
		if m.Data["type"] == "child.pickup_added" && m.Token == fatherPhone {
			t.Errorf("the father was told of his own change: %s", describePushes([]fakefcm.Message{m}))
		}
		texts := []string{m.Notification.Title, m.Notification.Body}
		for _, v := range m.Data {
			texts = append(texts, v)
		}
		for _, v := range texts {
			if strings.Contains(v, grandmaPhone.national[3:]) {
				t.Errorf("a push carries the grandmother's phone: %q", v)
			}
		}
	}
	if n := mother.waitNotification(t, "child.pickup_removed"); n.Category != "care_alerts" {
		t.Errorf("the removal is filed under %q, want care_alerts", n.Category)
	}
}
