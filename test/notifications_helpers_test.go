package e2e_test

// Helpers for the notification stories: a server whose Firebase client
// talks to a fake FCM, the inbox as the API shows it, and the pushes the
// fake received. Like the family helpers they hide plumbing and assert
// only the steps every story depends on.

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

const (
	// pushWait bounds how long an event may take from the request that
	// records it to the fake FCM or the inbox: the relay and the worker
	// poll every 50 ms here, so this is slack for a loaded CI machine.
	pushWait = 20 * time.Second
)

// startPushServer starts kincare with pushes going to fcm and its relay
// and worker polling fast. dataDir empty means a fresh one.
func startPushServer(t *testing.T, fcm *fakefcm.Server, dataDir string, sms *smsGateway) *server {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	env := familyEnv(
		"FCM_PROJECT_ID", "kincare-e2e",
		"FCM_ENDPOINT", fcm.URL(),
		"OUTBOX_POLL_INTERVAL", "50ms",
		"JOBS_POLL_INTERVAL", "50ms",
		"PUSH_RETRY_BASE", "100ms",
		"PUSH_MAX_RETRIES", "3",
	)
	if os.Getenv("MONGODB_URI") != "" {
		// Every server's relay reads every outbox in its database: in a
		// shared one another server would hand this one's events to its
		// own worker, and their pushes to its own FCM.
		env["MONGODB_DATABASE"] = "kincare_" + strings.ReplaceAll(jobsQueue(dataDir), "-", "_")
	}
	return startServer(t, config{dataDir: dataDir, sms: sms, env: env})
}

func (p *person) put(t *testing.T, path string, body any, hdr ...string) *response {
	t.Helper()
	return p.do(t, http.MethodPut, path, body, hdr...)
}

// setLocale chooses the language p's notifications are written in.
func (p *person) setLocale(t *testing.T, locale string) {
	t.Helper()
	if got := must[me](t, p.patch(t, "/v1/me", map[string]string{"locale": locale}), http.StatusOK); got.Locale != locale {
		t.Fatalf("PATCH /v1/me locale %q answered locale %q", locale, got.Locale)
	}
}

// registerDevice is p's app announcing a push token.
func (p *person) registerDevice(t *testing.T, token, platform string) *response {
	t.Helper()
	return p.put(t, devicePath(token), map[string]string{"platform": platform, "app": "family"})
}

// addDevice registers a fresh token for p and returns it.
func (p *person) addDevice(t *testing.T, platform string) string {
	t.Helper()
	token := fcmToken()
	wantStatus(t, p.registerDevice(t, token, platform), http.StatusCreated)
	return token
}

func (p *person) deviceTokens(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, d := range p.srv.devices(t, p.access) {
		out = append(out, d.Token)
	}
	return out
}

// ---------------------------------------------------------------------------
// The inbox

