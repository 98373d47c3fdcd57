package auth_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/adapters/jobs"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/adapters/token"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

// inbox stands in for the carrier: it is the phone that receives texts.
type inbox struct {
	mu    sync.Mutex
	codes map[identity.Phone]string
}

func (b *inbox) SendLoginCode(_ context.Context, p identity.Phone, code string, _ identity.Locale) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.codes[p] = code
	return nil
}

func (b *inbox) last(t *testing.T, raw string) string {
	t.Helper()
	p, _ := identity.ParsePhone(raw)
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.codes[p]
	if !ok {
		t.Fatalf("no code texted to %s", raw)
	}
	return c
}

func newService(t *testing.T, cfg auth.Config) (*auth.Service, *inbox) {
	t.Helper()
	svc, box, _ := newJournaledService(t, cfg)
	return svc, box
}

// newJournaledService also returns the journal where the warnings it
// announces are kept until delivered.
func newJournaledService(t *testing.T, cfg auth.Config) (*auth.Service, *inbox, *mongo.Journal) {
	t.Helper()
	return newClockedService(t, cfg, time.Now)
}

// newClockedService's limits run on now, as a server's do on its clock.
func newClockedService(t *testing.T, cfg auth.Config, now func() time.Time) (*auth.Service, *inbox, *mongo.Journal) {
	t.Helper()
	store := testenv.Mongo(t)
	rdb, _ := testenv.Redis(t)
	tokens, err := token.NewIssuer([]byte("0123456789abcdef0123456789abcdef"), "kincare", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	box := &inbox{codes: map[identity.Phone]string{}}
	queue := jobs.NewClient(rdb, "auth-test-"+uuid.NewString(), 1)
	return auth.NewService(auth.Deps{
		Users: store.Users(), Sessions: store.Sessions(), OTPs: redis.NewOTPs(rdb), SMS: box,
		Tokens: tokens, Limiter: redis.NewLimiter(rdb, now), Now: time.Now,
		NewID:     func() string { return uuid.Must(uuid.NewV7()).String() },
		Failures:  redis.NewPasswordFailures(rdb),
		Announcer: notify.NewAnnouncer(store.Journal(), queue),
	}, cfg), box, store.Journal()
}

func login(t *testing.T, svc *auth.Service, box *inbox, phone string) auth.TokenPair {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.RequestOTP(ctx, phone, identity.LocaleZhCN, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	pair, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Code: box.last(t, phone)})
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

// Two devices racing to refresh with one stolen token: at most one gets
// new tokens, and the session ends for everyone.
func TestConcurrentRefreshWithOneTokenRevokesTheSession(t *testing.T) {
	svc, box := newService(t, auth.DefaultConfig())
	pair := login(t, svc, box, testenv.Phone())
	const racers = 24
	var won atomic.Int32
	var newest atomic.Value
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			p, err := svc.Refresh(context.Background(), pair.RefreshToken)
			if err == nil {
				won.Add(1)
				newest.Store(p.RefreshToken)
				return
			}
			if !fault.Is(err, identity.ErrRefreshReused) && !fault.Is(err, identity.ErrSessionEnded) {
				t.Errorf("loser got %v", err)
			}
		})
	}
	wg.Wait()
	if won.Load() > 1 {
		t.Fatalf("%d concurrent refreshes with one token succeeded", won.Load())
	}
	if tok, ok := newest.Load().(string); ok {
		if _, err := svc.Refresh(context.Background(), tok); err == nil {
			t.Fatal("the winner's new refresh token still works after reuse was detected")
		}
	}
}

func TestRefreshRotatesAndReuseEndsTheFamily(t *testing.T) {
	svc, box := newService(t, auth.DefaultConfig())
	ctx := context.Background()
	phone := testenv.Phone()
	first := login(t, svc, box, phone)
	// A second device logs in by password: one code a minute per phone.
	if err := svc.SetPassword(ctx, actor.Actor{UserID: first.User.ID()}, "second device"); err != nil {
		t.Fatal(err)
	}
	other, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "second device"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	third, err := svc.Refresh(ctx, second.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx, first.RefreshToken); !fault.Is(err, identity.ErrRefreshReused) {
		t.Fatalf("replayed first token: %v", err)
	}
	if _, err := svc.Refresh(ctx, third.RefreshToken); !fault.Is(err, identity.ErrSessionEnded) {
		t.Fatalf("newest token after reuse: %v", err)
	}
	// The other device's session is untouched.
	if _, err := svc.Refresh(ctx, other.RefreshToken); err != nil {
		t.Fatalf("other session: %v", err)
	}
}

