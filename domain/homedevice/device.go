// Package homedevice is a smart home terminal installed for an elder
// (an SOS button, a fall detector, a door sensor, a smoke detector, a
// smart meter) and the events its vendor's platform reports: which raise
// an incident at once, which only show the device and the elder are
// alive. Pure domain code.
package homedevice

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// Kind is what a device is. The names are part of the API.
type Kind string

const (
	SOSButton     Kind = "sos_button"
	FallDetector  Kind = "fall_detector"
	DoorSensor    Kind = "door_sensor"
	SmokeDetector Kind = "smoke_detector"
	SmartMeter    Kind = "smart_meter"
)

// Kinds lists every kind.
var Kinds = []Kind{SOSButton, FallDetector, DoorSensor, SmokeDetector, SmartMeter}

var (
	ErrNotFound = fault.New(fault.NotFound, "home_device_not_found")
	ErrInvalid  = fault.New(fault.Unprocessable, "home_device_invalid")
	ErrExists   = fault.New(fault.Conflict, "home_device_exists")

	vendorName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	serialNo   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// SeenEvery is how stale a device's last-seen time may be in storage:
// events refresh it at most this often, so a busy device costs one write
// per interval, not one per event.
const SeenEvery = 10 * time.Minute

// Device is one document; its id is its vendor and serial, so an event
// finds it by id alone.
type Device struct {
	ID           string
	ElderID      string
	FamilyID     string
	Kind         Kind
	Vendor       string
	Serial       string
	RegisteredBy string
	RegisteredAt time.Time
	// LastSeenAt and LastOpenedAt (door sensors) are kept to within
	// SeenEvery.
	LastSeenAt   time.Time
	LastOpenedAt time.Time
	// DoorHandledFor is the quiet spell (its DoorQuietSince) the door
	// rule has dealt with, alarm raised or not needed; OfflineFor is the
	// LastSeenAt the device was reported offline for. Zero: not yet.
	DoorHandledFor time.Time
	OfflineFor     time.Time
}

// IDOf is the id of the device a vendor knows by serial.
func IDOf(vendor, serial string) string { return vendor + ":" + serial }

// New registers a device for an elder of familyID.
func New(elderID, familyID string, kind Kind, vendor, serial, by string, now time.Time) (Device, error) {
	vendor, serial = strings.TrimSpace(vendor), strings.TrimSpace(serial)
	var fields []fault.FieldError
	if !slices.Contains(Kinds, kind) {
		fields = append(fields, fault.FieldError{Field: "/kind", Code: "enum"})
	}
	if !vendorName.MatchString(vendor) {
		fields = append(fields, fault.FieldError{Field: "/vendor", Code: "pattern"})
	}
	if !serialNo.MatchString(serial) {
		fields = append(fields, fault.FieldError{Field: "/serial", Code: "pattern"})
	}
	if len(fields) > 0 {
		return Device{}, ErrInvalid.WithFields(fields...)
	}
	now = now.UTC()
	return Device{ID: IDOf(vendor, serial), ElderID: elderID, FamilyID: familyID, Kind: kind, Vendor: vendor,
		Serial: serial, RegisteredBy: by, RegisteredAt: now, LastSeenAt: now}, nil
}

// EventType is what a vendor reports. The names are part of the API.
type EventType string

const (
	EventSOS       EventType = "sos"
	EventFall      EventType = "fall"
	EventSmoke     EventType = "smoke"
	EventDoorOpen  EventType = "door_open"
	EventHeartbeat EventType = "heartbeat"
)

// EventTypes lists every type.
var EventTypes = []EventType{EventSOS, EventFall, EventSmoke, EventDoorOpen, EventHeartbeat}

// Alarm is the incident an event raises at once, if any.
func (t EventType) Alarm() (incident.Kind, bool) {
	switch t {
	case EventSOS:
		return incident.SOS, true
	case EventFall:
		return incident.Fall, true
	case EventSmoke:
		return incident.Smoke, true
	}
	return "", false
}

// Event is one report of a vendor's platform, unique by vendor and the
// vendor's event id.
type Event struct {
	Vendor     string
	EventID    string
	Serial     string
	Type       EventType
	OccurredAt time.Time
	ReceivedAt time.Time
}

// Key is the event's identity: a vendor's event id is unique for it.
func (e Event) Key() string { return e.Vendor + ":" + e.EventID }

// Seen applies an event to the device and reports whether storage must
// hear of it: the last-seen or last-opened time moved by SeenEvery or
// more. Times are the vendor's, bounded by when the event arrived.
func (d *Device) Seen(e Event) bool {
	at := e.OccurredAt
	if at.IsZero() || at.After(e.ReceivedAt) {
		at = e.ReceivedAt
	}
	changed := false
	if at.Sub(d.LastSeenAt) >= SeenEvery {
		d.LastSeenAt, changed = at, true
	}
	if e.Type == EventDoorOpen && at.Sub(d.LastOpenedAt) >= SeenEvery {
		d.LastOpenedAt, changed = at, true
	}
	return changed
}

// A device installed for an elder, or taken away, is announced in the
// write that makes the change. The family or the provider did it, so it
// tells nobody; it keeps the regulator's 智慧养老 coverage (the share of
// elders with a device, app/indicators) current.
const (
	EventRegistered event.Type = "home_device.registered"
	EventRemoved    event.Type = "home_device.removed"
)

// Announce is the event of type t (EventRegistered, EventRemoved) about d.
func (d Device) Announce(t event.Type, id string, now time.Time) (event.Event, error) {
	return event.New(id, t, event.Subject{Kind: "home_device", ID: d.ID}, now,
		map[string]string{"deviceId": d.ID, "elderId": d.ElderID, "familyId": d.FamilyID, "kind": string(d.Kind)})
}
