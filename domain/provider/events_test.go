package provider_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/provider"
)

func TestCertificateRemindersComeAt9InTheProvidersZoneAndStopWhenRenewed(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	date := func(s string) calendar.Date {
		d, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cg := &provider.Caregiver{Certificates: []provider.Certificate{
		{Kind: provider.ElderlyCareWorker, Number: "N-1", ExpiresOn: date("2027-03-01")},
		{Kind: provider.Nurse, Number: "R-9", ExpiresOn: date("2026-12-01")},         // inside the warning already
		{Kind: provider.HealthManager, Number: "H-0", ExpiresOn: date("2026-11-24")}, // lapsed: history
	}}
	p := provider.Provider{ID: "prov", Profile: provider.Profile{LegalName: "幸福里", TimeZone: "Asia/Shanghai"},
		Staff: []provider.Staff{{UserID: "cg", Role: provider.StaffCaregiver, Caregiver: cg}}}
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, sh)
	if err := p.AnnounceCertificates("cg", now); err != nil {
		t.Fatal(err)
	}
	events := p.Pending()
	if len(events) != 2 {
		t.Fatalf("%d reminders, want 2", len(events))
	}
	warn := date("2027-03-01").AddDays(-provider.CertificateWarningDays)
	want := time.Date(warn.Year, warn.Month, warn.Day, 9, 0, 0, 0, sh)
	if got := events[0].Due(); !got.Equal(want) {
		t.Errorf("reminder due %s, want %s", got, want)
	}
	if got := events[1].Due(); !got.Equal(now) {
		t.Errorf("a certificate already inside the warning is due %s, want now", got)
	}

	// Entering the caregiver again records the same reminders (same ids).
	again := provider.Provider{ID: "prov", Profile: p.Profile, Staff: p.Staff}
	_ = again.AnnounceCertificates("cg", now.Add(time.Hour))
	if again.Pending()[0].ID != events[0].ID {
		t.Error("re-entering a caregiver made a new reminder for the same certificate")
	}
	if !p.StillExpiring(events[0]) {
		t.Error("the reminder does not apply to the certificate it was made for")
	}
	cg.Certificates[0].ExpiresOn = date("2030-03-01") // renewed
	if p.StillExpiring(events[0]) {
		t.Error("a renewed certificate is still reminded of")
	}
}
