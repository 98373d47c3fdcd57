// Package devices holds the use cases for a user's push tokens.
package devices

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
)

// Store keeps push tokens. Put is an upsert keyed by token, so a token
// moves to whoever registered it last (a phone handed to another person);
// it records registered, in the same write, only when the token is new to
// its user.
type Store interface {
	Put(ctx context.Context, d device.Device, registered event.Event) (created bool, err error)
	// DeleteOwned removes token only if userID owns it; false if not.
	DeleteOwned(ctx context.Context, token, userID string) (bool, error)
	ListByUser(ctx context.Context, userID string) ([]device.Device, error)
}

var ErrDeviceNotFound = fault.New(fault.NotFound, "device_not_found")

// Service gathers the device use cases.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
}

func NewService(store Store, now func() time.Time, newID func() string) *Service {
	return &Service{store: store, now: now, newID: newID}
}

// RegisterCommand is one app install announcing its push token.
type RegisterCommand struct {
	Token      string
	Platform   string
	App        string
	Locale     string
	AppVersion string
}

// Register records the token for the caller; registering again updates it.
func (s *Service) Register(ctx context.Context, a actor.Actor, cmd RegisterCommand) (device.Device, bool, error) {
	if a.UserID == "" {
		return device.Device{}, false, fault.ErrUnauthenticated
	}
	d, err := device.New(cmd.Token, a.UserID, device.Platform(cmd.Platform), device.App(cmd.App),
		cmd.Locale, cmd.AppVersion, s.now())
	if err != nil {
		return device.Device{}, false, err
	}
	registered, err := device.Registered(s.newID(), d, d.RegisteredAt)
	if err != nil {
		return device.Device{}, false, err
	}
	created, err := s.store.Put(ctx, d, registered)
	return d, created, err
}

// Remove forgets the caller's token, e.g. at logout. Someone else's token
// answers not found, as if it did not exist.
func (s *Service) Remove(ctx context.Context, a actor.Actor, token string) error {
	ok, err := s.store.DeleteOwned(ctx, token, a.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrDeviceNotFound
	}
	return nil
}

// List returns the caller's devices.
func (s *Service) List(ctx context.Context, a actor.Actor) ([]device.Device, error) {
	return s.store.ListByUser(ctx, a.UserID)
}

// Audiences says who hears of a new device: its user, on the devices
// they had before it. A first device tells nobody: there is nothing to
// warn, and an account's first login is no news to its owner.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	return map[event.Type]notify.Audience{device.EventRegistered: notify.AudienceFunc(s.earlierDevicesOwner)}
}

func (s *Service) earlierDevicesOwner(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	user := e.Data["userId"]
	ds, err := s.store.ListByUser(ctx, user)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if device.Digest(d.Token) != e.Data["device"] && d.RegisteredBy(e.At) {
			return []notify.Recipient{{UserID: user, SkipDevice: e.Data["device"]}}, nil
		}
	}
	return nil, nil
}
