package e2e_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/test/fakefcm"
)

// vendor is a device vendor's platform as kincare knows it.
type vendor struct {
	name string
	key  []byte
}

func newVendor(name string) vendor {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return vendor{name: name, key: key}
}

func vendorKeys(vs ...vendor) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ","
		}
		s += v.name + "=" + hex.EncodeToString(v.key)
	}
	return s
}

// post sends an event signed at ts with key (the vendor's own unless
// another is given).
func (v vendor) post(t *testing.T, srv *server, body map[string]any, ts time.Time, key []byte) *response {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	if key == nil {
		key = v.key
	}
	return srv.post(t, "/v1/device-events", raw, "X-Kincare-Vendor", v.name,
		"X-Kincare-Timestamp", stamp, "X-Kincare-Signature", homedevice.Sign(key, stamp, raw))
}

type deviceEventAnswer struct {
	EventID    string `json:"eventId"`
	Duplicate  bool   `json:"duplicate"`
	IncidentID string `json:"incidentId"`
}

// TestAFallDetectorRaisesAnIncidentOnce: a family registers a fall
// detector for the mother who lives alone; the vendor's platform reports
// a fall, signed; the family is called at once. The same event again (a
// retry, or a replay) stores nothing and raises nothing; events with a
// wrong signature, another vendor's key, an old or future timestamp are
// refused and counted; a device of another family's elder cannot be
// registered.
func TestAFallDetectorRaisesAnIncidentOnce(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	clock := newLadderClock(t, time.Now())
	anxin, other := newVendor("anxin"), newVendor("huijia")
	w := newCareWorld(t, fcm, clock, t.TempDir(), "DEVICE_VENDOR_KEYS", vendorKeys(anxin, other))

	serial := "FD-" + strconv.FormatInt(randInt(1_000_000_000), 10)
	dev := must[homeDeviceView](t, w.owner.post(t, "/v1/elders/"+w.elder.ID+"/home-devices",
		map[string]string{"kind": "fall_detector", "vendor": "anxin", "serial": serial}), http.StatusCreated)
	if dev.ID != "anxin:"+serial || dev.ElderID != w.elder.ID {
		t.Fatalf("registered %s", compactJSON(dev))
	}
	wantProblem(t, w.son.post(t, "/v1/elders/"+w.elder.ID+"/home-devices",
		map[string]string{"kind": "fall_detector", "vendor": "anxin", "serial": serial}), http.StatusConflict,
		"home_device_exists")
	p := wantProblem(t, w.owner.post(t, "/v1/elders/"+w.elder.ID+"/home-devices",
		map[string]string{"kind": "door_sensor", "vendor": "nobody", "serial": "X1"}), http.StatusUnprocessableEntity,
		"home_device_invalid")
	wantFieldCode(t, p, "/vendor", "unknown_vendor")
	stranger := w.srv.signUp(t)
	theirs := stranger.addElder(t, stranger.createFamily(t, uniqueName("李家")).ID, elderBody("李桂兰", nil))
	wantProblem(t, w.owner.post(t, "/v1/elders/"+theirs.ID+"/home-devices",
		map[string]string{"kind": "fall_detector", "vendor": "anxin", "serial": serial + "-2"}), http.StatusNotFound,
		"elder_not_found")
	wantProblem(t, w.owner.get(t, "/v1/elders/"+theirs.ID+"/home-devices"), http.StatusNotFound, "elder_not_found")

	fall := map[string]any{"eventId": "ev-" + serial, "serial": serial, "type": "fall",
		"occurredAt": time.Now().UTC().Format(time.RFC3339)}
	first := must[deviceEventAnswer](t, anxin.post(t, w.srv, fall, time.Now(), nil), http.StatusOK)
	if first.Duplicate || first.IncidentID == "" {
		t.Fatalf("the first fall: %s", compactJSON(first))
	}
	waitPushOf(t, fcm, w.ownerPhone, "incident.raised")
	again := must[deviceEventAnswer](t, anxin.post(t, w.srv, fall, time.Now(), nil), http.StatusOK)
	if !again.Duplicate || again.IncidentID != "" {
		t.Fatalf("the same event again: %s", compactJSON(again))
	}
	inc := w.owner.incident(t, first.IncidentID)
	if inc.Kind != "fall" || len(inc.Timeline) != 2 || inc.Timeline[0].Type != "raised" {
		t.Fatalf("the fall's incident: %s", compactJSON(inc))
	}

	// Refused: a wrong signature, another vendor's key, a stale or future
	// timestamp, an unknown vendor; none is stored or raises anything.
	bad := map[string]any{"eventId": "ev-bad-" + serial, "serial": serial, "type": "smoke"}
	wrongKey := make([]byte, 32)
	wantProblem(t, anxin.post(t, w.srv, bad, time.Now(), wrongKey), http.StatusUnauthorized, "device_signature_invalid")
	wantProblem(t, anxin.post(t, w.srv, bad, time.Now(), other.key), http.StatusUnauthorized, "device_signature_invalid")
	wantProblem(t, anxin.post(t, w.srv, bad, time.Now().Add(-6*time.Minute), nil), http.StatusUnauthorized,
		"device_signature_expired")
	wantProblem(t, anxin.post(t, w.srv, bad, time.Now().Add(6*time.Minute), nil), http.StatusUnauthorized,
		"device_signature_expired")
	wantProblem(t, vendor{name: "nobody", key: anxin.key}.post(t, w.srv, bad, time.Now(), nil),
		http.StatusUnauthorized, "device_signature_invalid")
	wantProblem(t, other.post(t, w.srv, bad, time.Now(), nil), http.StatusNotFound, "home_device_not_found")

	w.srv.waitJobsIdle(t)
	if n := pushTypeCount(fcm, w.ownerPhone, "incident.raised"); n != 1 {
		t.Errorf("the daughter was called %d times, want 1", n)
	}
	list := must[listPage[incidentView]](t, w.owner.get(t, "/v1/elders/"+w.elder.ID+"/incidents"), http.StatusOK)
	if len(list.Items) != 1 {
		t.Errorf("%d incidents, want the fall's alone", len(list.Items))
	}
	metrics := string(w.srv.get(t, "/metrics").body)
	for outcome, n := range map[string]string{"accepted": "1", "duplicate": "1", "bad_signature": "3", "stale": "2",
		"unknown_device": "1"} {
		want := `kincare_device_events_total{outcome="` + outcome + `"} ` + n
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	devs := must[listPage[homeDeviceView]](t, w.son.get(t, "/v1/elders/"+w.elder.ID+"/home-devices"), http.StatusOK)
	if len(devs.Items) != 1 {
		t.Fatalf("devices: %s", compactJSON(devs))
	}
	wantProblem(t, stranger.del(t, "/v1/home-devices/"+dev.ID), http.StatusNotFound, "home_device_not_found")
	wantStatus(t, w.son.del(t, "/v1/home-devices/"+dev.ID), http.StatusNoContent)
}

type homeDeviceView struct {
	ID         string    `json:"id"`
	ElderID    string    `json:"elderId"`
	Kind       string    `json:"kind"`
	LastSeenAt time.Time `json:"lastSeenAt"`
}

// TestARemovedElderTakesHerDevicesAlong: the daughter removes her
// mother, who had a door sensor and a ladder of her own; the vendor's
// next event for the sensor finds no device (nothing raised for an
// elder nobody sees), and the serial can be registered again, for
// another elder.
func TestARemovedElderTakesHerDevicesAlong(t *testing.T) {
	t.Parallel()
	fcm := fakefcm.Start(t)
	clock := newLadderClock(t, time.Now())
	anxin := newVendor("anxin")
	w := newCareWorld(t, fcm, clock, t.TempDir(), "DEVICE_VENDOR_KEYS", vendorKeys(anxin))
	mother := w.owner.addElder(t, w.family.ID, elderBody("刘桂芳", nil))
	wantStatus(t, w.owner.put(t, "/v1/elders/"+mother.ID+"/ladder",
		map[string]any{"familyWaitMinutes": 3, "nearbyWaitMinutes": 4}), http.StatusOK)
	serial := "DS-" + strconv.FormatInt(randInt(1_000_000_000), 10)
	wantStatus(t, w.owner.post(t, "/v1/elders/"+mother.ID+"/home-devices",
		map[string]string{"kind": "door_sensor", "vendor": "anxin", "serial": serial}), http.StatusCreated)
	event := func(id string) map[string]any {
		return map[string]any{"eventId": id, "serial": serial, "type": "door_open",
			"occurredAt": time.Now().UTC().Format(time.RFC3339)}
	}
	wantStatus(t, anxin.post(t, w.srv, event("ev-1-"+serial), time.Now(), nil), http.StatusOK)

	wantStatus(t, w.owner.del(t, "/v1/elders/"+mother.ID), http.StatusNoContent)
	wantProblem(t, anxin.post(t, w.srv, event("ev-2-"+serial), time.Now(), nil), http.StatusNotFound,
		"home_device_not_found")
	wantStatus(t, w.owner.post(t, "/v1/elders/"+w.elder.ID+"/home-devices",
		map[string]string{"kind": "door_sensor", "vendor": "anxin", "serial": serial}), http.StatusCreated)
}
