package e2e_test

// Helpers for the community-care stories: a server whose escalation
// ladders run on a clock the test moves (KINCARE_TEST_CLOCK_FILE), and
// the people an alarm reaches — a family, a community station with a
// worker on duty, an emergency contact without the app, an operator.

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

// ladderClock is the file a server's ladders read the time from.
type ladderClock struct {
	path string
	now  time.Time
}

func newLadderClock(t *testing.T, at time.Time) *ladderClock {
	t.Helper()
	c := &ladderClock{path: filepath.Join(t.TempDir(), "clock")}
	c.set(t, at)
	return c
}

func (c *ladderClock) set(t *testing.T, at time.Time) {
	t.Helper()
	c.now = at
	if err := os.WriteFile(c.path, []byte(at.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// tonightAt is hh:mm tonight in Shanghai (today's date there).
func tonightAt(hh, mm int) time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// careWorld is everyone an alarm about one elder may reach.
type careWorld struct {
	srv      *server
	admin    *person
	owner    *person // the daughter who owns the family
	son      *person
	family   familyView
	elder    elderView
	home     point
	station  providerView
	boss     *person // the station's admin
	worker   *person // on emergency duty at the station
	operator *person
	contact  phone // an emergency contact without the app
	// Push tokens of each person's phone.
	ownerPhone, sonPhone, workerPhone, operatorPhone string
}

// careEnv is what a community-care server needs: pushes to fcm, a
// ladder clock in clockFile, fast polls, and a platform admin.
func careEnv(fcm *fakefcm.Server, clockFile, adminPhone, dataDir string, extra ...string) map[string]string {
	env := familyEnv(append([]string{"ADMIN_PHONES", adminPhone,
		"FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL(),
		"OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms",
		"KINCARE_TEST_CLOCK_FILE", clockFile, "INCIDENT_POLL_INTERVAL", "50ms",
		// Only the lost-timer check may find a flushed Redis's timers.
		"INCIDENT_RESYNC_INTERVAL", "10m"}, extra...)...)
	if os.Getenv("MONGODB_URI") != "" {
		// As startPushServer: a relay reads every outbox in its database.
		env["MONGODB_DATABASE"] = "kincare_" + strings.ReplaceAll(jobsQueue(dataDir), "-", "_")
	}
	return env
}

// newCareWorld starts a server and sets up the family of an elder who
// lives alone, a verified community station serving her home with a
// worker on duty, and an operator, each with a phone.
func newCareWorld(t *testing.T, fcm *fakefcm.Server, clock *ladderClock, dataDir string, extra ...string) *careWorld {
	t.Helper()
	return newCareWorldOf(t, "", fcm, clock, dataDir, extra...)
}

// newCareWorldOf is newCareWorld on the kincare binary bin (empty: the
// one the tests built).
func newCareWorldOf(t *testing.T, bin string, fcm *fakefcm.Server, clock *ladderClock, dataDir string,
	extra ...string) *careWorld {
	t.Helper()
	adminPhone := newPhone()
	srv := startServer(t, config{dataDir: dataDir, bin: bin,
		env: careEnv(fcm, clock.path, adminPhone.national, dataDir, extra...)})
	w := &careWorld{srv: srv, admin: srv.loginExisting(t, adminPhone), home: randomPlace(), contact: newPhone()}

	w.operator = srv.signUp(t)
	wantStatus(t, w.admin.put(t, "/v1/users/"+w.operator.id+"/roles",
		map[string][]string{"roles": {"operator"}}), http.StatusOK)
	w.operatorPhone = w.operator.addDevice(t, "android")

	w.boss = srv.signUp(t)
	w.station = w.boss.register(t, providerBody(uniqueName("漕河泾街道养老服务站"), w.home.offset(800, 300), 3,
		newPhone(), nil))
	w.admin.verify(t, w.station.ID)
	w.worker = w.boss.hireStaff(t, w.station.ID, "provider_staff")
	w.workerPhone = w.worker.addDevice(t, "android")
	wantStatus(t, w.boss.put(t, "/v1/providers/"+w.station.ID+"/duty",
		map[string][]string{"userIds": {w.worker.id}}), http.StatusOK)

	w.owner = srv.signUp(t)
	w.family = w.owner.createFamily(t, uniqueName("王家"))
	w.son = srv.signUp(t)
	w.son.join(t, w.owner, w.family.ID, "member")
	w.ownerPhone = w.owner.addDevice(t, "ios")
	w.sonPhone = w.son.addDevice(t, "ios")
	w.elder = w.owner.addElder(t, w.family.ID, elderBody("王秀英", map[string]any{
		"address": address(w.home.lat, w.home.lng), "living": "alone",
		"emergencyContacts": []map[string]string{{"name": "李阿姨", "relation": "邻居", "phone": w.contact.national}},
	}))
	return w
}

// restartOn stops the world's server and starts another on the same data
// directory; everyone's requests go to the new one.
func (w *careWorld) restartOn(t *testing.T, fcm *fakefcm.Server, clock *ladderClock, dataDir string, extra ...string) {
	t.Helper()
	w.srv.stop(t)
	if t.Failed() {
		t.FailNow()
	}
	srv := startServer(t, config{dataDir: dataDir, sms: w.srv.sms,
		env: careEnv(fcm, clock.path, w.admin.phone.national, dataDir, extra...)})
	for _, p := range []*person{w.admin, w.owner, w.son, w.boss, w.worker, w.operator} {
		p.srv = srv
	}
	w.srv = srv
}

// incidentView is an incident as the API shows it.
type incidentView struct {
	ID             string     `json:"id"`
	ElderID        string     `json:"elderId"`
	Kind           string     `json:"kind"`
	Status         string     `json:"status"`
	Rung           int        `json:"rung"`
	DueAt          *time.Time `json:"dueAt"`
	RaisedAt       time.Time  `json:"raisedAt"`
	AcknowledgedBy string     `json:"acknowledgedBy"`
	AcknowledgedAt *time.Time `json:"acknowledgedAt"`
	Outcome        string     `json:"outcome"`
	Merged         bool       `json:"merged"`
	SMSPending     int        `json:"smsPending"`
	You            struct {
		Role string `json:"role"`
		Rung int    `json:"rung"`
	} `json:"you"`
	Responders []responderView `json:"responders"`
	Timeline   []timelineEntry `json:"timeline"`
	Elder      struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Address *struct {
			Detail string  `json:"detail"`
			Lat    float64 `json:"lat"`
		} `json:"address"`
		Conditions        []string `json:"conditions"`
		EmergencyContacts []struct {
			Phone string `json:"phone"`
		} `json:"emergencyContacts"`
	} `json:"elder"`
}

type responderView struct {
	UserID     string `json:"userId"`
	Rung       int    `json:"rung"`
	Role       string `json:"role"`
	ProviderID string `json:"providerId"`
}

type timelineEntry struct {
	At      time.Time `json:"at"`
	Type    string    `json:"type"`
	By      string    `json:"by"`
	Role    string    `json:"role"`
	Rung    int       `json:"rung"`
	Note    string    `json:"note"`
	Outcome string    `json:"outcome"`
	Called  *int      `json:"called"`
	Texted  *int      `json:"texted"`
}

// steps are the timeline's entry types, in order, rungs spelled out.
func (v incidentView) steps() []string {
	out := make([]string, len(v.Timeline))
	for i, e := range v.Timeline {
		out[i] = e.Type
		if e.Type == "rung_called" {
			out[i] += "(" + string(rune('0'+e.Rung)) + ")"
		}
	}
	return out
}

func (p *person) sos(t *testing.T, elderID string, body any) *response {
	t.Helper()
	return p.post(t, "/v1/elders/"+elderID+"/sos", body)
}

func (p *person) incident(t *testing.T, id string) incidentView {
	t.Helper()
	return must[incidentView](t, p.get(t, "/v1/incidents/"+id), http.StatusOK)
}

// pushTypeCount counts pushes of type typ to token.
func pushTypeCount(fcm *fakefcm.Server, token, typ string) int {
	n := 0
	for _, m := range pushesTo(fcm, token) {
		if m.Data["type"] == typ {
			n++
		}
	}
	return n
}

// alertTexts are the incident texts the gateway got for phone.
func alertTexts(g *smsGateway, ph phone) int {
	n := 0
	for _, m := range g.messages(ph.e164) {
		if m.Template == "incident_alert" {
			n++
		}
	}
	return n
}
