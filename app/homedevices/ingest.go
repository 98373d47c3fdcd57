package homedevices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/homedevice"
)

// Signed is a vendor's request as it arrived: the body exactly as sent,
// since the signature covers its bytes.
type Signed struct {
	Vendor    string
	Timestamp string
	Signature string
	Body      []byte
}

// Ingested is what became of an event.
type Ingested struct {
	EventID    string
	Duplicate  bool
	IncidentID string
}

type eventBody struct {
	EventID    string    `json:"eventId"`
	Serial     string    `json:"serial"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurredAt"`
}

// ErrEventInvalid is a signed body that is not an event kincare takes.
var ErrEventInvalid = fault.New(fault.Unprocessable, "device_event_invalid")

// Ingest verifies a vendor's signed event, stores it once, refreshes its
// device's last-seen time and raises the incident an alarm calls for.
// The signature window is judged by the system clock, as the vendor's
// timestamp is. Every outcome is counted.
func (s *Service) Ingest(ctx context.Context, req Signed) (Ingested, error) {
	res, outcome, err := s.ingest(ctx, req)
	s.d.Counter.Count(outcome)
	return res, err
}

func (s *Service) ingest(ctx context.Context, req Signed) (Ingested, string, error) {
	wall := time.Now()
	if err := homedevice.Verify(s.d.Vendors[req.Vendor], req.Timestamp, req.Signature, req.Body, wall); err != nil {
		if errors.Is(err, homedevice.ErrStale) {
			return Ingested{}, OutcomeStale, err
		}
		return Ingested{}, OutcomeBadSignature, err
	}
	var b eventBody
	if err := json.Unmarshal(req.Body, &b); err != nil || b.EventID == "" || len(b.EventID) > 128 ||
		!slices.Contains(homedevice.EventTypes, homedevice.EventType(b.Type)) {
		return Ingested{}, OutcomeInvalid, ErrEventInvalid
	}
	now := s.d.Now()
	d, err := s.device(ctx, homedevice.IDOf(req.Vendor, b.Serial))
	if err != nil {
		if fault.Is(err, homedevice.ErrNotFound) {
			return Ingested{}, OutcomeUnknownDevice, err
		}
		return Ingested{}, OutcomeFailed, err
	}
	e := homedevice.Event{Vendor: req.Vendor, EventID: b.EventID, Serial: b.Serial, Type: homedevice.EventType(b.Type),
		OccurredAt: b.OccurredAt.UTC(), ReceivedAt: now.UTC()}
	_, alarm := e.Type.Alarm()
	if seen, err := s.d.Seen.Seen(ctx, e.Key()); err == nil && seen {
		return Ingested{EventID: b.EventID, Duplicate: true}, OutcomeDuplicate, nil
	}
	stored, err := s.d.Events.Insert(ctx, StoredEvent{Event: e, DeviceID: d.ID, ElderID: d.ElderID, Unraised: alarm})
	if err != nil {
		return Ingested{}, OutcomeFailed, err
	}
	if !stored {
		return Ingested{EventID: b.EventID, Duplicate: true}, OutcomeDuplicate, nil
	}
	if err := s.d.Seen.Remember(ctx, e.Key()); err != nil {
		s.d.Log.Warn("stored device event not remembered in Redis; a retry meets the store", "err", err)
	}
	if d.Seen(e) {
		if err := s.d.Devices.Touch(ctx, d); err != nil {
			s.d.Log.Warn("device last-seen time not stored", "device", d.ID, "err", err)
		} else {
			s.cache.put(d, time.Now())
		}
	}
	out := Ingested{EventID: b.EventID}
	if alarm {
		id, err := s.raise(ctx, StoredEvent{Event: e, DeviceID: d.ID, ElderID: d.ElderID})
		if err != nil {
			// Stored as unraised: RaisePending raises it. The vendor is
			// told the event is in.
			s.d.Log.Warn("device alarm stored, incident left to the repair", "event", e.Key(), "err", err)
		}
		out.IncidentID = id
	}
	return out, OutcomeAccepted, nil
}

// raise raises the incident of an alarm event and records it raised. An
// elder removed raises nothing (the device goes with them, app/elders
// Delete): the event is recorded as dealt with, so the repair does not
// try it for ever. An elder whose removal is under way raises nothing
// yet (elder.ErrRemovalUnderway): the event stays unraised until the
// removal ends — the elder gone, it is dealt with; the removal having
// died and been taken back (app/families RepairRemovals), it is raised.
func (s *Service) raise(ctx context.Context, e StoredEvent) (string, error) {
	k, _ := e.Type.Alarm()
	id, err := s.d.Alarms.RaiseFromDevice(ctx, e.ElderID, k, e.DeviceID, "")
	if errors.Is(err, elder.ErrRemovalUnderway) {
		return "", err
	}
	if fault.Is(err, elder.ErrNotFound) {
		return "", s.d.Events.MarkRaised(ctx, e.Key())
	}
	if err != nil {
		return "", err
	}
	if err := s.d.Events.MarkRaised(ctx, e.Key()); err != nil {
		return id, err
	}
	return id, nil
}

func (s *Service) device(ctx context.Context, id string) (homedevice.Device, error) {
	if d, ok := s.cache.get(id, time.Now()); ok {
		return d, nil
	}
	d, err := s.d.Devices.Get(ctx, id)
	if err != nil {
		return d, err
	}
	s.cache.put(d, time.Now())
	return d, nil
}

// RaisePending raises the incidents of alarm events a crash left without
// one (older than a minute, so an ingest still running finishes first).
// Raising twice merges into the same incident within its minute and is
// recorded as raised again otherwise; the alarm is not lost either way.
func (s *Service) RaisePending(ctx context.Context) (int, error) {
	evs, err := s.d.Events.Unraised(ctx, s.d.Now().Add(-time.Minute), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, e := range evs {
		_, err := s.raise(ctx, e)
		if errors.Is(err, elder.ErrRemovalUnderway) {
			continue // waits, unraised, for the removal to end
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("event %s: %w", e.Key(), err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
