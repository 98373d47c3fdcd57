package http

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/idempotency"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/test/testenv"
)

// holdDesk stands in for a create handler: it counts its runs, answers
// 201 with a Location, and can be told to fail or to block.
type holdDesk struct {
	runs       atomic.Int32
	failNext   atomic.Bool
	rejectNext atomic.Bool
	gate       chan struct{} // when non-nil, each run waits for it
	started    chan struct{}
}

func (d *holdDesk) create(c *fiber.Ctx) error {
	n := d.runs.Add(1)
	if d.started != nil {
		d.started <- struct{}{}
	}
	if d.gate != nil {
		<-d.gate
	}
	time.Sleep(20 * time.Millisecond) // long enough for concurrent retries to overlap
	if d.failNext.CompareAndSwap(true, false) {
		return errors.New("mongo: connection reset")
	}
	if d.rejectNext.CompareAndSwap(true, false) {
		return fault.New(fault.Conflict, "slot_full")
	}
	id := fmt.Sprintf("h%d", n)
	c.Set(fiber.HeaderLocation, "/v1/holds/"+id)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": id, "slotId": c.Params("slotId"), "request": json.RawMessage(c.Body())})
}

// testUser is the throwaway apps' authentication: the caller says who
// they are.
func testUser(c *fiber.Ctx) error {
	if u := c.Get("X-Test-User"); u != "" {
		c.Locals(localActor, actor.Actor{UserID: u})
		return c.Next()
	}
	return fault.ErrUnauthenticated
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// someone names a user of this test run only: keys live 24 h, and tests
// may share a real Redis across runs.
func someone(name string) string { return name + "-" + rand.Text() }

func newTestApp() *fiber.App {
	return fiber.New(fiber.Config{ErrorHandler: errorHandler(quietLog), Immutable: true, DisableStartupMessage: true})
}

// serve runs app on a real listener, so requests are truly concurrent.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// holdApp is a throwaway app with one idempotent route, built by hand.
func holdApp(t *testing.T, o idempotency.Options) (base string, desk *holdDesk, mini interface{ FastForward(time.Duration) }) {
	rdb, m := testenv.Redis(t)
	g := idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quietLog, o)
	desk = &holdDesk{}
	app := newTestApp()
	app.Use(requestIDMiddleware)
	const route = "/v1/slots/{slotId}/holds"
	app.Post(fiberPath(route), markRoute(route), testUser, idempotent(g, "createHold", route), desk.create)
	if m != nil {
		mini = m
	}
	return serve(t, app), desk, mini
}

type reply struct {
	status   int
	body     string
	location string
	replayed bool
	code     string
	header   http.Header
}

func post(t *testing.T, url, user, key, body string) reply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return reply{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"),
		replayed: resp.Header.Get(headerReplayed) == "true", header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), problemJSON) {
		var p Problem
		_ = json.Unmarshal(b, &p)
		r.code = p.Code
	}
	return r
}

// Fifty taps on "reserve" reach the server at once: the handler runs
// once, one answer is the original and 49 are its replays.
func TestFiftyConcurrentRequestsRunTheHandlerOnce(t *testing.T) {
	base, desk, _ := holdApp(t, idempotency.Options{})
	mother := someone("mother")
	url := base + "/v1/slots/s1/holds"
	replies := make([]reply, 50)
	var wg sync.WaitGroup
	for i := range replies {
		wg.Go(func() { replies[i] = post(t, url, mother, "tap-1", `{"childId":"c1"}`) })
	}
	wg.Wait()
	if n := desk.runs.Load(); n != 1 {
		t.Fatalf("handler ran %d times; want once", n)
	}
	replayed := 0
	for i, r := range replies {
		if r.replayed {
			replayed++
		}
		if r.status != 201 || r.body != replies[0].body || r.location != "/v1/holds/h1" ||
			r.header.Get("Content-Type") != "application/json" {
			t.Errorf("reply %d = %d %q %q %q; want the first 201", i, r.status, r.body, r.location, r.header.Get("Content-Type"))
		}
	}
	if replayed != 49 {
		t.Errorf("%d replays; want 49", replayed)
	}
}