type notificationView struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Category string `json:"category"`
	Urgent   bool   `json:"urgent"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Link     struct {
		Kind string `json:"kind"`
		ID   string `json:"id"`
	} `json:"link"`
	CreatedAt time.Time  `json:"createdAt"`
	Read      bool       `json:"read"`
	ReadAt    *time.Time `json:"readAt"`
}

type inboxView struct {
	Items       []notificationView `json:"items"`
	NextCursor  string             `json:"nextCursor"`
	UnreadCount int                `json:"unreadCount"`
}

// types lists the entries' types, newest first as listed.
func (in inboxView) types() []string {
	out := make([]string, len(in.Items))
	for i, n := range in.Items {
		out[i] = n.Type
	}
	return out
}

func (in inboxView) entry(id string) (notificationView, bool) {
	for _, n := range in.Items {
		if n.ID == id {
			return n, true
		}
	}
	return notificationView{}, false
}

// inbox is GET /v1/me/notifications with query (e.g. "?unread=true").
func (p *person) inbox(t *testing.T, query string) inboxView {
	t.Helper()
	return must[inboxView](t, p.get(t, "/v1/me/notifications"+query), http.StatusOK)
}

// waitNotification waits until p's inbox holds an entry of type typ and
// returns the newest such entry.
func (p *person) waitNotification(t *testing.T, typ string) notificationView {
	t.Helper()
	var found *notificationView
	waitUntil(pushWait, func() bool {
		for _, n := range p.inbox(t, "?limit=100").Items {
			if n.Type == typ {
				found = &n
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("no %s entry in the inbox within %s; inbox: %s", typ, pushWait, compactJSON(p.inbox(t, "?limit=100")))
	}
	return *found
}

// ---------------------------------------------------------------------------
// Pushes

// pushesTo is what fcm accepted for token, in arrival order.
func pushesTo(fcm *fakefcm.Server, token string) []fakefcm.Message {
	var out []fakefcm.Message
	for _, m := range fcm.Messages() {
		if m.Token == token {
			out = append(out, m)
		}
	}
	return out
}

// waitPushes waits until fcm accepted n pushes to token and returns them.
func waitPushes(t *testing.T, fcm *fakefcm.Server, token string, n int) []fakefcm.Message {
	t.Helper()
	if !waitUntil(pushWait, func() bool { return len(pushesTo(fcm, token)) >= n }) {
		t.Fatalf("%d pushes to the device within %s, want %d; all pushes: %s",
			len(pushesTo(fcm, token)), pushWait, n, describePushes(fcm.Messages()))
	}
	return pushesTo(fcm, token)
}

// wantPushCount asserts token got exactly n pushes.
func wantPushCount(t *testing.T, fcm *fakefcm.Server, token, who string, n int) {
	t.Helper()
	if got := pushesTo(fcm, token); len(got) != n {
		t.Errorf("%s got %d pushes, want %d: %s", who, len(got), n, describePushes(got))
	}
}

// wantPush asserts what the phone shows and where tapping it leads;
// data holds the keys to check (kind, id, type), and every push must
// carry a notificationId.
func wantPush(t *testing.T, m fakefcm.Message, title, body string, data map[string]string) {
	t.Helper()
	if m.Notification.Title != title || m.Notification.Body != body {
		t.Errorf("push shows %q / %q, want %q / %q", m.Notification.Title, m.Notification.Body, title, body)
	}
	for k, v := range data {
		if m.Data[k] != v {
			t.Errorf("push data[%q] = %q, want %q (data %v)", k, m.Data[k], v, m.Data)
		}
	}
	if m.Data["notificationId"] == "" {
		t.Errorf("push data has no notificationId: %v", m.Data)
	}
	if m.Project != "kincare-e2e" {
		t.Errorf("push sent to project %q, want FCM_PROJECT_ID kincare-e2e", m.Project)
	}
}

var (
	queueGauge = regexp.MustCompile(`(?m)^kincare_job_queue_tasks\{state="(\w+)"\} (\S+)$`)
	queueBusy  = map[string]bool{"pending": true, "active": true, "retry": true}
)

// waitJobsIdle waits until s's job queue holds no task pending, running
// or waiting to retry: every event handed on so far has been delivered
// and every push due by now has been tried. Scheduled tasks (reminders,
// pushes deferred by quiet hours) may still wait. An event still in an
// aggregate's outbox is not in the queue yet, so this settles only what a
// story has already seen arrive (an inbox entry, a push).
func (s *server) waitJobsIdle(t *testing.T) {
	t.Helper()
	s.waitQueueIdle(t, false)
}

// waitQueueIdle waits until the queue's metrics show no task pending,
// running or waiting to retry. A queue the metrics do not list (none
// yet, or a flushed Redis) counts as idle only if absentIsIdle.
func (s *server) waitQueueIdle(t *testing.T, absentIsIdle bool) {
	t.Helper()
	s.waitQueueIdleWithin(t, absentIsIdle, pushWait)
}

// waitQueueIdleWithin is waitQueueIdle with its own patience.
func (s *server) waitQueueIdleWithin(t *testing.T, absentIsIdle bool, patience time.Duration) {
	t.Helper()
	var last string
	idle := waitUntil(patience, func() bool {
		r := s.get(t, "/metrics")
		if r.status != http.StatusOK {
			last = r.String()
			return false
		}
		states := queueGauge.FindAllStringSubmatch(string(r.body), -1)
		last = compactJSON(states)
		for _, m := range states {
			if queueBusy[m[1]] && m[2] != "0" {
				return false
			}
		}
		return absentIsIdle || len(states) > 0
	})
	if !idle {
		t.Fatalf("the job queue is not idle after %s: %s", patience, last)
	}
}

// describePushes renders pushes for failure messages, tokens shortened.
func describePushes(ms []fakefcm.Message) string {
	type brief struct {
		Token, Title, Body string
		Data               map[string]string
	}
	out := make([]brief, len(ms))
	for i, m := range ms {
		out[i] = brief{Token: m.Token[:12] + "…", Title: m.Notification.Title, Body: m.Notification.Body, Data: m.Data}
	}
	return compactJSON(out)
}
