package reservations

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// Deps are the stores, the engine and the settings the use cases need.
type Deps struct {
	Engine    Engine
	Slots     Slots
	Bookings  Bookings
	Offerings Offerings
	Families  Families
	Children  Children
	Providers Providers
	Reminders Reminders
	// Kinds are the resources other than childcare offerings, by kind.
	Kinds map[string]Resources
	Now   func() time.Time
	NewID func() string
	Log   *slog.Logger
	// KindLimit bounds one user's live holds across the slots of one
	// kind (childcare places, class seats).
	KindLimit int
	// ClaimGrace keeps a hold live while its confirmation writes.
	ClaimGrace time.Duration
}

// RemindBefore is how long before a hold lapses its holder is reminded
// (the reminder's words say so); holds too short for it get none.
const RemindBefore = 5 * time.Minute

// Service gathers the reservation use cases.
type Service struct {
	d        Deps
	gate     gate
	rebuilds singleflight.Group
	learning singleflight.Group
}

// DefaultKindLimit is how many places of one kind a user may hold at
// once across slots: enough to compare two or three centres, not to
// corner a district's places.
const DefaultKindLimit = 5

func NewService(d Deps) *Service {
	if d.KindLimit <= 0 {
		d.KindLimit = DefaultKindLimit
	}
	if d.ClaimGrace <= 0 {
		d.ClaimGrace = 30 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d}
}

// manager loads a provider for one of its admins or office staff; to
// anyone else it is provider_not_found.
func (s *Service) manager(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, err
	}
	if !p.InOffice(a.UserID) {
		return nil, provider.ErrNotFound
	}
	return p, nil
}
