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

// The provider's own changes, recorded in the write that makes them.
// They tell its admins what the platform and the regulator decided, and
// they feed the regulator's indicators (app/indicators), which count
// providers by kind, verification and credit, and their certified
// caregivers.
const (
	EventRegistered          event.Type = "provider.registered"
	EventVerificationChanged event.Type = "provider.verification_changed"
	EventCreditChanged       event.Type = "provider.credit_changed"
	// EventUpdated is a profile edited or a caregiver entered, changed or
	// gone: it tells nobody (an admin made the change), it keeps the
	// indicators current (a provider's region and kinds, the count of
	// certified caregivers).
	EventUpdated event.Type = "provider.updated"
)

// EventTypes are the types the provider records.
var EventTypes = []event.Type{EventCertificateExpiring, EventRegistered, EventVerificationChanged,
	EventCreditChanged, EventUpdated}

func (p *Provider) announce(id string, t event.Type, now time.Time, extra map[string]string) {
	data := map[string]string{"provider": p.Profile.LegalName}
	for k, v := range extra {
		if v != "" {
			data[k] = v
		}
	}
	e, err := event.New(id, t, event.Subject{Kind: "provider", ID: p.ID}, now, data)
	if err != nil {
		return // unreachable: id, type, subject and time are all set by the callers
	}
	p.Record(e)
}

// AnnounceUpdated records that the caregivers changed (one was entered,
// edited or removed), in the same write.
func (p *Provider) AnnounceUpdated(eventID string, now time.Time) {
	p.announce(eventID, EventUpdated, now, nil)
}

func (p *Provider) announceVerification(eventID string, now time.Time) {
	p.announce(eventID, EventVerificationChanged, now, map[string]string{"status": string(p.Status), "reason": p.Reason})
}
