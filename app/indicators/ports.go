// Package indicators serves the regulator's indicators (监管指标) per
// region and month, and keeps the read model they are computed from:
// one fact per aggregate (domain/indicator), written when the outbox
// relay hands on an event about that aggregate (Projector) and rebuilt
// from the source collections on demand (Rebuild). A request reads the
// facts of one region-month, never the live collections.
//
// It must not import adapters.
package indicators

import (
	"context"

	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/region"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/visit"
)

// Facts is the read model.
type Facts interface {
	// Put keeps f unless the fact kept under its key has a newer
	// version: of two writes racing out of order, the newer state wins.
	Put(ctx context.Context, f indicator.Fact) error
	// Delete forgets a fact whose aggregate is gone.
	Delete(ctx context.Context, key string) error
	// InRegion returns the facts counted in month in the regions whose
	// codes start with prefix (see region.Code.Prefix): the month's own
	// and the standing ones begun by then (indicator.Fact.Standing).
	InRegion(ctx context.Context, prefix string, month indicator.Month) ([]indicator.Fact, error)
	// Reset forgets every fact (before a rebuild).
	Reset(ctx context.Context) error
	// Empty reports a read model never built.
	Empty(ctx context.Context) (bool, error)
}

// ResidentFigures keeps the regions' resident figures, one document per
// region code.
type ResidentFigures interface {
	// Get answers a region without figures as one with none.
	Get(ctx context.Context, code region.Code) (*region.Residents, error)
	// Update loads the region's figures (none yet: empty), applies fn and
	// writes them back, retrying on a concurrent write.
	Update(ctx context.Context, code region.Code, fn func(*region.Residents) error) (*region.Residents, error)
}

// Sources reads the aggregates facts derive from, with their versions.
type Sources interface {
	// Order answers order.ErrNotFound for an unknown id.
	Order(ctx context.Context, id string) (*order.Order, int64, error)
	// Complaint answers complaint.ErrNotFound for an unknown id.
	Complaint(ctx context.Context, id string) (*complaint.Complaint, int64, error)
	// Incident answers incident.ErrNotFound for an unknown id.
	Incident(ctx context.Context, id string) (*incident.Incident, int64, error)
	// MealOrder answers meal.ErrOrderNotFound for an unknown id.
	MealOrder(ctx context.Context, id string) (*meal.Order, int64, error)
	// Care answers visit.ErrNotFound for an elder without a care record.
	Care(ctx context.Context, elderID string) (*visit.Care, int64, error)
	// Visit answers visit.ErrVisitNotFound for an unknown id.
	Visit(ctx context.Context, id string) (*visit.Visit, int64, error)
	// Provider answers provider.ErrNotFound for an unknown id.
	Provider(ctx context.Context, id string) (*provider.Provider, int64, error)
	// HomeDevice answers homedevice.ErrNotFound for a device never
	// registered; a removed one is found, not registered.
	HomeDevice(ctx context.Context, id string) (d homedevice.Device, registered bool, version int64, err error)
	// Slot answers reservation.ErrSlotNotFound for an unknown id.
	Slot(ctx context.Context, id string) (*reservation.Slot, int64, error)
	// CareType is a childcare offering's care type ("" when it is gone).
	CareType(ctx context.Context, offeringID string) (string, error)
	// ElderRegion is the region code of an elder's address ("" when gone).
	ElderRegion(ctx context.Context, elderID string) (string, error)
	// ProviderRegion is the region code of a provider's address ("" when
	// it has none or is gone).
	ProviderRegion(ctx context.Context, providerID string) (string, error)
	EachOrder(ctx context.Context, fn func(*order.Order, int64) error) error
	EachComplaint(ctx context.Context, fn func(*complaint.Complaint, int64) error) error
	EachIncident(ctx context.Context, fn func(*incident.Incident, int64) error) error
	EachMealOrder(ctx context.Context, fn func(*meal.Order, int64) error) error
	EachCare(ctx context.Context, fn func(*visit.Care, int64) error) error
	EachVisit(ctx context.Context, fn func(*visit.Visit, int64) error) error
	EachProvider(ctx context.Context, fn func(*provider.Provider, int64) error) error
	// EachHomeDevice calls fn for every device, removed ones included.
	EachHomeDevice(ctx context.Context, fn func(d homedevice.Device, registered bool, version int64) error) error
	// EachChildcareSlot calls fn for the slots of childcare offerings.
	EachChildcareSlot(ctx context.Context, fn func(*reservation.Slot, int64) error) error
}
