package e2e_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// TestAQuietDoorAndASilentButtonAreNoticed: the rules of what did not
// happen, on the ladder's clock. A door sensor of a mother living alone
// that sees no opening for a day raises a door_inactive incident, once
// for the spell, not a second early; the same at her husband's, who
// lives with family, raises nothing. Devices that report nothing for two
// days are reported offline to the family and the station's office, once
// per silence; a heartbeat a second before keeps them online.
func TestAQuietDoorAndASilentButtonAreNoticed(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := newLadderClock(t, t0)
	anxin := newVendor("anxin")
	w := newCareWorld(t, fcm, clock, t.TempDir(), "DEVICE_VENDOR_KEYS", vendorKeys(anxin),
		"DEVICE_WATCH_INTERVAL", "50ms")
	bossPhone := w.boss.addDevice(t, "android")
	father := w.owner.addElder(t, w.family.ID, elderBody("王建国", map[string]any{
		"address": address(w.home.lat, w.home.lng), "living": "with_family"}))

	serial := func(p string) string { return p + "-" + strconv.FormatInt(randInt(1_000_000_000), 10) }
	register := func(elderID, kind, serial string) {
		t.Helper()
		must[homeDeviceView](t, w.owner.post(t, "/v1/elders/"+elderID+"/home-devices",
			map[string]string{"kind": kind, "vendor": "anxin", "serial": serial}), http.StatusCreated)
	}
	report := func(serial, typ string, at time.Time) {
		t.Helper()
		must[deviceEventAnswer](t, anxin.post(t, w.srv, map[string]any{"eventId": serial + "-" + typ + "-" +
			strconv.FormatInt(at.Unix(), 10), "serial": serial, "type": typ, "occurredAt": at.Format(time.RFC3339)},
			time.Now(), nil), http.StatusOK)
	}
	herDoor, hisDoor, button := serial("DS"), serial("DS"), serial("SB")
	register(w.elder.ID, "door_sensor", herDoor)
	register(father.ID, "door_sensor", hisDoor)
	register(w.elder.ID, "sos_button", button)

	// She goes out at 1 h; the button's heartbeat comes then too.
	opened := t0.Add(time.Hour)
	clock.set(t, opened)
	report(herDoor, "door_open", opened)
	report(button, "heartbeat", opened)

	doorAlarms := func(elderID string) []incidentView {
		t.Helper()
		var out []incidentView
		for _, i := range must[listPage[incidentView]](t, w.owner.get(t, "/v1/elders/"+elderID+"/incidents"),
			http.StatusOK).Items {
			if i.Kind == "door_inactive" {
				out = append(out, i)
			}
		}
		return out
	}
	watched := func(at time.Time) {
		t.Helper()
		clock.set(t, at)
		w.srv.awaitPasses(t, "device_watch")
		w.srv.settle(t)
	}

	watched(opened.Add(24*time.Hour - time.Second))
	if got := doorAlarms(w.elder.ID); len(got) != 0 {
		t.Fatalf("a door opened a second less than a day ago raised %s", compactJSON(got))
	}
	watched(opened.Add(24 * time.Hour))
	raised := doorAlarms(w.elder.ID)
	if len(raised) != 1 || raised[0].Status != "open" {
		t.Fatalf("a day after her last opening: %s, want one open door_inactive incident", compactJSON(raised))
	}
	waitPushOf(t, fcm, w.ownerPhone, "incident.raised")
	wantStatus(t, w.owner.post(t, "/v1/incidents/"+raised[0].ID+"/acknowledge", nil), http.StatusOK)
	watched(opened.Add(30 * time.Hour))
	if got := doorAlarms(w.elder.ID); len(got) != 1 {
		t.Errorf("the same quiet spell raised %d incidents, want 1", len(got))
	}
	if got := doorAlarms(father.ID); len(got) != 0 {
		t.Errorf("the door of a father living with family raised %s", compactJSON(got))
	}

	// Two days after the heartbeat, both of her devices are offline (his
	// door, registered an hour earlier and silent since, went first).
	report(button, "heartbeat", opened.Add(47*time.Hour))
	watched(opened.Add(49*time.Hour - time.Second))
	offline := func(token string) map[string]int {
		n := map[string]int{}
		for _, m := range pushesTo(fcm, token) {
			if m.Data["type"] == "home_device.offline" {
				n[m.Data["id"]]++
			}
		}
		return n
	}
	if got := len(offline(w.ownerPhone)); got != 2 {
		t.Fatalf("before two silent days: the daughter heard of %d offline devices, want the two doors: %s",
			got, describePushes(pushesTo(fcm, w.ownerPhone)))
	}
	watched(opened.Add(47*time.Hour + 48*time.Hour))
	watched(opened.Add(100 * time.Hour))
	for who, token := range map[string]string{"daughter": w.ownerPhone, "station's office": bossPhone} {
		got := offline(token)
		if len(got) != 3 {
			t.Errorf("the %s heard of %d offline devices, want 3: %s", who, len(got), describePushes(pushesTo(fcm, token)))
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("the %s heard %d times that %s went offline, want once", who, n, id)
			}
		}
	}
	if m := waitPushOf(t, fcm, w.sonPhone, "home_device.offline"); m.Notification.Title != "设备离线：王秀英" &&
		m.Notification.Title != "设备离线：王建国" {
		t.Errorf("the offline push reads %q", m.Notification.Title)
	}
}
