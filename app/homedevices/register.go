package homedevices

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/homedevice"
)

// RegisterCommand is a device to install for an elder.
type RegisterCommand struct {
	ElderID string
	Kind    homedevice.Kind
	Vendor  string
	Serial  string
}

// Register records a device for an elder of the caller's family, or for
// an elder the caller's provider serves (its admins and office staff: a
// station covering the address, a provider with an open order for the
// elder — app/serving). Any other elder is not found; a vendor kincare
// has no integration with cannot send events, so it is refused; a
// serial registered already (for this elder or any other) is a
// conflict.
func (s *Service) Register(ctx context.Context, a actor.Actor, cmd RegisterCommand) (homedevice.Device, error) {
	e, err := s.elderFor(ctx, a, cmd.ElderID)
	if err != nil {
		return homedevice.Device{}, err
	}
	d, err := homedevice.New(e.ID, e.FamilyID, cmd.Kind, cmd.Vendor, cmd.Serial, a.UserID, s.d.Now())
	if err != nil {
		return homedevice.Device{}, err
	}
	if _, ok := s.d.Vendors[d.Vendor]; !ok {
		return homedevice.Device{}, homedevice.ErrInvalid.WithFields(fault.FieldError{Field: "/vendor", Code: "unknown_vendor"})
	}
	registered, err := d.Announce(homedevice.EventRegistered, s.d.NewID(), s.d.Now())
	if err != nil {
		return homedevice.Device{}, err
	}
	if err := s.d.Devices.Create(ctx, d, registered); err != nil {
		return homedevice.Device{}, err
	}
	// This replica knows the device as stored: its first events need not
	// read it back.
	s.cache.put(d, time.Now())
	return d, nil
}

// ForElder lists an elder's devices to the elder's family and to the
// office of a provider serving the elder.
func (s *Service) ForElder(ctx context.Context, a actor.Actor, elderID string) ([]homedevice.Device, error) {
	if _, err := s.elderFor(ctx, a, elderID); err != nil {
		return nil, err
	}
	return s.d.Devices.ForElder(ctx, elderID)
}

// Remove unregisters a device of an elder of the caller's family, or of
// an elder the caller's provider serves; its events are kept with the
// elder's incidents.
func (s *Service) Remove(ctx context.Context, a actor.Actor, id string) error {
	d, err := s.d.Devices.Get(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.elderFor(ctx, a, d.ElderID); err != nil {
		return homedevice.ErrNotFound
	}
	if err := s.remove(ctx, d); err != nil {
		return err
	}
	s.cache.forget(id)
	return nil
}

// elderFor loads an elder whose devices the caller manages: a member of
// the elder's family, or the office of a provider serving the elder.
// Anyone else meets no such elder.
func (s *Service) elderFor(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, error) {
	if a.UserID == "" {
		return elder.Elder{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, err
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return elder.Elder{}, err
	}
	if f != nil && f.RequireMember(a.UserID) == nil {
		return e, nil
	}
	if s.d.Serving != nil {
		if _, ok, err := s.d.Serving.Office(ctx, a.UserID, e); err != nil || ok {
			return e, err
		}
	}
	return elder.Elder{}, elder.ErrNotFound
}

// Online reports whether a device was seen within span of now.
func Online(d homedevice.Device, now time.Time, span time.Duration) bool {
	return now.Sub(d.LastSeenAt) < span+homedevice.SeenEvery
}

// ElderRemoved removes the elder's devices when the elder is removed or
// their family dissolves (app/elders Stop): a device left registered
// would keep raising alarms for an elder nobody sees any more. This
// replica forgets them at once; another finds them gone within its
// cache's 30 s. Idempotent.
func (s *Service) ElderRemoved(ctx context.Context, _ actor.Actor, elderID string) error {
	ds, err := s.d.Devices.ForElder(ctx, elderID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := s.remove(ctx, d); err != nil && !fault.Is(err, homedevice.ErrNotFound) {
			return err
		}
		s.cache.forget(d.ID)
	}
	return nil
}

// remove deletes d with its announcement.
func (s *Service) remove(ctx context.Context, d homedevice.Device) error {
	removed, err := d.Announce(homedevice.EventRemoved, s.d.NewID(), s.d.Now())
	if err != nil {
		return err
	}
	return s.d.Devices.Delete(ctx, d.ID, removed)
}
