package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/app/homedevices"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/test/testenv"
)

// A vendor's events and its retries arriving at once: 200 events, each
// inserted four times concurrently (two copies while the first is being
// written, two after), are stored once each — exactly one insert of
// each reports it stored — and a later copy meets the unique key.
func TestDeviceEventsAreStoredOnceWhateverCopiesRace(t *testing.T) {
	store := testenv.Mongo(t)
	events := store.DeviceEvents()
	ctx := context.Background()
	run := fmt.Sprint(time.Now().UnixNano())
	const n, copies = 200, 4
	var stored [n]atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		e := homedevices.StoredEvent{Event: homedevice.Event{Vendor: "acme", EventID: fmt.Sprintf("%s-%d", run, i),
			Serial: "S1", Type: homedevice.EventHeartbeat, OccurredAt: time.Now().UTC(), ReceivedAt: time.Now().UTC()},
			DeviceID: "acme:S1", ElderID: "elder"}
		for range copies {
			wg.Go(func() {
				ok, err := events.Insert(ctx, e)
				if err != nil {
					t.Error(err)
				}
				if ok {
					stored[i].Add(1)
				}
			})
		}
	}
	wg.Wait()
	for i := range n {
		if got := stored[i].Load(); got != 1 {
			t.Errorf("event %d reported stored by %d of %d copies, want 1", i, got, copies)
		}
	}
	again, err := events.Insert(ctx, homedevices.StoredEvent{Event: homedevice.Event{Vendor: "acme",
		EventID: run + "-0", Serial: "S1", Type: homedevice.EventHeartbeat, ReceivedAt: time.Now().UTC()}})
	if err != nil || again {
		t.Errorf("a later copy: stored %v, err %v; want a duplicate", again, err)
	}
}

// Devices looked up together are read together, and each caller gets its
// own device — or not found for an id nobody registered.
func TestDevicesLookedUpAtOnceEachGetTheirOwn(t *testing.T) {
	store := testenv.Mongo(t)
	devices := store.HomeDevices()
	ctx := context.Background()
	run := fmt.Sprint(time.Now().UnixNano())
	const n = 60
	for i := range n {
		d, err := homedevice.New("elder-"+run, "family-"+run, homedevice.DoorSensor, "acme", fmt.Sprintf("%s-%d", run, i),
			"owner", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		registered, err := d.Announce(homedevice.EventRegistered, fmt.Sprintf("reg-%s-%d", run, i), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := devices.Create(ctx, d, registered); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Go(func() {
			id := homedevice.IDOf("acme", fmt.Sprintf("%s-%d", run, i))
			d, err := devices.Get(ctx, id)
			switch {
			case i < n && (err != nil || d.ID != id || d.ElderID != "elder-"+run):
				t.Errorf("Get(%s) = %+v, %v", id, d, err)
			case i >= n && !errors.Is(err, homedevice.ErrNotFound):
				t.Errorf("Get(%s) of an unregistered device = %+v, %v; want not found", id, d, err)
			}
		})
	}
	wg.Wait()
}

// A removed device is found by nothing (lookups, the elder's list, the
// watch) and removing it again is not found, yet its document carries
// the removal's announcement; its serial registered again is the device
// again, the announcements of both writes kept in order. A serial that
// is registered cannot be registered twice.
func TestARemovedDeviceIsGoneAndAnnounced(t *testing.T) {
	store := testenv.Mongo(t)
	devices := store.HomeDevices()
	ctx := context.Background()
	run := fmt.Sprint(time.Now().UnixNano())
	at := time.Now().UTC().Add(-100 * time.Hour).Truncate(time.Millisecond)
	d, err := homedevice.New("elder-"+run, "family-"+run, homedevice.SOSButton, "acme", "R"+run, "owner", at)
	if err != nil {
		t.Fatal(err)
	}
	announce := func(typ event.Type, n int) event.Event {
		e, err := d.Announce(typ, fmt.Sprintf("ev-%s-%d", run, n), at.Add(time.Duration(n)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if err := devices.Create(ctx, d, announce(homedevice.EventRegistered, 1)); err != nil {
		t.Fatal(err)
	}
	if err := devices.Create(ctx, d, announce(homedevice.EventRegistered, 2)); !errors.Is(err, homedevice.ErrExists) {
		t.Fatalf("registering a registered serial again: %v", err)
	}
	if err := devices.Delete(ctx, d.ID, announce(homedevice.EventRemoved, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := devices.Get(ctx, d.ID); !errors.Is(err, homedevice.ErrNotFound) {
		t.Errorf("a removed device is found: %v", err)
	}
	if list, err := devices.ForElder(ctx, d.ElderID); err != nil || len(list) != 0 {
		t.Errorf("the elder's devices after the removal: %+v %v", list, err)
	}
	silent, err := devices.Silent(ctx, at.Add(homedevice.DefaultSilence), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range silent {
		if s.ID == d.ID {
			t.Error("the watch finds a removed device silent")
		}
	}
	if err := devices.Delete(ctx, d.ID, announce(homedevice.EventRemoved, 4)); !errors.Is(err, homedevice.ErrNotFound) {
		t.Fatalf("removing a removed device: %v", err)
	}
	if err := devices.Create(ctx, d, announce(homedevice.EventRegistered, 5)); err != nil {
		t.Fatalf("registering a removed serial again: %v", err)
	}
	if got, err := devices.Get(ctx, d.ID); err != nil || got.ElderID != d.ElderID {
		t.Errorf("the device registered again: %+v %v", got, err)
	}
	batches, err := store.Outbox().Pending(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range batches {
		for _, e := range b.Events {
			if b.DocID == d.ID {
				got = append(got, e.ID)
			}
		}
	}
	if want := []string{"ev-" + run + "-1", "ev-" + run + "-3", "ev-" + run + "-5"}; !slices.Equal(got, want) {
		t.Errorf("the device's outbox holds %v, want %v", got, want)
	}
}
