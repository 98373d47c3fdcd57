package provider_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

func day(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

func caregiver() provider.Caregiver {
	return provider.Caregiver{
		Certificates: []provider.Certificate{{Kind: provider.ElderlyCareWorker, Number: "沪护2024-001", Issuer: "上海市人社局", ExpiresOn: day("2026-12-10")}},
		Skills:       []service.Type{service.Bathing, service.MedicalEscort},
		Gender:       "female", Languages: []string{"普通话", "上海话"},
		HomeBase: geo.Point{Lat: 31.2, Lng: 121.4}, Active: true,
	}
}

func TestOnlyCertifiedSkillsAreServed(t *testing.T) {
	c := caregiver()
	if !c.CanServe(service.Bathing, day("2026-12-10")) {
		t.Fatal("a certified skill on the last valid day was refused")
	}
	if c.CanServe(service.Bathing, day("2026-12-11")) {
		t.Fatal("served with an expired certificate")
	}
	if c.CanServe(service.MedicalEscort, day("2026-11-25")) {
		t.Fatal("medical escort needs a nurse's or health manager's certificate")
	}
	if c.CanServe(service.Cleaning, day("2026-11-25")) {
		t.Fatal("served a type that is not among the skills")
	}
	c.Active = false
	if c.CanServe(service.Bathing, day("2026-11-25")) {
		t.Fatal("an inactive caregiver was eligible")
	}
	if got := caregiver().Expiring(day("2026-11-10")); len(got) != 1 {
		t.Fatalf("certificate expiring in 30 days not flagged: %v", got)
	}
	if got := caregiver().Expiring(day("2026-11-09")); len(got) != 0 {
		t.Fatalf("flagged 31 days ahead: %v", got)
	}
}

func TestStaffInvitesAndRemoval(t *testing.T) {
	p, _ := provider.New("p1", "admin", profile(), "ev-new", time.Now())
	now := time.Now()
	if _, err := p.InviteStaff("stranger", "+8613900000001", provider.StaffCaregiver, now); !fault.Is(err, provider.ErrAdminRequired) {
		t.Fatalf("a non-admin invited: %v", err)
	}
	if _, err := p.InviteStaff("admin", "+8613900000001", provider.StaffCaregiver, now); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AcceptStaffInvite("u2", "+8613900000002", now); !fault.Is(err, provider.ErrStaffInviteGone) {
		t.Fatalf("another phone accepted: %v", err)
	}
	if _, err := p.AcceptStaffInvite("u1", "+8613900000001", now.Add(provider.StaffInviteTTL)); !fault.Is(err, provider.ErrStaffInviteGone) {
		t.Fatalf("an expired invite was accepted: %v", err)
	}
	role, err := p.AcceptStaffInvite("u1", "+8613900000001", now)
	if err != nil || role != provider.StaffCaregiver {
		t.Fatalf("accept: %v %v", role, err)
	}
	if err := p.SetCaregiver("admin", "u1", caregiver()); err != nil {
		t.Fatal(err)
	}
	bad := caregiver()
	bad.Skills = []service.Type{"massage"}
	bad.Certificates[0].Kind = "wizard"
	if err := p.SetCaregiver("admin", "u1", bad); !fault.Is(err, provider.ErrStaffInvalid) {
		t.Fatalf("bad caregiver: %v", err)
	}
	if err := p.RemoveStaff("admin", "u1"); err != nil || p.StaffMember("u1") != nil || p.CanSeeStaff("u1") {
		t.Fatalf("removal: %v", err)
	}
}

func TestTheOfficeIsAdminsAndOfficeStaffNotCaregivers(t *testing.T) {
	p := &provider.Provider{Admins: []string{"boss"}, Staff: []provider.Staff{
		{UserID: "clerk", Role: provider.StaffOffice}, {UserID: "carer", Role: provider.StaffCaregiver},
		{UserID: "boss", Role: provider.StaffOffice}}}
	if got := p.Office(); !slices.Equal(got, []string{"boss", "clerk"}) {
		t.Fatalf("office %v, want boss and clerk once each", got)
	}
	for user, want := range map[string]bool{"boss": true, "clerk": true, "carer": false, "stranger": false} {
		if p.InOffice(user) != want {
			t.Errorf("InOffice(%s) = %v, want %v", user, !want, want)
		}
	}
}

// Who runs the provider, and each person themself, see a caregiver in
// full; a colleague sees role and skills; membership counts as it is now.
func TestColleaguesSeeSkillsOnlyAndMembershipIsCurrent(t *testing.T) {
	c := caregiver()
	p := &provider.Provider{Admins: []string{"boss"}, Staff: []provider.Staff{
		{UserID: "lan", Role: provider.StaffCaregiver, Caregiver: &c},
		{UserID: "mei", Role: provider.StaffCaregiver},
		{UserID: "desk", Role: provider.StaffOffice},
	}}
	lan := p.Staff[0]
	for viewer, full := range map[string]bool{"boss": true, "desk": true, "lan": true, "mei": false, "stranger": false} {
		if got := p.SeesInFull(viewer, lan); got != full {
			t.Errorf("SeesInFull(%s, lan) = %v", viewer, got)
		}
	}
	seen := lan.AsColleague()
	if seen.UserID != "lan" || seen.Role != provider.StaffCaregiver || !slices.Equal(seen.Caregiver.Skills, c.Skills) ||
		seen.Caregiver.Certificates != nil || seen.Caregiver.HomeBase != (geo.Point{}) || seen.Caregiver.Languages != nil {
		t.Fatalf("a colleague sees %+v / %+v", seen, seen.Caregiver)
	}
	if !p.EmploysCaregiver("lan") || p.EmploysCaregiver("desk") || p.EmploysCaregiver("boss") {
		t.Fatal("EmploysCaregiver is the caregivers on the staff")
	}
	if err := p.RemoveStaff("boss", "lan"); err != nil {
		t.Fatal(err)
	}
	if p.EmploysCaregiver("lan") {
		t.Fatal("a removed caregiver is still employed")
	}
}
