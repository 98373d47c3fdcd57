package provider_test

import (
	"slices"
	"testing"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/provider"
)

// A licence lapses by a day when its last valid day is that day or
// before; one without an end never does.
func TestLicenceLapsesBy(t *testing.T) {
	d := func(s string) calendar.Date {
		v, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	p := &provider.Provider{Profile: provider.Profile{Licences: []provider.Licence{
		{Kind: provider.HomeCare, Number: "1"},
		{Kind: provider.Canteen, Number: "2", ValidTo: d("2026-12-31")},
	}}}
	for day, want := range map[string]bool{"2026-12-30": false, "2026-12-31": true, "2027-01-15": true} {
		if got := p.LicenceLapsesBy(d(day)); got != want {
			t.Errorf("lapses by %s = %v, want %v", day, got, want)
		}
	}
	if !p.HasKind(provider.Canteen) || p.HasKind(provider.DayCareCentre) {
		t.Error("HasKind")
	}
}

// The expiry list of a provider by a day: its licences with an end and
// its current caregivers' certificates valid no later than that day,
// soonest first; office staff hold no certificates that count, and a
// lapsed entry is one whose last day is behind today.
func TestExpiriesBy(t *testing.T) {
	d := func(s string) calendar.Date {
		v, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cert := func(k provider.CertificateKind, n, to string) provider.Certificate {
		return provider.Certificate{Kind: k, Number: n, Issuer: "沪", ExpiresOn: d(to)}
	}
	p := &provider.Provider{
		Profile: provider.Profile{Licences: []provider.Licence{
			{Kind: provider.HomeCare, Number: "L1"},
			{Kind: provider.Canteen, Number: "L2", ValidTo: d("2026-12-31")},
			{Kind: provider.DayCareCentre, Number: "L3", ValidTo: d("2026-11-30")},
		}},
		Staff: []provider.Staff{
			{UserID: "c1", Role: provider.StaffCaregiver, Caregiver: &provider.Caregiver{Certificates: []provider.Certificate{
				cert(provider.Nurse, "C1", "2026-12-15"), cert(provider.ElderlyCareWorker, "C2", "2028-01-01")}}},
			{UserID: "c2", Role: provider.StaffCaregiver}, // no profile yet
			{UserID: "o1", Role: provider.StaffOffice},
		},
	}
	got := p.Expiries(d("2026-12-31"))
	var numbers []string
	for _, e := range got {
		numbers = append(numbers, e.Number)
	}
	if want := []string{"L3", "C1", "L2"}; !slices.Equal(numbers, want) {
		t.Fatalf("expiries by the year's end: %v, want %v", numbers, want)
	}
	if c := got[1]; c.What != "certificate" || c.Type != "nurse" || c.CaregiverID != "c1" {
		t.Errorf("the certificate: %+v", c)
	}
	if l := got[0]; l.What != "licence" || l.Type != "day_care_centre" || l.CaregiverID != "" {
		t.Errorf("the licence: %+v", l)
	}
	today := d("2026-12-01")
	if !got[0].LapsedOn(today) || got[1].LapsedOn(today) || got[1].LapsedOn(d("2026-12-15")) || !got[1].LapsedOn(d("2026-12-16")) {
		t.Error("LapsedOn")
	}
	if n := len(p.Expiries(d("2026-11-29"))); n != 0 {
		t.Errorf("%d expiries before anything is due", n)
	}
}
