package homedevice

import (
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// The rules that watch devices for what did not happen: a door of an
// elder living alone that nobody opened for a day, a device that fell
// silent. Both are judged from the times events left on the device
// (LastOpenedAt, LastSeenAt), each stored only when it moved by
// SeenEvery or more: the stored time may be up to SeenEvery older than
// the real last event, so a rule may fire up to SeenEvery early. Ten
// minutes of a day's or two days' watch, traded against a write per event.
const (
	// DefaultDoorQuiet is how long a door may stay shut before the elder
	// living alone behind it is checked on (DOOR_INACTIVE_AFTER).
	DefaultDoorQuiet = 24 * time.Hour
	// DefaultSilence is how long a device may report nothing before it is
	// reported offline (DEVICE_OFFLINE_AFTER): vendors send a heartbeat
	// at least daily, so two days without one is a dead battery, a lost
	// network or a device taken down.
	DefaultSilence = 48 * time.Hour
)

// EventOffline tells the family and the station on duty that a device
// stopped reporting: an SOS button that is offline calls nobody.
const EventOffline event.Type = "home_device.offline"

// DoorQuietSince is when the door was last opened, or registered if it
// never was: the start of the current quiet spell.
func (d Device) DoorQuietSince() time.Time {
	if d.LastOpenedAt.After(d.RegisteredAt) {
		return d.LastOpenedAt
	}
	return d.RegisteredAt
}

// DoorQuiet reports whether d is a door sensor that has seen no opening
// for quiet at now, in a spell the door rule has not dealt with yet.
// Whether the elder lives alone is for the caller to judge.
func (d Device) DoorQuiet(now time.Time, quiet time.Duration) bool {
	since := d.DoorQuietSince()
	return d.Kind == DoorSensor && now.Sub(since) >= quiet && !d.DoorHandledFor.Equal(since)
}

// Silent reports whether d has reported nothing for silence at now and
// was not reported offline for this silence yet.
func (d Device) Silent(now time.Time, silence time.Duration) bool {
	return now.Sub(d.LastSeenAt) >= silence && !d.OfflineFor.Equal(d.LastSeenAt)
}

// OfflineEvent is the announcement that d fell silent for silence;
// elderName is for the push, stationID the provider on duty for the
// elder's address ("" when none serves it).
func (d Device) OfflineEvent(id, elderName, stationID string, silence time.Duration, now time.Time) (event.Event, error) {
	data := map[string]string{"deviceId": d.ID, "elderId": d.ElderID, "familyId": d.FamilyID, "elder": elderName,
		"kind": string(d.Kind), "serial": d.Serial, "hours": strconv.Itoa(int(silence.Hours())),
		"lastSeenAt": d.LastSeenAt.UTC().Format(time.RFC3339)}
	if stationID != "" {
		data["stationId"] = stationID
	}
	return event.New(id, EventOffline, event.Subject{Kind: "home_device", ID: d.ID}, now, data)
}