func TestIdempotencyKeyOverHTTP(t *testing.T) {
	base, desk, mini := holdApp(t, idempotency.Options{})
	url := base + "/v1/slots/s1/holds"
	mother, father := someone("mother"), someone("father")

	t.Run("the same key with another body is 422", func(t *testing.T) {
		first := post(t, url, mother, "k-body", `{"childId":"c1"}`)
		again := post(t, url, mother, "k-body", `{"childId":"c2"}`)
		if first.status != 201 || again.status != 422 || again.code != "idempotency_key_reused" {
			t.Fatalf("got %d then %d %s; want 201 then 422 idempotency_key_reused", first.status, again.status, again.code)
		}
		other := post(t, base+"/v1/slots/s2/holds", mother, "k-body", `{"childId":"c1"}`)
		if other.status != 422 || other.code != "idempotency_key_reused" {
			t.Fatalf("same key and body on another slot: %d %s; want 422", other.status, other.code)
		}
	})

	t.Run("the same JSON spelled differently is a retry", func(t *testing.T) {
		first := post(t, url, mother, "k-spell", `{"childId":"c1","seats":1}`)
		again := post(t, url, mother, "k-spell", "{\n  \"seats\": 1,\n  \"childId\": \"c1\"\n}")
		if !again.replayed || again.body != first.body {
			t.Fatalf("re-encoded body: %d replayed=%v; want the first response", again.status, again.replayed)
		}
	})

	t.Run("two users' keys never meet", func(t *testing.T) {
		before := desk.runs.Load()
		m := post(t, url, mother, "shared-uuid", `{"childId":"c1"}`)
		f := post(t, url, father, "shared-uuid", `{"childId":"c1"}`)
		if m.replayed || f.replayed || m.location == f.location || desk.runs.Load() != before+2 {
			t.Fatalf("mother %s, father %s (replayed %v/%v); want two holds", m.location, f.location, m.replayed, f.replayed)
		}
	})

	t.Run("after a 5xx the retry runs again", func(t *testing.T) {
		desk.failNext.Store(true)
		first := post(t, url, mother, "k-5xx", `{"childId":"c1"}`)
		retry := post(t, url, mother, "k-5xx", `{"childId":"c1"}`)
		third := post(t, url, mother, "k-5xx", `{"childId":"c1"}`)
		if first.status != 500 || retry.status != 201 || retry.replayed || !third.replayed || third.body != retry.body {
			t.Fatalf("got %d, %d (replayed %v), %d (replayed %v); want 500, a fresh 201, its replay",
				first.status, retry.status, retry.replayed, third.status, third.replayed)
		}
	})

	t.Run("a 4xx is the answer and is replayed", func(t *testing.T) {
		desk.rejectNext.Store(true)
		before := desk.runs.Load()
		first := post(t, url, mother, "k-4xx", `{"childId":"c1"}`)
		again := post(t, url, mother, "k-4xx", `{"childId":"c1"}`)
		if first.status != 409 || first.code != "slot_full" || again.status != 409 || again.code != "slot_full" ||
			!again.replayed || desk.runs.Load() != before+1 {
			t.Fatalf("got %d %s then %d %s (replayed %v); want slot_full replayed", first.status, first.code, again.status, again.code, again.replayed)
		}
	})

	t.Run("the key is required and checked", func(t *testing.T) {
		for key, code := range map[string]string{"": "idempotency_key_required", "has space": "idempotency_key_invalid", strings.Repeat("k", 256): "idempotency_key_invalid"} {
			r := post(t, url, mother, key, `{"childId":"c1"}`)
			if r.status != 400 || r.code != code {
				t.Errorf("key %.20q: %d %s; want 400 %s", key, r.status, r.code, code)
			}
		}
	})

	t.Run("keys live 24 h", func(t *testing.T) {
		if mini == nil {
			t.Skip("needs the embedded clock")
		}
		first := post(t, url, mother, "k-ttl", `{"childId":"c1"}`)
		mini.FastForward(24*time.Hour + time.Second)
		later := post(t, url, mother, "k-ttl", `{"childId":"c1"}`)
		if later.status != 201 || later.replayed || later.location == first.location {
			t.Fatalf("a day later: %d replayed=%v %s; want a new hold", later.status, later.replayed, later.location)
		}
	})
}

// A retry that arrives while the first request is still running waits,
// then is told to come back with Retry-After.
func TestARetryDuringASlowFirstRequestIs409(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	g := idempotency.NewGuard(redis.NewIdempotencyKeys(rdb), quietLog, idempotency.Options{Wait: 300 * time.Millisecond})
	desk := &holdDesk{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	app := newTestApp()
	const route = "/v1/slots/{slotId}/holds"
	app.Post(fiberPath(route), markRoute(route), testUser, idempotent(g, "createHold", route), desk.create)
	url := serve(t, app) + "/v1/slots/s1/holds"
	mother := someone("mother")

	first := make(chan reply)
	go func() { first <- post(t, url, mother, "k-slow", `{"childId":"c1"}`) }()
	select {
	case <-desk.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the first request never reached the handler")
	}
	busy := post(t, url, mother, "k-slow", `{"childId":"c1"}`)
	if busy.status != 409 || busy.code != "idempotency_key_in_progress" || busy.header.Get("Retry-After") == "" {
		t.Fatalf("retry during the first: %d %s Retry-After %q; want 409 idempotency_key_in_progress with Retry-After",
			busy.status, busy.code, busy.header.Get("Retry-After"))
	}
	close(desk.gate)
	if r := <-first; r.status != 201 {
		t.Fatalf("first: %d", r.status)
	}
	if r := post(t, url, mother, "k-slow", `{"childId":"c1"}`); !r.replayed || desk.runs.Load() != 1 {
		t.Fatalf("after the first: replayed=%v runs=%d; want its replay", r.replayed, desk.runs.Load())
	}
}
