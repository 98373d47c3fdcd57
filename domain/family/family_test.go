package family_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/identity"
)

var (
	now = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	key = family.InviteKey("test invite key, 32 bytes long!!")
)

func newFamily(t *testing.T) *family.Family {
	t.Helper()
	f, err := family.New("f1", " 王家 ", "", "daughter", now)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNewFamilyHasItsCreatorAsOwner(t *testing.T) {
	f := newFamily(t)
	if f.Name() != "王家" || f.TimeZone() != family.DefaultTimeZone {
		t.Fatalf("name %q zone %q", f.Name(), f.TimeZone())
	}
	if r, ok := f.RoleOf("daughter"); !ok || r != family.RoleOwner {
		t.Fatalf("creator role %v %v", r, ok)
	}
	_, err := family.New("f2", "", "", "x", now)
	faulttest.Is(t, err, family.ErrNameInvalid)
	_, err = family.New("f2", "李家", "Mars/Olympus", "x", now)
	faulttest.Is(t, err, family.ErrTimeZone)
}

func TestOutsidersSeeNothingMembersCannotManage(t *testing.T) {
	f := newFamily(t)
	_ = f.Join("son", family.RoleMember, now)
	faulttest.Is(t, f.RequireMember("stranger"), family.ErrNotFound)
	faulttest.Is(t, f.RequireOwner("stranger"), family.ErrNotFound)
	faulttest.Is(t, f.RequireOwner("son"), family.ErrOwnerRequired)
	faulttest.Is(t, f.Rename("son", "新名字"), family.ErrOwnerRequired)
	faulttest.Is(t, f.Remove("son", "daughter"), family.ErrOwnerRequired)
	if err := f.RequireOwner("daughter"); err != nil {
		t.Fatal(err)
	}
}

func TestAFamilyAlwaysKeepsAnOwner(t *testing.T) {
	f := newFamily(t)
	faulttest.Is(t, f.Join("daughter", family.RoleMember, now), family.ErrAlreadyMember)
	if err := f.Join("son", family.RoleMember, now); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, f.Leave("daughter"), family.ErrLastOwner)
	faulttest.Is(t, f.Remove("daughter", "daughter"), family.ErrLastOwner)
	faulttest.Is(t, f.ChangeRole("daughter", "daughter", family.RoleMember), family.ErrLastOwner)
	if err := f.ChangeRole("daughter", "son", family.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := f.Leave("daughter"); err != nil {
		t.Fatalf("owner leaving after handing over: %v", err)
	}
	if err := f.Leave("son"); err != nil || !f.Empty() {
		t.Fatalf("last member leaving: %v, empty %v", err, f.Empty())
	}
}

func TestHandOverPicksTheLongestStandingMember(t *testing.T) {
	f := newFamily(t)
	_ = f.Join("son", family.RoleMember, now.Add(time.Hour))
	_ = f.Join("grandson", family.RoleMember, now.Add(2*time.Hour))
	f.HandOver("daughter")
	if err := f.Leave("daughter"); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.RoleOf("son"); r != family.RoleOwner {
		t.Fatalf("son is %s", r)
	}
	if r, _ := f.RoleOf("grandson"); r != family.RoleMember {
		t.Fatalf("grandson is %s", r)
	}
}

func TestInvites(t *testing.T) {
	f := newFamily(t)
	_ = f.Join("son", family.RoleMember, now)
	_, err := f.NewInvite(key, "son", "CODE", "", family.RoleMember, now)
	faulttest.Is(t, err, family.ErrOwnerRequired)

	phone := identity.Phone("+8613900001111")
	inv, err := f.NewInvite(key, "daughter", "abcd234567", phone, family.RoleMember, now)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Digest != key.Digest(" ABCD234567") || inv.Code == "" {
		t.Fatal("digest must ignore case and spaces; phone invites keep their code for the addressee")
	}
	faulttest.Is(t, inv.CheckAccept("+8613900002222", now), family.ErrInviteNotFound)
	if err := inv.CheckAccept(phone, now.Add(family.InviteTTL-time.Second)); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, inv.CheckAccept(phone, now.Add(family.InviteTTL)), family.ErrInviteExpired)
	used := inv
	used.UsedAt = now
	faulttest.Is(t, used.CheckAccept(phone, now), family.ErrInviteUsed)
	revoked := inv
	revoked.RevokedAt = now
	faulttest.Is(t, revoked.CheckAccept(phone, now), family.ErrInviteRevoked)

	open, _ := f.NewInvite(key, "daughter", "OPEN", "", family.RoleOwner, now)
	if open.Code != "" {
		t.Fatal("a code invite must not keep its code")
	}
	if err := open.CheckAccept("+8613900003333", now); err != nil {
		t.Fatal(err)
	}
}

func TestConsentIsRecordedOnceAndWithdrawnByAnyMember(t *testing.T) {
	f := newFamily(t)
	_ = f.Join("son", family.RoleMember, now)
	faulttest.Is(t, f.RequireConsent(consent.ElderHealth, "mum"), consent.ErrRequired)
	c, err := consent.New("c1", consent.ElderHealth, "mum", "daughter", consent.PolicyVersion, now)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := f.GrantConsent("daughter", c)
	c2, _ := consent.New("c2", consent.ElderHealth, "mum", "son", consent.PolicyVersion, now)
	second, _ := f.GrantConsent("son", c2)
	if first.ID != "c1" || second.ID != "c1" || len(f.Consents()) != 1 {
		t.Fatalf("granting twice recorded %d consents", len(f.Consents()))
	}
	if err := f.RequireConsent(consent.ElderHealth, "mum"); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, f.RequireConsent(consent.ElderHealth, "dad"), consent.ErrRequired)
	if _, err := f.WithdrawConsent("son", "c1", now); err != nil {
		t.Fatal(err)
	}
	faulttest.Is(t, f.RequireConsent(consent.ElderHealth, "mum"), consent.ErrRequired)
	_, err = f.WithdrawConsent("son", "c1", now)
	faulttest.Is(t, err, consent.ErrAlreadyWithdrawn)
	_, err = consent.New("c3", consent.ChildData, "", "son", "2025-01", now)
	faulttest.Is(t, err, consent.ErrPolicyOutdated)
	_, err = consent.New("c3", consent.ElderHealth, "", "son", consent.PolicyVersion, now)
	faulttest.Is(t, err, consent.ErrScopeInvalid)
}

// A plain member leaving promotes nobody.
func TestHandOverOnlyForTheLastOwner(t *testing.T) {
	f := newFamily(t)
	_ = f.Join("son", family.RoleMember, now.Add(time.Hour))
	_ = f.Join("cousin", family.RoleMember, now.Add(2*time.Hour))
	f.HandOver("cousin")
	if r, _ := f.RoleOf("son"); r != family.RoleMember {
		t.Fatalf("son became %s when a member left", r)
	}
}