func TestLogoutEndsOnlyThatSession(t *testing.T) {
	svc, box := newService(t, auth.DefaultConfig())
	ctx := context.Background()
	phone := testenv.Phone()
	phoneA := login(t, svc, box, phone)
	if err := svc.Logout(ctx, actor.Actor{UserID: phoneA.User.ID(), SessionID: sessionOf(t, phoneA)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx, phoneA.RefreshToken); !fault.Is(err, identity.ErrSessionEnded) {
		t.Fatalf("refresh after logout: %v", err)
	}
}

func sessionOf(t *testing.T, p auth.TokenPair) string {
	t.Helper()
	tokens, _ := token.NewIssuer([]byte("0123456789abcdef0123456789abcdef"), "kincare", 15*time.Minute)
	c, err := tokens.ParseAccess(p.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return c.SessionID
}

func TestAdminPhonesBecomePlatformAdminsAndGrantRoles(t *testing.T) {
	adminPhone := testenv.Phone()
	p, _ := identity.ParsePhone(adminPhone)
	cfg := auth.DefaultConfig()
	cfg.AdminPhones = []identity.Phone{p}
	svc, box := newService(t, cfg)
	ctx := context.Background()

	admin := login(t, svc, box, adminPhone)
	if !admin.User.Roles().Has(identity.RolePlatformAdmin) {
		t.Fatalf("admin roles %v", admin.User.Roles())
	}
	member := login(t, svc, box, testenv.Phone())
	memberActor := actor.Actor{UserID: member.User.ID(), SessionID: sessionOf(t, member), Roles: member.User.Roles()}
	adminActor := actor.Actor{UserID: admin.User.ID(), SessionID: sessionOf(t, admin), Roles: admin.User.Roles()}

	if _, err := svc.SetRoles(ctx, memberActor, member.User.ID(), []string{"platform_admin"}); !fault.Is(err, fault.ErrForbidden) {
		t.Fatalf("family member granted themselves admin: %v", err)
	}
	u, err := svc.SetRoles(ctx, adminActor, member.User.ID(), []string{"regulator"})
	if err != nil || !u.Roles().Has(identity.RoleRegulator) || !u.Roles().Has(identity.RoleFamily) {
		t.Fatalf("grant regulator: %v %v", u, err)
	}
	if _, err := svc.SetRoles(ctx, adminActor, member.User.ID(), []string{"root"}); !fault.Is(err, identity.ErrRoleUnknown) {
		t.Fatalf("unknown role: %v", err)
	}
	if _, err := svc.SetRoles(ctx, adminActor, admin.User.ID(), []string{"family"}); !fault.Is(err, auth.ErrSelfDemotion) {
		t.Fatalf("self demotion: %v", err)
	}
	refreshed, err := svc.Refresh(ctx, member.RefreshToken)
	if err != nil || !refreshed.User.Roles().Has(identity.RoleRegulator) {
		t.Fatalf("refresh did not pick up the new role: %v %v", refreshed.User, err)
	}
}

func TestPasswordLoginDoesNotRevealAccounts(t *testing.T) {
	svc, box := newService(t, auth.DefaultConfig())
	ctx := context.Background()
	phone := testenv.Phone()
	pair := login(t, svc, box, phone)
	a := actor.Actor{UserID: pair.User.ID(), SessionID: sessionOf(t, pair), Roles: pair.User.Roles()}

	if _, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "whatever1"}); !fault.Is(err, identity.ErrCredentialsWrong) {
		t.Fatalf("password login before one is set: %v", err)
	}
	if _, err := svc.Login(ctx, auth.LoginCommand{Phone: testenv.Phone(), Password: "whatever1"}); !fault.Is(err, identity.ErrCredentialsWrong) {
		t.Fatalf("password login for an unknown phone: %v", err)
	}
	if err := svc.SetPassword(ctx, a, "家里的密码2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "家里的密码2026"}); err != nil {
		t.Fatalf("right password: %v", err)
	}
}

// withPassword is an account on a fresh phone with a password set.
func withPassword(t *testing.T, svc *auth.Service, box *inbox, password string) (string, auth.TokenPair) {
	t.Helper()
	phone := testenv.Phone()
	pair := login(t, svc, box, phone)
	a := actor.Actor{UserID: pair.User.ID(), SessionID: sessionOf(t, pair), Roles: pair.User.Roles()}
	if err := svc.SetPassword(context.Background(), a, password); err != nil {
		t.Fatal(err)
	}
	return phone, pair
}

