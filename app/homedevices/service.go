// Package homedevices holds the use cases of smart home terminals: a
// family, or a provider serving the elder, registers a device for an
// elder; vendors' platforms post the
// devices' events, signed per vendor integration (HMAC-SHA256 with a
// timestamp, 5-minute window), stored once by the vendor's event id; an
// SOS, fall or smoke event raises an incident at once (app/incidents).
//
// An event is stored before anything acts on it, with its alarm marked
// unraised until the incident exists, so a crash between the two is
// repaired by RaisePending; a duplicate (a vendor's retry, a replay) is
// refused by the store's unique key and changes nothing.
package homedevices

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
)

// Devices keeps registered devices, one document each, by id. A removed
// device is not found, nor listed.
type Devices interface {
	// Create stores d with its announcement registered, in one write; a
	// vendor's serial registered already is homedevice.ErrExists.
	Create(ctx context.Context, d homedevice.Device, registered event.Event) error
	// Get returns homedevice.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (homedevice.Device, error)
	ForElder(ctx context.Context, elderID string) ([]homedevice.Device, error)
	// Delete removes a device with its announcement removed, in one
	// write; homedevice.ErrNotFound when it is not registered.
	Delete(ctx context.Context, id string, removed event.Event) error
	// Touch stores the device's last-seen and last-opened times.
	Touch(ctx context.Context, d homedevice.Device) error
}

// StoredEvent is an event with the elder it concerns and whether the
// incident it must raise exists yet.
type StoredEvent struct {
	homedevice.Event
	DeviceID string
	ElderID  string
	Unraised bool
}

// Events keeps every accepted event once.
type Events interface {
	// Insert stores e and reports false when its key was stored before.
	Insert(ctx context.Context, e StoredEvent) (bool, error)
	// MarkRaised records that e's incident exists.
	MarkRaised(ctx context.Context, key string) error
	// Unraised lists alarm events received at or before before whose
	// incident was not recorded, at most limit.
	Unraised(ctx context.Context, before time.Time, limit int) ([]StoredEvent, error)
}

// Elders and Families decide who may register a device for an elder.
type (
	Elders interface {
		Get(ctx context.Context, id string) (elder.Elder, error)
	}
	Families interface {
		Get(ctx context.Context, id string) (*family.Family, error)
	}
	// Alarms raises the incident of a device's alarm.
	Alarms interface {
		RaiseFromDevice(ctx context.Context, elderID string, kind incident.Kind, deviceID, note string) (string, error)
	}
	// Serving says whether a provider's office serves an elder
	// (serving.Checker): it may register the elder's devices.
	Serving interface {
		Office(ctx context.Context, userID string, e elder.Elder) (providerID string, ok bool, err error)
	}
	// Counter counts events by outcome, for the metrics.
	Counter interface{ Count(outcome string) }
	// Seen remembers the keys of stored events for a while, so a retry is
	// answered without a write; it may forget, the store never does.
	Seen interface {
		Seen(ctx context.Context, key string) (bool, error)
		Remember(ctx context.Context, key string) error
	}
)

// Deps are the stores, ports and settings the use cases need.
type Deps struct {
	Devices  Devices
	Watched  Watched
	Stations Stations
	// Providers reads the stations told of devices offline.
	Providers notify.ProviderReader
	Events    Events
	Elders    Elders
	Families  Families
	Alarms    Alarms
	Serving   Serving
	Counter   Counter
	Seen      Seen
	// Vendors are the integrations' signing keys, by vendor name.
	Vendors map[string][]byte
	// DoorQuiet and Silence are the watch's spans (DOOR_INACTIVE_AFTER,
	// DEVICE_OFFLINE_AFTER); zero means the domain's defaults.
	DoorQuiet time.Duration
	Silence   time.Duration
	Now       func() time.Time
	NewID     func() string
	Log       *slog.Logger
}

// Service gathers the home-device use cases.
type Service struct {
	d     Deps
	cache deviceCache
}

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Counter == nil {
		d.Counter = noCount{}
	}
	if d.DoorQuiet <= 0 {
		d.DoorQuiet = homedevice.DefaultDoorQuiet
	}
	if d.Silence <= 0 {
		d.Silence = homedevice.DefaultSilence
	}
	return &Service{d: d, cache: deviceCache{m: map[string]cachedDevice{}}}
}

type noCount struct{}

func (noCount) Count(string) {}

// Outcomes of an event, as counted.
const (
	OutcomeAccepted      = "accepted"
	OutcomeDuplicate     = "duplicate"
	OutcomeBadSignature  = "bad_signature"
	OutcomeStale         = "stale"
	OutcomeUnknownDevice = "unknown_device"
	OutcomeInvalid       = "invalid"
	OutcomeFailed        = "failed"
)

// Outcomes lists every outcome.
var Outcomes = []string{OutcomeAccepted, OutcomeDuplicate, OutcomeBadSignature, OutcomeStale, OutcomeUnknownDevice,
	OutcomeInvalid, OutcomeFailed}

// deviceCache keeps devices events found, for cacheTTL: vendors report
// the same devices all day, and a registration or removal on another
// replica shows within that time.
type deviceCache struct {
	mu sync.Mutex
	m  map[string]cachedDevice
}

type cachedDevice struct {
	d  homedevice.Device
	at time.Time
}

const cacheTTL = 30 * time.Second

func (c *deviceCache) get(id string, now time.Time) (homedevice.Device, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.at) > cacheTTL {
		return homedevice.Device{}, false
	}
	return e.d, true
}

func (c *deviceCache) put(d homedevice.Device, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 100_000 {
		clear(c.m)
	}
	c.m[d.ID] = cachedDevice{d: d, at: now}
}

func (c *deviceCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
