package http

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/openapi"
	"github.com/kincare/kincare/test/testenv"
)

// holdEngine stands in for Redis: it hands out each hold id once and
// answers it again after, and can be told the slot is full.
type holdEngine struct {
	reservations.Engine // the calls createHold does not make panic
	mu                  sync.Mutex
	holds               map[string]reservation.Hold
	full                bool
}

func (e *holdEngine) Hold(_ context.Context, r reservations.HoldRequest) (reservations.HoldResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if h, ok := e.holds[r.HoldID]; ok {
		return reservations.HoldResult{Hold: h, Replayed: true}, nil
	}
	if e.full {
		return reservations.HoldResult{}, reservation.ErrSlotFull
	}
	h := reservation.Hold{ID: r.HoldID, SlotID: r.SlotID, UserID: r.UserID, Tier: r.Tier,
		ExpiresAt: r.Now.Add(10 * time.Minute), Status: reservation.Held}
	e.holds[r.HoldID] = h
	return reservations.HoldResult{Hold: h}, nil
}

// openSlotS1 stores slot "s1" of a verified childcare provider's active
// offering: the use case asks whether the public may hold on it.
func openSlotS1(t testing.TB, now time.Time) *mongo.Store {
	t.Helper()
	store := testenv.Mongo(t)
	ctx := context.Background()
	p := &provider.Provider{ID: "p1", Admins: []string{"director"}, Status: provider.Verified, Credit: provider.CreditNormal,
		Profile: provider.Profile{LegalName: "阳光托育", TimeZone: "Asia/Shanghai",
			Licences: []provider.Licence{{Kind: provider.ChildcareInstitution, Number: "托备-1"}}}}
	if err := store.Providers().Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	o, err := childcare.New(childcare.Offering{ID: "o1", Names: catalog.Names{ZhCN: "全日托"}, CareType: childcare.FullDay,
		Ages: childcare.AgeRange{MaxMonths: 35}, Capacity: reservation.Capacity{Total: 10, InclusiveQuota: 2},
		Price: catalog.Price{MarketFen: 300000, InclusiveFen: 200000}}, p, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Offerings().Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	start := now.AddDate(0, 1, 0)
	sl, err := reservation.New(reservation.Draft{ID: "s1", Resource: reservation.Resource{Kind: childcare.ResourceKind, ID: "o1"},
		ProviderID: "p1", Window: reservation.Window{Start: start, End: start.AddDate(0, 1, 0), TimeZone: "Asia/Shanghai"},
		Capacity: o.Capacity}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Slots().CreateMany(ctx, []*reservation.Slot{sl}); err != nil {
		t.Fatal(err)
	}
	return store
}

type noReminders struct{}

func (noReminders) EnqueueEvent(context.Context, event.Event) (bool, error) { return true, nil }

// holdsApp binds createHold from the real contract to the real use case
// over holdEngine; X-Test-User names a family user.
func holdsApp(t testing.TB) (*fiber.App, *holdEngine) {
	t.Helper()
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	engine := &holdEngine{holds: map[string]reservation.Hold{}}
	// calendar-safe: the use case is the only reader of time here (an in-memory engine, no reminders)
	now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	store := openSlotS1(t, now)
	svc := reservations.NewService(reservations.Deps{Engine: engine, Reminders: noReminders{},
		Slots: store.Slots(), Offerings: store.Offerings(), Providers: store.Providers(),
		Now: func() time.Time { return now }, NewID: func() string { return "id" }, Log: quietLog})
	family := func(c *fiber.Ctx) error {
		u := c.Get("X-Test-User")
		if u == "" {
			return fiber.ErrUnauthorized
		}
		c.Locals(localActor, actor.Actor{UserID: u, Roles: identity.NewRoles(identity.RoleFamily)})
		return c.Next()
	}
	app := newTestApp()
	app.Use(requestIDMiddleware)
	api := newContract(app, doc, family, func(c *fiber.Ctx) error { return c.Next() })
	api.handle("createHold", reservationHandlers{svc: svc}.createHold)
	return app, engine
}

func holdRequest(user, key, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, "/v1/slots/s1/holds", strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Test-User", user)
	if key != "" {
		req.Header.Set(headerIdempotencyKey, key)
	}
	return req
}

// createHold takes the key without the generic guard: the engine makes
// it idempotent, and the handler says when it answered a hold again.
func TestAHoldIsKeyedByItsIdempotencyKey(t *testing.T) {
	app, engine := holdsApp(t)
	cases := []struct {
		name, user, key, body string
		status                int
		code, tier            string
		replayed              bool
	}{
		{"no key", "mother", "", "", 400, "idempotency_key_required", "", false},
		{"bad key", "mother", "a b", "", 400, "idempotency_key_invalid", "", false},
		{"no body is market", "mother", "k1", "", 201, "", "market", false},
		{"retry", "mother", "k1", "", 201, "", "market", true},
		{"inclusive", "mother", "k2", `{"tier":"inclusive"}`, 201, "", "inclusive", false},
		{"same key, another user", "father", "k1", "", 201, "", "market", false},
		{"unknown tier", "mother", "k3", `{"tier":"vip"}`, 422, "validation_failed", "", false},
	}
	for _, c := range cases {
		resp, err := app.Test(holdRequest(c.user, c.key, c.body))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			ID, Tier, Status, Code, Location string
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(raw, &body)
		replayed := resp.Header.Get(headerReplayed) == "true"
		if resp.StatusCode != c.status || body.Code != c.code || body.Tier != c.tier || replayed != c.replayed {
			t.Errorf("%s: %d %q tier %q replayed=%v; want %d %q tier %q replayed=%v (%s)", c.name, resp.StatusCode,
				body.Code, body.Tier, replayed, c.status, c.code, c.tier, c.replayed, raw)
		}
		if c.status == 201 && resp.Header.Get(fiber.HeaderLocation) != "/v1/holds/"+body.ID {
			t.Errorf("%s: Location %q for hold %q", c.name, resp.Header.Get(fiber.HeaderLocation), body.ID)
		}
	}
	if n := len(engine.holds); n != 3 {
		t.Errorf("%d holds taken; want 3 (a retry takes none)", n)
	}

	engine.full = true
	resp, err := app.Test(holdRequest("mother", "k9", ""))
	if err != nil {
		t.Fatal(err)
	}
	var p Problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != 409 || p.Code != "slot_full" || !strings.Contains(p.Detail, "候补") {
		t.Errorf("full slot: %d %+v; want 409 slot_full in Chinese", resp.StatusCode, p)
	}
}

// In the real contract createHold makes itself idempotent and
// confirmHold goes through the guard; neither may drift into the other.
func TestTheHoldAndConfirmMarkings(t *testing.T) {
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/v1/slots/{slotId}/holds": extSelfIdempotent,
		"/v1/holds/{holdId}/confirm": extIdempotent} {
		op := doc.Paths.Find(path).Post
		for _, ext := range []string{extIdempotent, extSelfIdempotent} {
			if got := op.Extensions[ext] == true; got != (ext == want) {
				t.Errorf("%s: %s is %v", op.OperationID, ext, got)
			}
		}
	}
}

// A self-idempotent marking the contract cannot honour stops it at start.
func TestAMisMarkedSelfIdempotentOperationPanicsAtStart(t *testing.T) {
	for name, c := range map[string]struct {
		mark, declare bool
		want          string
	}{
		"both marks":   {true, true, "both"},
		"no parameter": {false, false, "does not declare"},
	} {
		t.Run(name, func(t *testing.T) {
			_, api, op := holdContract(t, c.mark, c.declare, false)
			if op.Extensions == nil {
				op.Extensions = map[string]any{}
			}
			op.Extensions[extSelfIdempotent] = true
			defer func() {
				p, _ := recover().(string)
				if !strings.Contains(p, c.want) {
					t.Fatalf("panic %q; want one about %q", p, c.want)
				}
			}()
			api.handle("createHold", func(*fiber.Ctx) error { return nil })
		})
	}
}

// The age rule is stated, not just refused.
func TestAnIneligibleAgeStatesTheRule(t *testing.T) {
	params := map[string]any{"ageMonths": 14, "minMonths": 18, "maxMonths": 35}
	_, zh := localize("child_age_ineligible", "zh-CN", params)
	_, en := localize("child_age_ineligible", "en", params)
	if zh != "该托位接收 18–35 月龄的婴幼儿，孩子在开始当天为 14 个月。" {
		t.Errorf("zh: %s", zh)
	}
	if !strings.Contains(en, "18 to 35 months") || !strings.Contains(en, "14 months old") {
		t.Errorf("en: %s", en)
	}
}

// Slots just opened show no counts (the engine was not asked); slots
// read from the engine show them.
func TestSlotCountsAppearOnlyWhenCounted(t *testing.T) {
	// calendar-safe: only mapped to JSON, no clock reads it
	start := time.Date(2026, 9, 1, 0, 30, 0, 0, time.UTC)
	sl, err := reservation.New(reservation.Draft{ID: "s1", Resource: reservation.Resource{Kind: "childcare_offering", ID: "o1"},
		ProviderID: "p1", Window: reservation.Window{Start: start, End: start.Add(4 * time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 10, InclusiveQuota: 4}}, start.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	opened, _ := json.Marshal(toSlot(sl))
	if strings.Contains(string(opened), "remaining") || strings.Contains(string(opened), "confirmed") {
		t.Errorf("opened slot shows counts: %s", opened)
	}
	counted, _ := json.Marshal(toSlotAvailability(reservations.SlotAvailability{Slot: sl,
		Remaining: reservations.Remaining{Known: true, Market: 5, Inclusive: 3}}))
	for _, want := range []string{`"slotId":"s1"`, `"offeringId":"o1"`, `"remaining":{"market":5,"inclusive":3}`,
		`"confirmed":{"market":0,"inclusive":0}`, `"waitlistLength":0`} {
		if !strings.Contains(string(counted), want) {
			t.Errorf("counted slot lacks %s: %s", want, counted)
		}
	}
}

// BenchmarkCreateHold is the HTTP share of the busiest write, per
// request: the middleware every route runs (request id, access log to a
// discarding JSON logger, metrics, per-IP limit), authentication, the
// per-user write limit, the contract's checks, the use case and the JSON
// answer, over an engine and limits that cost nothing. Each op is a new
// hold (a fresh Idempotency-Key), granted or refused as full. Run with
// -benchmem: the allocations per op are what it guards (nothing asserts
// a speed).
//
//	go test ./adapters/http -run '^$' -bench BenchmarkCreateHold -benchmem
func BenchmarkCreateHold(b *testing.B) {
	for _, full := range []bool{false, true} {
		name := map[bool]string{false: "granted", true: "full"}[full]
		b.Run(name, func(b *testing.B) {
			h := holdsBenchApp(b, full).Handler()
			want := map[bool]int{false: fiber.StatusCreated, true: fiber.StatusConflict}[full]
			var ctx fasthttp.RequestCtx
			key := []byte("bench-0000000000")
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod(fiber.MethodPost)
				ctx.Request.SetRequestURI("/v1/slots/s1/holds")
				ctx.Request.Header.SetContentType(fiber.MIMEApplicationJSON)
				ctx.Request.Header.Set(fiber.HeaderAuthorization, "Bearer mother-token")
				ctx.Request.Header.SetBytesV(headerIdempotencyKey, strconv.AppendInt(key[:6], int64(i), 36))
				ctx.Request.SetBodyString(`{"tier":"market"}`)
				h(&ctx)
				if got := ctx.Response.StatusCode(); got != want {
					b.Fatalf("status %d, want %d: %s", got, want, ctx.Response.Body())
				}
			}
		})
	}
}

// holdsBenchApp is the server New builds, cut down to createHold: the
// same app settings and middleware, the real authenticate step over a
// token and an account that are always cached, the contract, and the
// use case over benchEngine.
func holdsBenchApp(b *testing.B, full bool) *fiber.App {
	b.Helper()
	doc, err := LoadSpec(openapi.YAML)
	if err != nil {
		b.Fatal(err)
	}
	// calendar-safe: the use case is the only reader of time here (an in-memory engine, no reminders)
	now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	store := openSlotS1(b, now)
	svc := reservations.NewService(reservations.Deps{Engine: benchEngine{full: full}, Reminders: noReminders{},
		Slots: store.Slots(), Offerings: store.Offerings(), Providers: store.Providers(),
		Now: func() time.Time { return now }, NewID: func() string { return "id" }, Log: quietLog})
	o := Options{BodyLimit: 1 << 20, ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: time.Second,
		RateLimitIPPerMinute: 1 << 30, RateLimitUserWrites: 1 << 30}
	d := Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		FloodLimiter: allowAll{}}
	onError := errorHandler(d.Log)
	app := newApp(o, onError)
	useMiddleware(app, o, d, clientIPs{}, onError)
	api := newContract(app, doc, authenticate(cachedToken{}, familyAccounts{}), limitUserWrites(d.FloodLimiter, o.RateLimitUserWrites))
	api.handle("createHold", reservationHandlers{svc: svc}.createHold)
	return app
}

// benchEngine grants every hold, or refuses each as full, keeping nothing.
type benchEngine struct {
	reservations.Engine
	full bool
}

func (e benchEngine) Hold(_ context.Context, r reservations.HoldRequest) (reservations.HoldResult, error) {
	if e.full {
		return reservations.HoldResult{}, reservation.ErrSlotFull.With(map[string]any{"tier": string(r.Tier)})
	}
	return reservations.HoldResult{Hold: reservation.Hold{ID: r.HoldID, SlotID: r.SlotID, UserID: r.UserID, Tier: r.Tier,
		ExpiresAt: r.Now.Add(10 * time.Minute), Status: reservation.Held}}, nil
}

// cachedToken is a token verifier's cache hit: every token is mother's.
type cachedToken struct{}

func (cachedToken) ParseAccess(string) (*token.Claims, error) {
	c := token.Claims{SessionID: "s1", Roles: []string{string(identity.RoleFamily)}}
	c.Subject = "mother"
	c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(time.Hour))
	return &c, nil
}

// familyAccounts is the user cache's hit: every account is a family's.
type familyAccounts struct{}

func (familyAccounts) Authenticate(_ context.Context, userID, sessionID string, _ identity.Roles, requestID string) (actor.Actor, error) {
	return actor.Actor{UserID: userID, SessionID: sessionID, Roles: identity.NewRoles(identity.RoleFamily), RequestID: requestID}, nil
}

// allowAll is a rate limiter that never refuses.
type allowAll struct{}

func (allowAll) Allow(context.Context, string, throttle.Limit) (time.Duration, error) { return 0, nil }
