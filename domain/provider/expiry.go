package provider

import (
	"slices"

	"github.com/kincare/kincare/domain/calendar"
)

// Expiry is a licence of the provider or a certificate of one of its
// caregivers that is valid no later than a given day (证照到期): what a
// regulator follows up before it lapses, or after.
type Expiry struct {
	// What is "licence" or "certificate"; Type is the licence's kind of
	// business or the certificate's kind.
	What        string
	Type        string
	Number      string
	CaregiverID string // certificates only
	ValidTo     calendar.Date
}

// Expiries lists the provider's licences with an end, and its current
// caregivers' certificates, whose last valid day is day or before,
// soonest first.
func (p *Provider) Expiries(day calendar.Date) []Expiry {
	var out []Expiry
	for _, l := range p.Profile.Licences {
		if !l.ValidTo.IsZero() && !day.Before(l.ValidTo) {
			out = append(out, Expiry{What: "licence", Type: string(l.Kind), Number: l.Number, ValidTo: l.ValidTo})
		}
	}
	for _, s := range p.Staff {
		if s.Role != StaffCaregiver || s.Caregiver == nil {
			continue
		}
		for _, c := range s.Caregiver.Certificates {
			if !day.Before(c.ExpiresOn) {
				out = append(out, Expiry{What: "certificate", Type: string(c.Kind), Number: c.Number,
					CaregiverID: s.UserID, ValidTo: c.ExpiresOn})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Expiry) int {
		switch {
		case a.ValidTo.Before(b.ValidTo):
			return -1
		case b.ValidTo.Before(a.ValidTo):
			return 1
		}
		return 0
	})
	return out
}

// LapsedOn reports whether the licence or certificate is no longer valid
// on today: its last valid day is behind it.
func (e Expiry) LapsedOn(today calendar.Date) bool { return e.ValidTo.Before(today) }
