package e2e_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Views of the class API, as a client reads them.

type classSessionView struct {
	ID       string `json:"id"`
	CourseID string `json:"courseId"`
	Format   string `json:"format"`
	Window   struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"window"`
	Status               string    `json:"status"`
	Seats                int       `json:"seats"`
	Booked               int       `json:"booked"`
	Remaining            int       `json:"remaining"`
	Waiting              int       `json:"waiting"`
	BookingClosesAt      time.Time `json:"bookingClosesAt"`
	CancellationCutoffAt time.Time `json:"cancellationCutoffAt"`
	DistanceMetres       *float64  `json:"distanceMetres"`
	JoinLink             *string   `json:"joinLink"`
	CheckInCode          *string   `json:"checkInCode"`
}

type classBookingView struct {
	ID        string `json:"id"`
	SessionID string `json:"sessionId"`
	BookedBy  string `json:"bookedBy"`
	Status    string `json:"status"`
	Window    struct {
		Start time.Time `json:"start"`
	} `json:"window"`
}

type courseView struct {
	ID     string `json:"id"`
	Seats  int    `json:"seats"`
	Format string `json:"format"`
}

// ---------------------------------------------------------------------------
// A clock the test moves.

// offsetClock is the file a server's clock reads its offset from
// (KINCARE_TEST_CLOCK_OFFSET_FILE): the test moves the server's time forward
// by rewriting it, and the server sees the new time in its next request.
type offsetClock struct {
	path   string
	offset time.Duration
	at     time.Time // where the clock stands; zero while it runs
}

func newOffsetClock(t *testing.T) *offsetClock {
	t.Helper()
	c := &offsetClock{path: filepath.Join(t.TempDir(), "clock")}
	c.set(t, 0)
	return c
}

func (c *offsetClock) set(t *testing.T, offset time.Duration) {
	t.Helper()
	c.write(t, offset.String())
	c.offset, c.at = offset, time.Time{}
}

func (c *offsetClock) write(t *testing.T, content string) {
	t.Helper()
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		t.Fatal(err)
	}
}

// now is the server's time.
func (c *offsetClock) now() time.Time {
	if !c.at.IsZero() {
		return c.at
	}
	return time.Now().Add(c.offset)
}

// moveTo sets the server's time to at (never backwards), and lets it run
// from there.
func (c *offsetClock) moveTo(t *testing.T, at time.Time) {
	t.Helper()
	if now := c.now(); at.Before(now) {
		t.Fatalf("the clock would go back by %s", now.Sub(at))
	}
	c.set(t, time.Until(at))
}

// standAt stops the server's clock at at (never backwards) until the next
// move: "a second before the cutoff" stays a second before however slowly
// a loaded machine answers.
func (c *offsetClock) standAt(t *testing.T, at time.Time) {
	t.Helper()
	if now := c.now(); at.Before(now) {
		t.Fatalf("the clock would go back by %s", now.Sub(at))
	}
	c.write(t, at.UTC().Format(time.RFC3339Nano))
	c.offset, c.at = time.Until(at), at
}

// stop stands the server's clock still where it is, and returns that
// instant.
func (c *offsetClock) stop(t *testing.T) time.Time {
	t.Helper()
	at := c.now()
	c.write(t, at.UTC().Format(time.RFC3339Nano))
	c.offset, c.at = time.Until(at), at
	return at
}

// ---------------------------------------------------------------------------
// Setting up an organiser, its course and sessions.

// startClassServer starts kincare with a platform admin, the clock's
// file, waitlists swept every second, and extra variables.
func startClassServer(t *testing.T, clk *offsetClock, dataDir string, extra ...string) (*server, *person) {
	t.Helper()
	adminPhone := newPhone()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	env := familyEnv(append([]string{"ADMIN_PHONES", adminPhone.national, "KINCARE_TEST_CLOCK_OFFSET_FILE", clk.path,
		"RESERVATION_SWEEP_INTERVAL", "1s", "OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms",
		"USER_CACHE_TTL", "1m"}, extra...)...)
	if os.Getenv("MONGODB_URI") != "" {
		env["MONGODB_DATABASE"] = "kincare_" + strings.ReplaceAll(jobsQueue(dataDir), "-", "_")
	}
	srv := startServer(t, config{dataDir: dataDir, env: env})
	return srv, srv.loginExisting(t, adminPhone)
}

// classOrganizer registers a class organiser (父母课堂) run by owner and
// has the platform verify it.
func (owner *person) classOrganizer(t *testing.T, platform *person) providerView {
	t.Helper()
	name := uniqueName("静安父母课堂")
	prov := owner.register(t, providerBody(name, point{lat: 31.2304, lng: 121.4737}, 5, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "class_organizer", "number": "沪教培2026第" + name[len(name)-6:] + "号"}},
	}))
	platform.verify(t, prov.ID)
	return prov
}

// courseBody is an offline course on infant sleep for parents of
// children of 0–12 months at a venue in Jing'an.
func courseBody(seats int, change map[string]any) map[string]any {
	b := map[string]any{
		"title":       map[string]string{"zhCN": "婴儿睡眠指导", "en": "Infant sleep"},
		"description": map[string]string{"zhCN": "如何帮助宝宝建立睡眠规律。"},
		"topics":      []string{"sleep", "early_development"},
		"audience":    map[string]any{"kind": "parents", "minMonths": 0, "maxMonths": 12},
		"format":      "offline",
		"venue":       address(31.2304, 121.4737),
		"speaker":     map[string]string{"name": "李医生", "title": "儿童保健科主任医师"},
		"seats":       seats, "bookingClosesMinutes": 60, "cancellationCutoffMinutes": 120, "offerMinutes": 15,
	}
	for k, v := range change {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

func (owner *person) course(t *testing.T, providerID string, body map[string]any) courseView {
	t.Helper()
	return must[courseView](t, owner.post(t, "/v1/providers/"+providerID+"/courses", body), http.StatusCreated)
}

// schedule makes a session of courseID from start for 90 minutes.
func (owner *person) schedule(t *testing.T, courseID string, start time.Time, change map[string]any) classSessionView {
	t.Helper()
	body := map[string]any{"start": start.UTC().Format(time.RFC3339), "end": start.Add(90 * time.Minute).UTC().Format(time.RFC3339)}
	for k, v := range change {
		body[k] = v
	}
	return must[classSessionView](t, owner.post(t, "/v1/courses/"+courseID+"/sessions", body), http.StatusCreated)
}

func (p *person) bookSeat(t *testing.T, sessionID, key string) *response {
	t.Helper()
	return p.post(t, "/v1/sessions/"+sessionID+"/bookings", nil, "Idempotency-Key", key)
}

// acceptOffer books the seat the waitlist offered p, named in the offer
// notification's link.
func (p *person) acceptOffer(t *testing.T, sessionID string, offer notificationView) *response {
	t.Helper()
	if offer.Link.Kind != "hold" {
		t.Fatalf("the offer links to a %s, want a hold", offer.Link.Kind)
	}
	return p.post(t, "/v1/sessions/"+sessionID+"/bookings", map[string]string{"offerId": offer.Link.ID},
		"Idempotency-Key", "accept-"+offer.Link.ID)
}

func (p *person) session(t *testing.T, sessionID string) classSessionView {
	t.Helper()
	return must[classSessionView](t, p.get(t, "/v1/sessions/"+sessionID), http.StatusOK)
}

// countOf counts p's inbox entries of a type.
func (p *person) countOf(t *testing.T, typ string) int {
	t.Helper()
	n := 0
	for _, e := range p.inbox(t, "?limit=100").Items {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// waitCount waits until each person's inbox holds n entries of typ.
func waitCount(t *testing.T, people []*person, typ string, n int) {
	t.Helper()
	for _, p := range people {
		if !waitUntil(pushWait, func() bool { return p.countOf(t, typ) >= n }) {
			t.Fatalf("%s has %d %s entries within %s, want %d", p.id, p.countOf(t, typ), typ, pushWait, n)
		}
	}
}

// wantCount asserts each person's inbox holds exactly n entries of typ.
func wantCount(t *testing.T, people []*person, typ string, n int) {
	t.Helper()
	for _, p := range people {
		if got := p.countOf(t, typ); got != n {
			t.Errorf("%s has %d %s entries, want %d", p.id, got, typ, n)
		}
	}
}

// startOfMinute is a session start: whole minutes, ahead by d.
func startOfMinute(from time.Time, d time.Duration) time.Time {
	return from.Add(d).Truncate(time.Minute)
}
