package elders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
)

// Service gathers the elder use cases.
type Service struct {
	d Deps
	// dependents are stopped before an elder is removed (Delete).
	dependents []Dependent
	// alarms stand in the way of a removal (BeginRemoval).
	alarms Alarms
}

// OnRemoval gives the service what Delete stops for a removed elder; they
// are built after it (they read elders), hence not in Deps.
func (s *Service) OnRemoval(d ...Dependent) { s.dependents = append(s.dependents, d...) }

// GuardRemoval gives the service what says whether an alarm stands in
// the way of removing an elder; built after it, as the dependents are.
func (s *Service) GuardRemoval(a Alarms) { s.alarms = a }

// Deps are the adapters the elder use cases need.
type Deps struct {
	Elders    Store
	Families  Families
	Providers Providers
	Orders    Orders
	Audit     *audittrail.Recorder
	// Officials logs what regulators do.
	Officials *audittrail.Officials
	Now       func() time.Time
	NewID     func() string
}

func NewService(d Deps) *Service { return &Service{d: d} }

// View is an elder with what is computed in the family's zone.
type View struct {
	Elder elder.Elder
	Age   int
}

func (s *Service) view(e elder.Elder, f *family.Family) View {
	return View{Elder: e, Age: e.Profile.AgeOn(calendar.Today(s.d.Now(), f.Location()))}
}

// access loads an elder and its family for a member of that family. An
// elder of another family is not found, exactly as a missing one.
func (s *Service) access(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, *family.Family, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	return e, f, nil
}

// ViewIn is the view of e in family f at now, for exports.
func ViewIn(e elder.Elder, f *family.Family, now time.Time) View {
	return View{Elder: e, Age: e.Profile.AgeOn(calendar.Today(now, f.Location()))}
}
