package e2e_test

// Rows: community care. An elder's alarms and devices are the elder's
// family's; an incident is also theirs whom a later rung called (none in
// the world: its one incident was closed by the family before rung 2).
// The steps of an incident are asked of a closed one, so they are
// answered (409) only past every check of who may act. A duty roster is
// its provider's admins'. Vendors' events carry no token: the signature
// headers are the credentials, and without them the contract refuses
// the request whoever sends it; signed, anyone may relay it.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/homedevice"
)

// worldVendor is the home-device vendor the world's server knows.
const worldVendor = "worldvendor"

func communityRows(w *world) []row {
	ok, nf, conflict := http.StatusOK, http.StatusNotFound, http.StatusConflict
	elder, inc := "/v1/elders/"+w.elderA, "/v1/incidents/"+w.incidentClosed
	return []row{
		// Each SOS is for an elder of its own, so none merges into another.
		{op: "raiseSOS", each: func(t *testing.T, w *world) fixture {
			e := w.who(famA).addElder(t, w.famA, elderBody("王秀兰", map[string]any{"address": address(w.homeA.lat, w.homeA.lng)}))
			return fixture{path: "/v1/elders/" + e.ID + "/sos", body: map[string]string{"note": "按下了紧急按钮"}}
		}, want: who{famA: http.StatusCreated, famA2: http.StatusCreated}, others: nf},
		{op: "listElderIncidents", fixture: fixture{path: elder + "/incidents"}, want: who{famA: ok, famA2: ok}, others: nf},
		// Staff serving the elder: provider A is a station covering
		// family A's home. Each alarm is for an elder of its own, with no
		// order, so no caregiver is on one for her.
		{op: "raiseStaffIncident", each: func(t *testing.T, w *world) fixture {
			e := w.who(famA).addElder(t, w.famA, elderBody("王秀珍", map[string]any{"address": address(w.homeA.lat, w.homeA.lng)}))
			return fixture{path: "/v1/elders/" + e.ID + "/incidents", body: map[string]string{"kind": "fall", "note": "上门时发现老人摔倒"}}
		}, want: who{provA: http.StatusCreated, officeA: http.StatusCreated}, others: nf},
		{op: "getElderLadder", fixture: fixture{path: elder + "/ladder"}, want: who{famA: ok, famA2: ok}, others: nf},
		// The default's waits, so nothing other rows see changes.
		{op: "setElderLadder", fixture: fixture{path: elder + "/ladder",
			body: map[string]int{"familyWaitMinutes": 2, "nearbyWaitMinutes": 5}},
			want: who{famA: ok, famA2: http.StatusForbidden}, others: nf},
		{op: "listMyIncidents", fixture: fixture{path: "/v1/me/incidents?live=true"}, others: ok},
		{op: "getIncident", fixture: fixture{path: inc}, want: who{famA: ok, famA2: ok}, others: nf},
		{op: "acknowledgeIncident", fixture: fixture{path: inc + "/acknowledge"},
			want: who{famA: conflict, famA2: conflict}, others: nf},
		{op: "addIncidentNote", fixture: fixture{path: inc + "/notes", body: map[string]string{"text": "已电话联系"}},
			want: who{famA: conflict, famA2: conflict}, others: nf},
		{op: "resolveIncident", fixture: fixture{path: inc + "/resolve", body: map[string]string{"outcome": "false_alarm"}},
			want: who{famA: conflict, famA2: conflict}, others: nf},
		{op: "closeIncident", fixture: fixture{path: inc + "/close"}, want: who{famA: conflict, famA2: conflict}, others: nf},
		// An empty roster: setting it changes nothing the other rows see.
		{op: "setProviderDuty", fixture: fixture{path: "/v1/providers/" + w.provA + "/duty",
			body: map[string][]string{"userIds": {}}}, want: who{provA: ok}, others: http.StatusForbidden},
		// A serial registered already: 409, past the check of who may.
		// Provider A serves elder A (a station covering her home, with
		// open orders for her): its admin and office manage her devices.
		{op: "registerHomeDevice", fixture: fixture{path: elder + "/home-devices",
			body: map[string]string{"kind": "door_sensor", "vendor": worldVendor, "serial": "WORLD-1"}},
			want: who{famA: conflict, famA2: conflict, provA: conflict, officeA: conflict}, others: nf},
		{op: "listHomeDevices", fixture: fixture{path: elder + "/home-devices"},
			want: who{famA: ok, famA2: ok, provA: ok, officeA: ok}, others: nf},
		{op: "removeHomeDevice", fresh: func(t *testing.T, w *world) fixture {
			serial := "WORLD-" + strconv.FormatInt(randInt(1_000_000_000), 10)
			wantStatus(t, w.who(famA).post(t, "/v1/elders/"+w.elderA+"/home-devices",
				map[string]string{"kind": "door_sensor", "vendor": worldVendor, "serial": serial}), http.StatusCreated)
			return fixture{path: "/v1/home-devices/" + worldVendor + ":" + serial}
		}, want: who{famA: http.StatusNoContent, famA2: http.StatusNoContent, provA: http.StatusNoContent,
			officeA: http.StatusNoContent}, others: nf},
		// Signed by the vendor, whoever sends it: the token is ignored.
		// The same event each time, so all but the first are duplicates.
		{op: "postDeviceEvent", each: func(t *testing.T, w *world) fixture {
			body := []byte(`{"eventId":"world-e1","serial":"WORLD-1","type":"heartbeat"}`)
			stamp := strconv.FormatInt(time.Now().Unix(), 10)
			return fixture{path: "/v1/device-events", body: json.RawMessage(body), header: []string{"X-Kincare-Vendor", worldVendor,
				"X-Kincare-Timestamp", stamp, "X-Kincare-Signature", homedevice.Sign(w.vendorKey, stamp, body)}}
		}, others: ok, anon: ok},
	}
}

// closedIncident is an SOS family A raised for elder A, resolved as a
// false alarm and closed; it also leaves elder A with a device, WORLD-1.
func (w *world) closedIncident(t *testing.T) string {
	t.Helper()
	fa := w.who(famA)
	wantStatus(t, fa.post(t, "/v1/elders/"+w.elderA+"/home-devices",
		map[string]string{"kind": "door_sensor", "vendor": worldVendor, "serial": "WORLD-1"}), http.StatusCreated)
	inc := must[incidentView](t, fa.post(t, "/v1/elders/"+w.elderA+"/sos", nil), http.StatusCreated)
	wantStatus(t, fa.post(t, "/v1/incidents/"+inc.ID+"/resolve", map[string]string{"outcome": "false_alarm"}), http.StatusOK)
	wantStatus(t, fa.post(t, "/v1/incidents/"+inc.ID+"/close", nil), http.StatusOK)
	return inc.ID
}
