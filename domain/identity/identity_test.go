package identity_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

func TestParsePhoneNormalisesMainlandNumbers(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"13800138000", "+8613800138000", true},
		{" 138-0013-8000 ", "+8613800138000", true},
		{"+8613800138000", "+8613800138000", true},
		{"+85291234567", "+85291234567", true},
		{"12800138000", "", false}, // no mainland mobile starts 12
		{"+8612800138000", "", false},
		{"1380013800", "", false}, // 10 digits
		{"abc", "", false},
		{"", "", false},
	} {
		got, err := identity.ParsePhone(tc.in)
		if tc.ok != (err == nil) || string(got) != tc.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if !tc.ok && !fault.Is(err, identity.ErrPhoneInvalid) {
			t.Errorf("ParsePhone(%q) error = %v; want phone_invalid", tc.in, err)
		}
	}
}

func TestMaskedPhoneHidesTheMiddle(t *testing.T) {
	for in, want := range map[identity.Phone]string{
		"+8613812341234": "138****1234",
		"+85291234567":   "+85*****4567",
	} {
		if got := in.Masked(); got != want {
			t.Errorf("%s.Masked() = %q, want %q", in, got, want)
		}
	}
}

func TestRolesAreASortedSet(t *testing.T) {
	rs := identity.NewRoles(identity.RoleRegulator, identity.RoleFamily, identity.RoleRegulator)
	if len(rs) != 2 || rs[0] != identity.RoleFamily || rs[1] != identity.RoleRegulator {
		t.Fatalf("NewRoles = %v", rs)
	}
	if !rs.HasAny(identity.RoleCaregiver, identity.RoleRegulator) || rs.Has(identity.RoleCaregiver) {
		t.Fatal("Has/HasAny wrong")
	}
	if _, err := identity.ParseRole("root"); !fault.Is(err, identity.ErrRoleUnknown) {
		t.Fatalf("ParseRole(root) = %v", err)
	}
}

func TestEveryUserKeepsTheFamilyRole(t *testing.T) {
	u, err := identity.NewUser("u1", "+8613800138000", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u.ReplaceRoles(identity.NewRoles(identity.RoleCaregiver))
	if !u.Roles().Has(identity.RoleFamily) || !u.Roles().Has(identity.RoleCaregiver) {
		t.Fatalf("roles = %v", u.Roles())
	}
}

func TestPasswordPolicyAndCheck(t *testing.T) {
	if _, err := identity.HashPassword("short"); !fault.Is(err, identity.ErrPasswordWeak) {
		t.Fatalf("short password: %v", err)
	}
	if _, err := identity.HashPassword(string(make([]byte, 73))); !fault.Is(err, identity.ErrPasswordWeak) {
		t.Fatalf("73-byte password: %v", err)
	}
	u, _ := identity.NewUser("u1", "+8613800138000", time.Now())
	if err := u.CheckPassword("anything"); !fault.Is(err, identity.ErrPasswordNotSet) {
		t.Fatalf("no password set: %v", err)
	}
	h, err := identity.HashPassword("长城长城长城长城")
	if err != nil {
		t.Fatal(err)
	}
	u.SetPassword(h)
	if err := u.CheckPassword("长城长城长城长城"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := u.CheckPassword("长城长城长城长"); !fault.Is(err, identity.ErrCredentialsWrong) {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestSessionJudgesRefreshGenerations(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	s := identity.NewSession("s1", "u1", now, time.Hour)
	s.Generation = 3
	revoked := s
	revoked.RevokedAt = now
	for _, tc := range []struct {
		name string
		s    identity.Session
		gen  int
		at   time.Time
		want error
	}{
		{"current generation", s, 3, now, nil},
		{"spent generation is reuse", s, 2, now, identity.ErrRefreshReused},
		{"future generation is forged", s, 4, now, identity.ErrRefreshInvalid},
		{"expired", s, 3, now.Add(time.Hour), identity.ErrSessionEnded},
		{"revoked", revoked, 3, now, identity.ErrSessionEnded},
	} {
		err := tc.s.CheckRefresh(tc.gen, tc.at)
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !fault.Is(err, tc.want.(*fault.Error))) {
			t.Errorf("%s: CheckRefresh = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestOTPVerdictsMapToUserErrors(t *testing.T) {
	if err := identity.OTPWrong.Err(3, 0); !fault.Is(err, identity.ErrOTPInvalid) {
		t.Fatalf("wrong: %v", err)
	}
	err := identity.OTPLockedOut.Err(0, 2*time.Minute)
	fe, _ := fault.As(err)
	if !fault.Is(err, identity.ErrOTPLocked) || fe.RetryAfter != 2*time.Minute {
		t.Fatalf("locked: %v", err)
	}
	if !identity.WellFormedOTP("012345") || identity.WellFormedOTP("12345") || identity.WellFormedOTP("12345a") {
		t.Fatal("WellFormedOTP")
	}
}

// The owner hears of guessing once per window, only with a password to
// protect.
func TestPasswordGuessingWarnsTheOwnerOncePerWindow(t *testing.T) {
	g := identity.DefaultPasswordGuessing
	now := time.Date(2026, 11, 25, 9, 3, 0, 0, time.UTC)
	u, _ := identity.NewUser("u1", "+8613800000000", now)
	if g.Warn(u, g.WarnAt) {
		t.Fatal("warned an account without a password")
	}
	h, err := identity.HashPassword("长城长城长城长城")
	if err != nil {
		t.Fatal(err)
	}
	u.SetPassword(h)
	if !g.Warn(u, g.WarnAt) || g.Warn(u, g.WarnAt-1) || g.Warn(u, g.WarnAt+1) {
		t.Fatal("warn exactly when the count reaches the mark")
	}
	first, err := g.Warning(u, g.WarnAt, now)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := g.Warning(u, g.WarnAt, now.Add(10*time.Minute))
	later, _ := g.Warning(u, g.WarnAt, now.Add(g.Window))
	if first.ID != again.ID || first.ID == later.ID || first.Type != identity.EventPasswordGuessed ||
		first.Subject.ID != "u1" || first.Data["failures"] != "5" || first.Data["minutes"] != "15" {
		t.Fatalf("warnings %+v / %+v / %+v", first, again, later)
	}
	u.BeginDeletion(now)
	if g.Warn(u, g.WarnAt) {
		t.Fatal("warned an account being deleted")
	}
}
