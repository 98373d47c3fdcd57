package homedevices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
)

// Watched is what the watch reads and writes of devices: the candidates
// of each rule, a page at a time in id order, and the marks that make
// each rule fire once per quiet spell or silence.
type Watched interface {
	QuietDoors(ctx context.Context, cutoff time.Time, after string, limit int) ([]homedevice.Device, error)
	Silent(ctx context.Context, cutoff time.Time, after string, limit int) ([]homedevice.Device, error)
	MarkDoorHandled(ctx context.Context, id string, since time.Time) (bool, error)
	MarkOffline(ctx context.Context, d homedevice.Device, e event.Event) (bool, error)
}

// Stations finds the provider on emergency duty for an address
// (incidents.NearestStation): the one told a device there went offline.
type Stations interface {
	OnDutyFor(ctx context.Context, a geo.Address) (string, []string, error)
}

// watchPage bounds the devices one query of the watch reads.
const watchPage = 200

// WatchResult is what one pass of the watch did.
type WatchResult struct {
	DoorAlarms int // door_inactive incidents raised
	Offline    int // devices reported offline
}

// Watch applies the rules of what did not happen: a door sensor of an
// elder living alone that saw no opening for DoorQuiet raises a
// door_inactive incident (once per quiet spell; a door of an elder who
// does not live alone is only marked as seen to); a device silent for
// Silence is reported offline to the family and the station on duty
// (once per silence). It runs every DEVICE_WATCH_INTERVAL in every
// replica that runs jobs: the marks are conditional writes, so two
// replicas report a device once. An incident raised just before a crash
// that kept its mark from being written is raised again on the next
// pass: an alarm twice rather than never.
func (s *Service) Watch(ctx context.Context) (WatchResult, error) {
	now := s.d.Now()
	var res WatchResult
	doors, derr := s.watchDoors(ctx, now)
	res.DoorAlarms = doors
	offline, oerr := s.watchSilence(ctx, now)
	res.Offline = offline
	return res, errors.Join(derr, oerr)
}

func (s *Service) watchDoors(ctx context.Context, now time.Time) (int, error) {
	raised := 0
	var errs []error
	for after := ""; ; {
		ds, err := s.d.Watched.QuietDoors(ctx, now.Add(-s.d.DoorQuiet), after, watchPage)
		if err != nil {
			return raised, errors.Join(append(errs, err)...)
		}
		for _, d := range ds {
			if !d.DoorQuiet(now, s.d.DoorQuiet) {
				continue
			}
			ok, err := s.doorQuiet(ctx, d)
			if err != nil {
				errs = append(errs, fmt.Errorf("door %s: %w", d.ID, err))
			}
			if ok {
				raised++
			}
		}
		if len(ds) < watchPage {
			return raised, errors.Join(errs...)
		}
		after = ds[len(ds)-1].ID
	}
}

// doorQuiet raises the alarm of one quiet door if its elder lives alone,
// then marks the spell dealt with.
func (s *Service) doorQuiet(ctx context.Context, d homedevice.Device) (bool, error) {
	e, err := s.d.Elders.Get(ctx, d.ElderID)
	if err != nil && !fault.Is(err, elder.ErrNotFound) {
		return false, err
	}
	raised := false
	if err == nil && e.Profile.Living == elder.LivesAlone {
		_, err := s.d.Alarms.RaiseFromDevice(ctx, d.ElderID, incident.DoorInactive, d.ID, "")
		switch {
		case errors.Is(err, elder.ErrRemovalUnderway):
			// The spell stays unhandled until the removal ends: the
			// device goes with the elder, or, the removal taken back,
			// the next watch raises it.
			return false, nil
		case fault.Is(err, elder.ErrNotFound):
			// The elder was removed meanwhile: the device goes with them.
		case err != nil:
			return false, err
		default:
			raised = true
		}
	}
	if _, err := s.d.Watched.MarkDoorHandled(ctx, d.ID, d.DoorQuietSince()); err != nil {
		return raised, err
	}
	return raised, nil
}

func (s *Service) watchSilence(ctx context.Context, now time.Time) (int, error) {
	reported := 0
	var errs []error
	for after := ""; ; {
		ds, err := s.d.Watched.Silent(ctx, now.Add(-s.d.Silence), after, watchPage)
		if err != nil {
			return reported, errors.Join(append(errs, err)...)
		}
		for _, d := range ds {
			if !d.Silent(now, s.d.Silence) {
				continue
			}
			ok, err := s.reportOffline(ctx, d, now)
			if err != nil {
				errs = append(errs, fmt.Errorf("device %s: %w", d.ID, err))
			}
			if ok {
				reported++
			}
		}
		if len(ds) < watchPage {
			return reported, errors.Join(errs...)
		}
		after = ds[len(ds)-1].ID
	}
}

func (s *Service) reportOffline(ctx context.Context, d homedevice.Device, now time.Time) (bool, error) {
	name, station := "", ""
	e, err := s.d.Elders.Get(ctx, d.ElderID)
	switch {
	case err == nil:
		name = e.Profile.Name
		if station, _, err = s.d.Stations.OnDutyFor(ctx, e.Profile.Address); err != nil {
			return false, err
		}
	case !fault.Is(err, elder.ErrNotFound):
		return false, err
	}
	ev, err := d.OfflineEvent(s.d.NewID(), name, station, s.d.Silence, now)
	if err != nil {
		return false, err
	}
	return s.d.Watched.MarkOffline(ctx, d, ev)
}

// Audiences says who hears that a device went offline: the elder's
// family, and the office of the station that serves the elder's address
// (who keep the community's devices working). A device registered or
// removed tells nobody: whoever did it knows.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{homedevice.EventOffline: notify.AudienceFunc(s.offlineHearers),
		homedevice.EventRegistered: notify.AudienceFunc(nobody), homedevice.EventRemoved: notify.AudienceFunc(nobody)}
}

func nobody(context.Context, event.Event) ([]notify.Recipient, error) { return nil, nil }

func (s *Service) offlineHearers(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	var out notify.Hearers
	if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
		return nil, err
	}
	if id := e.Data["stationId"]; id != "" {
		if err := out.AddOffice(ctx, s.d.Providers, id); err != nil {
			return nil, err
		}
	}
	return out.Recipients(), nil
}
