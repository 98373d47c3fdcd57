// Package visits holds the use cases of monthly visits (探访) to
// officially vulnerable elders and of the time bank (时间银行) that pays
// their volunteer visitors in minutes (domain/visit).
//
// Who may do what. An elder's categories are an official record: a
// regulator whose regions cover the elder's address, or the office of a
// community station that serves it (a verified home-care or day-care
// provider whose service area covers the address, found by nearby
// search as the incident ladder finds its station), marks them and
// assigns the visitor; the family reads the record but marking its own
// elder is refused (403), and anyone else meets no such elder (404).
// Only the assigned visitor records a visit (404 for anyone else). The
// visit's family, its visitor, its station and the region's regulators
// read it.
//
// Time credits are entries of the allowance ledger (app/ledger): one
// account per user ("timebank:<user>", minutes), credited by an
// adjustment keyed by the visit ("visit:<id>"), so however many
// check-out retries, repair passes or explicit requests post it, one
// entry is written. Redemptions reserve minutes, the station commits or
// releases them; a donation reserves the giver's minutes, credits the
// receiver and commits, each keyed by the donation, and the watch
// finishes one a crash left reserved.
//
// It must not import other use-case packages but app/ledger's types; the
// incident raised from a visit goes through a port (app/incidents).
package visits

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/visit"
)

// Cares keeps the care records, one document per elder.
type Cares interface {
	// Get returns visit.ErrNotFound for an elder never marked.
	Get(ctx context.Context, elderID string) (*visit.Care, error)
	// Upsert applies fn to the elder's record, starting from fresh when
	// there is none, in one conditional write.
	Upsert(ctx context.Context, elderID string, fresh func() *visit.Care, fn func(*visit.Care) error) (*visit.Care, error)
	// Update applies fn to an existing record (visit.ErrNotFound if none).
	Update(ctx context.Context, elderID string, fn func(*visit.Care) error) (*visit.Care, error)
	ForStation(ctx context.Context, stationID string) ([]*visit.Care, error)
	// InRegion lists the records whose region code lies in code.
	InRegion(ctx context.Context, code string) ([]*visit.Care, error)
	ForVisitor(ctx context.Context, userID string) ([]*visit.Care, error)
	// QuietBefore pages through vulnerable records, by elder id, whose
	// current quiet spell began before cutoff and was not alerted.
	QuietBefore(ctx context.Context, cutoff time.Time, after string, limit int) ([]*visit.Care, error)
}

// Visits keeps visit records, one document each.
type Visits interface {
	Create(ctx context.Context, v *visit.Visit) error
	// Get returns visit.ErrVisitNotFound for an unknown id.
	Get(ctx context.Context, id string) (*visit.Visit, error)
	Update(ctx context.Context, id string, fn func(*visit.Visit) error) (*visit.Visit, error)
	ForStationMonth(ctx context.Context, stationID, month string) ([]*visit.Visit, error)
	ForRegionMonth(ctx context.Context, code, month string) ([]*visit.Visit, error)
	// Uncredited lists completed, verified volunteers' visits whose credit
	// is not recorded on them, at most limit.
	Uncredited(ctx context.Context, limit int) ([]*visit.Visit, error)
}

// Volunteers keeps volunteers, one document per user.
type Volunteers interface {
	// Create refuses a user registered already with ErrAlreadyVolunteer.
	Create(ctx context.Context, v *visit.Volunteer) error
	// Get returns visit.ErrVolunteerNotFound.
	Get(ctx context.Context, userID string) (*visit.Volunteer, error)
	Update(ctx context.Context, userID string, fn func(*visit.Volunteer) error) (*visit.Volunteer, error)
	ForStation(ctx context.Context, stationID string) ([]*visit.Volunteer, error)
}

type (
	Elders interface {
		Get(ctx context.Context, id string) (elder.Elder, error)
	}
	Families interface {
		Get(ctx context.Context, id string) (*family.Family, error)
	}
	Providers interface {
		Get(ctx context.Context, id string) (*provider.Provider, error)
	}
	Users interface {
		ByID(ctx context.Context, id string) (*identity.User, error)
	}
	// Stations lists the verified community stations whose service area
	// covers an address, nearest first.
	Stations interface {
		Serving(ctx context.Context, a geo.Address) ([]*provider.Provider, error)
	}
	// Alarms raises an incident on the elder's ladder from a visit, with
	// the visitor as its reporter.
	Alarms interface {
		RaiseFromVisit(ctx context.Context, elderID, visitorID, stationID, note string) (string, error)
	}
	// Audit records reads of sensitive records in the family's audit
	// log (audittrail.Recorder).
	Audit interface {
		RecordRead(ctx context.Context, a actor.Actor, familyID, resource, resourceID string) error
	}
	// Ledger is the exactly-once ledger (app/ledger.Service).
	Ledger interface {
		Reserve(ctx context.Context, open ledger.Opening, p ledger.Posting) (appledger.Posted, error)
		Commit(ctx context.Context, open ledger.Opening, ref string, amount int64, by string) (appledger.Posted, error)
		Release(ctx context.Context, open ledger.Opening, ref, by string) (appledger.Posted, error)
		Adjust(ctx context.Context, open ledger.Opening, p ledger.Posting,
			announce func(ledger.Entry) (event.Event, error)) (appledger.Posted, error)
		Balance(ctx context.Context, open ledger.Opening) (*ledger.Account, error)
		History(ctx context.Context, open ledger.Opening, before int64, limit int) (*ledger.Account, []ledger.Entry, int64, error)
		// Holding pages through accounts with holds older than the
		// ledger's grace period.
		Holding(ctx context.Context, after string, limit int) ([]*ledger.Account, error)
		HeldFor(ctx context.Context, party, after string, limit int) ([]*ledger.Account, error)
		Reservation(ctx context.Context, a *ledger.Account, ref string) (ledger.Entry, bool, error)
	}
)

// Deps are the stores, ports and settings the use cases need.
type Deps struct {
	Cares      Cares
	Visits     Visits
	Volunteers Volunteers
	Elders     Elders
	Families   Families
	Providers  Providers
	Users      Users
	Stations   Stations
	Alarms     Alarms
	Ledger     Ledger
	Audit      Audit
	Now        func() time.Time
	NewID      func() string
	Log        *slog.Logger
}

// Service gathers the visit and time-bank use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}
