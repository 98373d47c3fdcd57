package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
)

// EventCertificateExpiring reminds a caregiver and their provider's
// admins that a certificate lapses soon: an expired one stops qualifying
// the caregiver for the services it covers.
const EventCertificateExpiring event.Type = "provider.certificate_expiring"

// reminderHour is when, in the provider's zone, renewal reminders go.
const reminderHour = 9

// AnnounceCertificates records, for each certificate of userID, a
// reminder at 09:00 in the provider's zone CertificateWarningDays before
// it lapses (at once when that is past); lapsed certificates are history
// and remind nobody. A reminder's id is derived from
// the certificate, so entering the same caregiver again records nothing
// new and a renewed certificate gets its own.
func (p *Provider) AnnounceCertificates(userID string, now time.Time) error {
	s := p.StaffMember(userID)
	if s == nil || s.Caregiver == nil {
		return ErrNotCaregiver
	}
	loc, err := time.LoadLocation(p.Profile.TimeZone)
	if err != nil {
		loc = time.UTC // validated when the profile was set
	}
	today := calendar.Today(now, loc)
	for _, c := range s.Caregiver.Certificates {
		if c.ExpiresOn.Before(today) {
			continue
		}
		warn := c.ExpiresOn.AddDays(-CertificateWarningDays)
		due := time.Date(warn.Year, warn.Month, warn.Day, reminderHour, 0, 0, 0, loc)
		e, err := event.Reminder(certificateReminderID(p.ID, userID, c), EventCertificateExpiring,
			event.Subject{Kind: "provider", ID: p.ID}, now, due, map[string]string{
				"provider": p.Profile.LegalName, "caregiverId": userID, "certificate": string(c.Kind),
				"number": c.Number, "expiresOn": c.ExpiresOn.String()})
		if err != nil {
			return err
		}
		p.Record(e)
	}
	return nil
}

func certificateReminderID(providerID, userID string, c Certificate) string {
	sum := sha256.Sum256([]byte(providerID + "\x00" + userID + "\x00" + string(c.Kind) + "\x00" + c.Number +
		"\x00" + c.ExpiresOn.String()))
	return "cert-" + hex.EncodeToString(sum[:16])
}

// StillExpiring reports whether the reminder e still applies: the
// caregiver still works here and holds that certificate with that expiry
// (not renewed, not removed).
func (p *Provider) StillExpiring(e event.Event) bool {
	s := p.StaffMember(e.Data["caregiverId"])
	if s == nil || s.Caregiver == nil {
		return false
	}
	for _, c := range s.Caregiver.Certificates {
		if string(c.Kind) == e.Data["certificate"] && c.Number == e.Data["number"] &&
			c.ExpiresOn.String() == e.Data["expiresOn"] {
			return true
		}
	}
	return false
}