// The probe: ten wrong passwords for a phone from ten addresses
// made the owner's correct password and a correct code answer 429. Now
// the phone's password is locked, but a correct, unexpired code still
// logs its owner in, and the owner is told, once, that someone is
// guessing.
func TestStrangersGuessingAPasswordCannotLockItsOwnerOut(t *testing.T) {
	cfg := auth.DefaultConfig()
	cfg.OTPSendLimits = nil // the owner asks for a second code within the minute
	svc, box, journal := newJournaledService(t, cfg)
	ctx := context.Background()
	phone, owner := withPassword(t, svc, box, "家里的密码2026")
	for i := range 10 {
		_, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: fmt.Sprintf("guess %d", i),
			Client: fmt.Sprintf("198.51.100.%d", i)})
		if !fault.Is(err, identity.ErrCredentialsWrong) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "家里的密码2026", Client: "203.0.113.9"})
	fe, _ := fault.As(err)
	if !fault.Is(err, identity.ErrPasswordLocked) || fe.RetryAfter <= 0 {
		t.Fatalf("the right password after ten wrong ones: %v, want password_locked with a Retry-After", err)
	}
	if _, err := svc.RequestOTP(ctx, phone, identity.LocaleZhCN, "203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	in, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Code: box.last(t, phone), Client: "203.0.113.9"})
	if err != nil || in.User.ID() != owner.User.ID() {
		t.Fatalf("the owner's code after the password lock: %v", err)
	}

	warnings := 0
	events, err := journal.Undelivered(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Type == identity.EventPasswordGuessed && e.Data["userId"] == owner.User.ID() {
			warnings++
			if e.Data["failures"] != "5" {
				t.Errorf("the warning says %s wrong passwords, want 5", e.Data["failures"])
			}
		}
	}
	if warnings != 1 {
		t.Fatalf("the owner was warned %d times, want once", warnings)
	}
}

// One address is stopped at its own five wrong passwords, long before it
// spends the phone's budget; the owner's address is not; right
// passwords count nothing.
func TestWrongPasswordsCountPerClientAndRightOnesNot(t *testing.T) {
	svc, box := newService(t, auth.DefaultConfig())
	ctx := context.Background()
	phone, _ := withPassword(t, svc, box, "家里的密码2026")
	for range 12 { // more than either budget
		if _, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "家里的密码2026", Client: "192.0.2.1"}); err != nil {
			t.Fatalf("right password: %v", err)
		}
	}
	for i := range 5 {
		_, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "guess-guess", Client: "198.51.100.7"})
		if !fault.Is(err, identity.ErrCredentialsWrong) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "家里的密码2026", Client: "198.51.100.7"})
	if !fault.Is(err, identity.ErrPasswordLocked) {
		t.Fatalf("a sixth try from the guessing address: %v, want password_locked", err)
	}
	if _, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Password: "家里的密码2026", Client: "192.0.2.1"}); err != nil {
		t.Fatalf("the owner's address after a stranger's five: %v", err)
	}
}

// One client asking for codes to many phones is stopped: SMS pumping.
func TestOneClientCannotTextManyPhones(t *testing.T) {
	cfg := auth.DefaultConfig()
	svc, _ := newService(t, cfg)
	ip := "203.0.113." + testenv.Phone()[8:] // a fresh client for shared Redis
	limited := false
	for range cfg.OTPPerIPLimits[0].Count + 1 {
		_, err := svc.RequestOTP(context.Background(), testenv.Phone(), identity.LocaleZhCN, ip)
		if fault.Is(err, fault.ErrRateLimited) {
			limited = true
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !limited {
		t.Fatalf("%d codes to different phones from one address were all sent", cfg.OTPPerIPLimits[0].Count+1)
	}
}

// One phone is sent one code a minute: the next is refused, saying how
// long to wait, until a minute of the limit's clock has passed.
func TestOnePhoneGetsOneCodeAMinute(t *testing.T) {
	var mu sync.Mutex
	start := time.Now()
	at := start
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return at
	}
	standAt := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		at = start.Add(d)
	}
	svc, box, _ := newClockedService(t, auth.DefaultConfig(), now)
	ctx, phone := context.Background(), testenv.Phone()
	ip := "203.0.113." + testenv.Phone()[8:]
	request := func() error {
		_, err := svc.RequestOTP(ctx, phone, identity.LocaleZhCN, ip)
		return err
	}
	sent, err := svc.RequestOTP(ctx, phone, identity.LocaleZhCN, ip)
	if err != nil {
		t.Fatal(err)
	}
	if sent.ResendAfter != time.Minute {
		t.Errorf("resend after %s, want 1m", sent.ResendAfter)
	}
	first := box.last(t, phone)
	for _, d := range []time.Duration{0, 59 * time.Second} {
		standAt(d)
		err := request()
		if fe, ok := fault.As(err); !ok || !fault.Is(err, fault.ErrRateLimited) || fe.RetryAfter != time.Minute-d {
			t.Fatalf("a second code %s after the first: %v, want rate_limited retrying after %s", d, err, time.Minute-d)
		}
	}
	if box.last(t, phone) != first {
		t.Fatal("a refused request texted a code")
	}
	standAt(time.Minute)
	if err := request(); err != nil {
		t.Fatalf("a minute after the first code: %v", err)
	}
	// The new code logs her in.
	if _, err := svc.Login(ctx, auth.LoginCommand{Phone: phone, Code: box.last(t, phone)}); err != nil {
		t.Fatalf("login with the new code: %v", err)
	}
}
