// Package incidents holds the use cases of alarms about elders and their
// escalation ladder (DESIGN.md invariant 9): an SOS from the family's or
// the elder's phone raises an incident; its rungs are called at their
// deadlines until somebody on the ladder acknowledges; anyone on it adds
// notes; it is resolved with an outcome and closed.
//
// Who is on the ladder is decided here. Rung 1 is the elder's family,
// every member as of the alarm (read again at every request: a member
// who left is no longer on it). Rung 2 is the elder's emergency contacts
// (pushed when they have the app, texted when not) and the staff on
// emergency duty at the nearest verified provider that serves the
// elder's address. Rung 3 is every user with the operator role. To
// anyone else an incident does not exist (404).
//
// Deadlines are fields of the incident in MongoDB; Redis keeps them in a
// sorted set for a cheap poll (Timers). A Redis that lost the set, or a
// timer a crash never wrote, is rebuilt from MongoDB (Resync), and a
// rung is called by one versioned write that refuses to call it twice,
// so every rung fires once whatever timers fire twice.
package incidents

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/incident"
)

// Store keeps incidents, one document each.
type Store interface {
	// Create stores a new incident; ErrRaceLost when another incident of
	// the same elder was created in the same merge window meanwhile.
	Create(ctx context.Context, i *incident.Incident) error
	// Get returns incident.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*incident.Incident, error)
	Update(ctx context.Context, id string, fn func(*incident.Incident) error) (*incident.Incident, error)
	// Latest is the elder's most recently raised incident, nil if none.
	Latest(ctx context.Context, elderID string) (*incident.Incident, error)
	// Live lists the ids of the elder's open and acknowledged incidents.
	Live(ctx context.Context, elderID string) ([]string, error)
	// ForElder pages through an elder's incidents, newest first.
	ForElder(ctx context.Context, elderID string, p page.Request) ([]*incident.Incident, bool, error)
	// ForResponder pages through incidents that called userID, newest
	// first; live only keeps open and acknowledged ones.
	ForResponder(ctx context.Context, userID string, live bool, p page.Request) ([]*incident.Incident, bool, error)
	// Deadlines are the open incidents' next deadlines, by id.
	Deadlines(ctx context.Context) (map[string]time.Time, error)
	// Untexted lists incidents with SMS still to send.
	Untexted(ctx context.Context, limit int) ([]string, error)
}

// ErrRaceLost is Create refusing a second incident of one elder in the
// same merge window: the caller merges into the first instead.
var ErrRaceLost = errors.New("incidents: another incident of the elder was raised in the same window")

// Timers keeps the incidents' deadlines where a poll finds them fast.
// It may lose them (Built false); MongoDB has them all.
type Timers interface {
	Set(ctx context.Context, id string, due time.Time) error
	Clear(ctx context.Context, id string) error
	// Due lists ids whose deadline is at or before now, at most limit.
	Due(ctx context.Context, now time.Time, limit int) ([]string, error)
	// Built reports whether the timers were loaded since Redis last lost
	// them.
	Built(ctx context.Context) (bool, error)
	// Load adds deadlines (replacing any of the same id) and marks the
	// timers built.
	Load(ctx context.Context, deadlines map[string]time.Time) error
}

// Ladders keeps the ladders elders' families set; an elder without one
// climbs incident.DefaultLadder.
type Ladders interface {
	// Get reports false for an elder without a ladder of their own.
	Get(ctx context.Context, elderID string) (LadderSetting, bool, error)
	Put(ctx context.Context, elderID string, l LadderSetting) error
	// Delete removes the elder's ladder; none is no error.
	Delete(ctx context.Context, elderID string) error
}

// Elders, Families and Users read who is on the ladder; an alarm is
// noted on the elder before its incident is stored (removal.go).
type (
	Elders interface {
		Get(ctx context.Context, id string) (elder.Elder, error)
		Update(ctx context.Context, id string, fn func(*elder.Elder) error) (elder.Elder, error)
	}
	Families interface {
		Get(ctx context.Context, id string) (*family.Family, error)
	}
	Users interface {
		ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error)
	}
	// Operators lists the users holding the operator role.
	Operators interface {
		WithRole(ctx context.Context, role identity.Role, limit int) ([]string, error)
	}
	// Stations finds who is on emergency duty for an address: the
	// nearest verified provider serving it that has anyone on duty.
	Stations interface {
		OnDutyFor(ctx context.Context, a geo.Address) (providerID string, userIDs []string, err error)
	}
	// Serving says whether a provider's people serve an elder
	// (serving.Checker): they may raise incidents at the elder's.
	Serving interface {
		Office(ctx context.Context, userID string, e elder.Elder) (providerID string, ok bool, err error)
		Caregiver(ctx context.Context, userID string, e elder.Elder) (providerID string, ok bool, err error)
	}
	// SMS texts an emergency contact who has not got the app.
	SMS interface {
		SendAlert(ctx context.Context, phone identity.Phone, template string, params map[string]any, locale identity.Locale) error
	}
)

// Deps are the stores, ports and settings the use cases need.
type Deps struct {
	Incidents Store
	Timers    Timers
	Ladders   Ladders
	Elders    Elders
	Families  Families
	Users     Users
	Operators Operators
	Stations  Stations
	Serving   Serving
	SMS       SMS
	// Now is the ladder's clock: the system's, or a test's.
	Now   func() time.Time
	NewID func() string
	Log   *slog.Logger
}

// Service gathers the incident use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}
