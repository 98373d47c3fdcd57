package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/app/homedevices"
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
		if err := devices.Create(ctx, d); err != nil {
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
