package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestTheStationInstallsAFallDetector: the community station serving the
// mother's address installs a fall detector for her — its admin
// registers it, its office lists it, the family sees it — and the
// vendor's fall reaches her family as any device's would. A provider far
// away, not serving her, meets no such elder, registering and listing
// alike, and cannot remove the station's device.
func TestTheStationInstallsAFallDetector(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	v := newVendor("anxin")
	clock := newLadderClock(t, time.Now())
	w := newCareWorld(t, fcm, clock, t.TempDir(), "DEVICE_VENDOR_KEYS", vendorKeys(v))
	path := "/v1/elders/" + w.elder.ID + "/home-devices"
	serial := uniqueName("FD")
	body := map[string]string{"kind": "fall_detector", "vendor": v.name, "serial": serial}

	stranger := w.srv.signUp(t)
	far := stranger.register(t, providerBody(uniqueName("远方护理站"), w.home.offset(40_000, 40_000), 3, newPhone(), nil))
	w.admin.verify(t, far.ID)
	wantProblem(t, stranger.post(t, path, body), http.StatusNotFound, "elder_not_found")
	wantProblem(t, stranger.get(t, path), http.StatusNotFound, "elder_not_found")

	d := must[homeDeviceView](t, w.boss.post(t, path, body), http.StatusCreated)
	if d.ElderID != w.elder.ID || d.Kind != "fall_detector" {
		t.Fatalf("the station registered %s", compactJSON(d))
	}
	for who, p := range map[string]*person{"the station's office": w.worker, "the daughter": w.owner} {
		list := must[listPage[homeDeviceView]](t, p.get(t, path), http.StatusOK)
		if len(list.Items) != 1 || list.Items[0].ID != d.ID {
			t.Fatalf("%s lists %s", who, compactJSON(list))
		}
	}
	wantProblem(t, stranger.del(t, "/v1/home-devices/"+d.ID), http.StatusNotFound, "home_device_not_found")

	ans := must[deviceEventAnswer](t, v.post(t, w.srv, map[string]any{"eventId": "f1", "serial": serial, "type": "fall"},
		time.Now(), nil), http.StatusOK)
	if ans.Duplicate || ans.IncidentID == "" {
		t.Fatalf("the fall was answered %s", compactJSON(ans))
	}
	waitPushOf(t, fcm, w.ownerPhone, "incident.raised")
}
