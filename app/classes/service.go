// Package classes holds the use cases of parenting classes (父母课堂):
// organisers publish courses and schedule, move, resize and cancel their
// sessions; parents find sessions, book a seat in one call, wait for
// one and accept the seat the waitlist offers them, cancel before the
// cutoff, join online sessions and check in at the venue. A session's
// seats are a slot of the reservation engine (app/reservations), which
// this package drives and never bypasses: seats never oversell and the
// waitlist only ever offers. Authorization is decided here: a session's
// organiser (its provider's admins and office staff) manages it, and
// what is an attendee's is theirs alone.
package classes

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Courses keeps courses, one document each.
type Courses interface {
	Create(ctx context.Context, c course.Course) error
	// Get returns course.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (course.Course, error)
	// Update loads, applies fn and writes only if nobody wrote since.
	Update(ctx context.Context, id string, fn func(*course.Course) error) (course.Course, error)
	// ListByProvider pages a provider's courses, oldest first.
	ListByProvider(ctx context.Context, providerID string, p page.Request) ([]course.Course, bool, error)
}

// Sessions keeps what is a class's own of each session; its seats are
// its slot's.
type Sessions interface {
	Create(ctx context.Context, s course.Session) error
	// Get returns course.ErrSessionNotFound for an unknown id.
	Get(ctx context.Context, id string) (course.Session, error)
	// Update loads, applies fn and writes only if nobody wrote since,
	// retrying on conflict.
	Update(ctx context.Context, id string, fn func(*course.Session) error) (course.Session, error)
	// Search returns scheduled sessions starting in [From, To), of the
	// format and topic when set, soonest first, at most Limit.
	Search(ctx context.Context, q Query) ([]course.Session, error)
	// ListByCourse pages a course's sessions by start, scheduled ones
	// only unless all.
	ListByCourse(ctx context.Context, courseID string, all bool, p page.Request) ([]course.Session, bool, error)
}

// Query narrows Sessions.Search; empty fields do not filter.
type Query struct {
	From, To time.Time
	Topic    course.Topic
	Format   course.Format
	Limit    int
}

// Experts keeps organisers' expert lists, one document per expert.
type Experts interface {
	Create(ctx context.Context, e course.Expert) error
	// Get returns course.ErrExpertNotFound for an unknown id.
	Get(ctx context.Context, id string) (course.Expert, error)
	// ListByProvider pages a provider's experts, oldest first.
	ListByProvider(ctx context.Context, providerID string, p page.Request) ([]course.Expert, bool, error)
}

// Standings keeps each person's no-shows, one document per user.
type Standings interface {
	// Get returns an empty standing for a user never recorded.
	Get(ctx context.Context, userID string) (course.Standing, error)
	// Update applies fn to the user's standing (made empty on first use)
	// in one conditional write carrying the events fn records, retrying
	// on conflict.
	Update(ctx context.Context, userID string, fn func(*course.Standing) error) (course.Standing, error)
}

type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Deps are what the use cases need.
type Deps struct {
	Courses      Courses
	Sessions     Sessions
	Slots        reservations.Slots
	Bookings     reservations.Bookings
	Providers    Providers
	Reservations *reservations.Service
	// Ledger records what paid seats owe (payments.go); nil runs free
	// classes only.
	Ledger Ledger
	// Experts are the organisers' speakers a course may name.
	Experts Experts
	// Standings and NoShowRule are the no-show rule (noshow.go); nil
	// Standings counts nothing. A zero rule is course.DefaultNoShowRule.
	Standings  Standings
	NoShowRule course.NoShowRule
	Now        func() time.Time
	NewID      func() string
	// NewCode makes a session's check-in code; six random digits unless set.
	NewCode func() string
	Log     *slog.Logger
}

// Service gathers the class use cases.
type Service struct {
	d Deps
	// prices remembers each session's seat price (fixed when scheduled).
	prices sync.Map
}

func NewService(d Deps) *Service {
	if d.NewCode == nil {
		d.NewCode = randomCode
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.NoShowRule.Limit <= 0 {
		d.NoShowRule = course.DefaultNoShowRule
	}
	return &Service{d: d}
}

func randomCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// organizer loads a provider the caller manages (its admins and office
// staff); to anyone else it is not found, with notFound's code.
func (s *Service) organizer(ctx context.Context, a actor.Actor, providerID string, notFound error) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !p.InOffice(a.UserID) {
		return nil, notFound
	}
	return p, nil
}

// Organizes reports whether a provider may publish classes: a class
// organiser, a childcare provider or a community station (日间照料中心).
func Organizes(p *provider.Provider) bool {
	for _, l := range p.Profile.Licences {
		switch l.Kind {
		case provider.ClassOrganizer, provider.ChildcareInstitution, provider.HomeChildcarePoint, provider.DayCareCentre:
			return true
		}
	}
	return false
}

// visibleSession loads a session the caller may see: one of a visible
// provider, or of one the caller manages (cancelled ones too).
func (s *Service) visibleSession(ctx context.Context, a actor.Actor, id string) (course.Session, *provider.Provider, bool, error) {
	if !reservation.ValidSlotID(id) {
		return course.Session{}, nil, false, course.ErrSessionNotFound
	}
	sess, err := s.d.Sessions.Get(ctx, id)
	if err != nil {
		return course.Session{}, nil, false, err
	}
	p, err := s.d.Providers.Get(ctx, sess.ProviderID)
	if fault.Is(err, provider.ErrNotFound) {
		return course.Session{}, nil, false, course.ErrSessionNotFound
	}
	if err != nil {
		return course.Session{}, nil, false, err
	}
	manager := a.UserID != "" && p.InOffice(a.UserID)
	if !manager && !p.Visible() {
		return course.Session{}, nil, false, course.ErrSessionNotFound
	}
	return sess, p, manager, nil
}
