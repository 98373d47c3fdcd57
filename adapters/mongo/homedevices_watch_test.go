package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/test/testenv"
)

// Replicas watching at once report a silent device once: of 30
// concurrent MarkOffline calls for one silence exactly one writes, and
// the outbox holds its one event; the same for the door rule's mark.
// After the device is seen again, the next silence is reported anew.
func TestASilentDeviceIsReportedOnceByRacingWatches(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	devices := store.HomeDevices()
	reg := time.Now().UTC().Add(-100 * time.Hour).Truncate(time.Millisecond)
	d, err := homedevice.New("elder-"+fmt.Sprint(reg.UnixNano()), "fam", homedevice.DoorSensor, "acme",
		fmt.Sprintf("W%d", reg.UnixNano()), "u", reg)
	if err != nil {
		t.Fatal(err)
	}
	registered, err := d.Announce(homedevice.EventRegistered, fmt.Sprintf("ev-%d-reg", reg.UnixNano()), reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := devices.Create(ctx, d, registered); err != nil {
		t.Fatal(err)
	}
	now := reg.Add(homedevice.DefaultSilence)
	silent, err := devices.Silent(ctx, now.Add(-homedevice.DefaultSilence), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range silent {
		found = found || s.ID == d.ID
	}
	if !found {
		t.Fatalf("a device silent for two days is not among the %d silent ones", len(silent))
	}
	quiet, err := devices.QuietDoors(ctx, now.Add(-homedevice.DefaultDoorQuiet), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, q := range quiet {
		found = found || q.ID == d.ID
	}
	if !found {
		t.Fatalf("a door never opened since registration is not among the %d quiet ones", len(quiet))
	}

	race := func(mark func(i int) (bool, error)) int {
		var won atomic.Int32
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := mark(i)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		return int(won.Load())
	}
	if n := race(func(i int) (bool, error) {
		e, err := d.OfflineEvent(fmt.Sprintf("ev-%d-%d", reg.UnixNano(), i), "王秀英", "", homedevice.DefaultSilence, now)
		if err != nil {
			return false, err
		}
		return devices.MarkOffline(ctx, d, e)
	}); n != 1 {
		t.Errorf("%d of 30 racing watches reported the device offline, want 1", n)
	}
	if n := race(func(int) (bool, error) { return devices.MarkDoorHandled(ctx, d.ID, d.DoorQuietSince()) }); n != 1 {
		t.Errorf("%d of 30 racing watches marked the quiet spell, want 1", n)
	}
	events := 0
	batches, err := store.Outbox().Pending(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		for _, e := range b.Events {
			if b.DocID == d.ID && e.Type == homedevice.EventOffline {
				events++
			}
		}
	}
	if events != 1 {
		t.Errorf("the device's outbox holds %d events, want the one report", events)
	}
	got, err := devices.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Silent(now, homedevice.DefaultSilence) || got.DoorQuiet(now, homedevice.DefaultDoorQuiet) {
		t.Errorf("after the marks the device still calls for both rules: %+v", got)
	}
	// Seen again, then silent again: a new silence.
	back := now.Add(time.Hour)
	got.Seen(homedevice.Event{Type: homedevice.EventHeartbeat, OccurredAt: back, ReceivedAt: back})
	if err := devices.Touch(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, err := devices.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	later := back.Add(homedevice.DefaultSilence)
	if !again.Silent(later, homedevice.DefaultSilence) {
		t.Fatalf("a device seen again and silent two days more is not silent: %+v", again)
	}
	e, _ := again.OfflineEvent(fmt.Sprintf("ev-%d-again", reg.UnixNano()), "王秀英", "", homedevice.DefaultSilence, later)
	if ok, err := devices.MarkOffline(ctx, again, e); err != nil || !ok {
		t.Errorf("the second silence was not reported: %v, %v", ok, err)
	}
}
