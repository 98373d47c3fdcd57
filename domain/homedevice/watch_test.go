package homedevice_test

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/homedevice"
)

func TestADoorIsQuietADayAfterItsLastOpeningOnce(t *testing.T) {
	reg := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	d, err := homedevice.New("elder", "fam", homedevice.DoorSensor, "acme", "D1", "u", reg)
	if err != nil {
		t.Fatal(err)
	}
	day := homedevice.DefaultDoorQuiet
	if d.DoorQuiet(reg.Add(day-time.Second), day) {
		t.Error("a door registered a second less than a day ago is quiet")
	}
	if !d.DoorQuiet(reg.Add(day), day) {
		t.Error("a door never opened in the day since it was registered is not quiet")
	}
	d.DoorHandledFor = d.DoorQuietSince()
	if d.DoorQuiet(reg.Add(3*day), day) {
		t.Error("a quiet spell already dealt with fires again")
	}
	opened := reg.Add(2 * day)
	d.Seen(homedevice.Event{Type: homedevice.EventDoorOpen, OccurredAt: opened, ReceivedAt: opened})
	if d.DoorQuiet(opened.Add(day-time.Second), day) {
		t.Error("a door opened less than a day ago is quiet")
	}
	if !d.DoorQuiet(opened.Add(day), day) {
		t.Error("a new quiet spell after an opening does not fire")
	}
	meter, _ := homedevice.New("elder", "fam", homedevice.SmartMeter, "acme", "M1", "u", reg)
	if meter.DoorQuiet(reg.Add(10*day), day) {
		t.Error("a smart meter is judged by the door rule")
	}
}

func TestADeviceSilentTwoDaysIsReportedOncePerSilence(t *testing.T) {
	reg := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	d, _ := homedevice.New("elder", "fam", homedevice.SOSButton, "acme", "S1", "u", reg)
	silence := homedevice.DefaultSilence
	if d.Silent(reg.Add(silence-time.Second), silence) {
		t.Error("silent before two days passed")
	}
	if !d.Silent(reg.Add(silence), silence) {
		t.Error("not silent after two days")
	}
	d.OfflineFor = d.LastSeenAt
	if d.Silent(reg.Add(5*silence), silence) {
		t.Error("reported twice for one silence")
	}
	back := reg.Add(3 * silence)
	d.Seen(homedevice.Event{Type: homedevice.EventHeartbeat, OccurredAt: back, ReceivedAt: back})
	if !d.Silent(back.Add(silence), silence) {
		t.Error("a device that came back and fell silent again is not reported")
	}
	e, err := d.OfflineEvent("ev1", "王秀兰", "station", silence, back.Add(silence))
	if err != nil || e.Type != homedevice.EventOffline || e.Data["stationId"] != "station" || e.Data["hours"] != "48" ||
		e.Data["lastSeenAt"] != back.Format(time.RFC3339) {
		t.Errorf("offline event %+v, %v", e, err)
	}
}
