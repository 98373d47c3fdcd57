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

// Register records a device for an elder of the caller's family. An
// elder of another family is not found; a vendor kincare has no
// integration with cannot send events, so it is refused; a serial
// registered already (for this elder or any other) is a conflict.
func (s *Service) Register(ctx context.Context, a actor.Actor, cmd RegisterCommand) (homedevice.Device, error) {
	e, err := s.familyElder(ctx, a, cmd.ElderID)
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
	if err := s.d.Devices.Create(ctx, d); err != nil {
		return homedevice.Device{}, err
	}
	s.cache.forget(d.ID)
	return d, nil
}

// ForElder lists an elder's devices to the elder's family.
func (s *Service) ForElder(ctx context.Context, a actor.Actor, elderID string) ([]homedevice.Device, error) {
	if _, err := s.familyElder(ctx, a, elderID); err != nil {
		return nil, err
	}
	return s.d.Devices.ForElder(ctx, elderID)
}

// Remove unregisters a device of an elder of the caller's family; its
// events are kept with the elder's incidents.
func (s *Service) Remove(ctx context.Context, a actor.Actor, id string) error {
	d, err := s.d.Devices.Get(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.familyElder(ctx, a, d.ElderID); err != nil {
		return homedevice.ErrNotFound
	}
	if err := s.d.Devices.Delete(ctx, id); err != nil {
		return err
	}
	s.cache.forget(id)
	return nil
}

func (s *Service) familyElder(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, error) {
	if a.UserID == "" {
		return elder.Elder{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, err
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return elder.Elder{}, elder.ErrNotFound
	}
	if err != nil {
		return elder.Elder{}, err
	}
	if f.RequireMember(a.UserID) != nil {
		return elder.Elder{}, elder.ErrNotFound
	}
	return e, nil
}

// Online reports whether a device was seen within span of now.
func Online(d homedevice.Device, now time.Time, span time.Duration) bool {
	return now.Sub(d.LastSeenAt) < span+homedevice.SeenEvery
}
