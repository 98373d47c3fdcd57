package provider_test

import (
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
