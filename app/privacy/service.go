package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/recurrence"
	"github.com/kincare/kincare/domain/reservation"
)

// Users reads and erases accounts.
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
	Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error)
	ListPendingDeletion(ctx context.Context, limit int) ([]*identity.User, error)
}

// Devices lists and forgets a user's push tokens.
type Devices interface {
	ListByUser(ctx context.Context, userID string) ([]device.Device, error)
	DeleteByUser(ctx context.Context, userID string) error
}

// Inbox is a user's notifications.
type Inbox interface {
	List(ctx context.Context, userID string, unreadOnly bool, p page.Request) ([]notification.Notification, bool, error)
	DeleteByUser(ctx context.Context, userID string) error
}

// NotificationPreferences are a user's push choices.
type NotificationPreferences interface {
	Get(ctx context.Context, userID string) (notification.Preferences, error)
	Delete(ctx context.Context, userID string) error
}

// Sessions ends every login of a user.
type Sessions interface {
	RevokeAllForUser(ctx context.Context, userID string, now time.Time, reason string) error
}

// Families is what privacy needs of the family use cases.
type Families interface {
	Mine(ctx context.Context, a actor.Actor) ([]*family.Family, error)
	Get(ctx context.Context, a actor.Actor, familyID string) (families.View, error)
	MyInvites(ctx context.Context, a actor.Actor) ([]families.PendingInvite, error)
	// CheckDeparture refuses a user whose leaving would dissolve a
	// family whose elder has an alarm not yet resolved.
	CheckDeparture(ctx context.Context, userID string) error
	Depart(ctx context.Context, userID string, phone identity.Phone) error
	FinishDissolutions(ctx context.Context) (int, error)
}

// Elders and Children page through a family's records.
type Elders interface {
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]elder.Elder, bool, error)
}

type Children interface {
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]child.Child, bool, error)
}

// DailyReports finds the reports written about a family's children.
type DailyReports interface {
	ByFamily(ctx context.Context, familyID string) ([]*dailyreport.Report, error)
}

// FamilyReader loads a family to check ownership.
type FamilyReader interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Bookings pages through bookings (places, class seats, meal portions)
// newest first; the export asks for one family's only.
type Bookings interface {
	List(ctx context.Context, f reservations.BookingFilter, p page.Request) ([]*reservation.Booking, bool, error)
}

// MealOrders, MealSubscriptions and RecurringOrders page through a
// family's records by id, any status.
type MealOrders interface {
	ForFamily(ctx context.Context, familyID string, p page.Request) ([]*meal.Order, bool, error)
}

type MealSubscriptions interface {
	ForFamily(ctx context.Context, familyID string, p page.Request) ([]*meal.Subscription, bool, error)
}

type RecurringOrders interface {
	ForFamily(ctx context.Context, familyID string, p page.Request) ([]*recurrence.Rule, bool, error)
}

// Service gathers the privacy use cases.
type Service struct{ d Deps }

type Deps struct {
	Users       Users
	Devices     Devices
	Inbox       Inbox
	Preferences NotificationPreferences
	Sessions    Sessions
	Families    Families
	FamilyStore FamilyReader
	Elders      Elders
	Children    Children
	Reports     DailyReports
	Audit       AuditLog
	Trail       *audittrail.Recorder
	// What the family booked and ordered, for the export; each nil
	// exports none.
	Bookings          Bookings
	MealOrders        MealOrders
	MealSubscriptions MealSubscriptions
	RecurringOrders   RecurringOrders
	// Standings are people's class no-show records; nil keeps none.
	Standings ClassStandings
	Now       func() time.Time
}

// ClassStandings forgets a person's class no-shows.
type ClassStandings interface {
	Delete(ctx context.Context, userID string) error
}

func NewService(d Deps) *Service { return &Service{d: d} }

// AuditLog pages through a family's audit log, newest first; owners only.
func (s *Service) AuditLog(ctx context.Context, a actor.Actor, familyID string, p page.Request) ([]audit.Entry, bool, error) {
	f, err := s.d.FamilyStore.Get(ctx, familyID)
	if err != nil {
		return nil, false, err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return nil, false, err
	}
	return s.d.Audit.ListByFamily(ctx, familyID, p)
}

// Export is everything kincare holds about a user and their families.
type Export struct {
	ExportedAt time.Time
	User       *identity.User
	Devices    []device.Device
	Families   []FamilyExport
	Invites    []families.PendingInvite
	Activity   []audit.Entry // what the user did, from the audit log
	Inbox      []notification.Notification
	Prefs      notification.Preferences
}

// FamilyExport is one family with all its records.
type FamilyExport struct {
	Family   families.View
	Elders   []elder.Elder
	Children []child.Child
	// DailyReports are the children's published reports, as the family
	// reads them.
	DailyReports []*dailyreport.Report
	// Bookings are the family's childcare places, class seats and meal
	// portions, newest first; MealOrders, MealSubscriptions and
	// RecurringOrders the family's meal aid and recurring home care, any
	// status.
	Bookings          []*reservation.Booking
	MealOrders        []*meal.Order
	MealSubscriptions []*meal.Subscription
	RecurringOrders   []*recurrence.Rule
}

// Export gathers the caller's data (个人信息可携带).
func (s *Service) Export(ctx context.Context, a actor.Actor) (Export, error) {
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return Export{}, err
	}
	out := Export{ExportedAt: s.d.Now().UTC(), User: u}
	if out.Devices, err = s.d.Devices.ListByUser(ctx, a.UserID); err != nil {
		return Export{}, err
	}
	fams, err := s.d.Families.Mine(ctx, a)
	if err != nil {
		return Export{}, err
	}
	for _, f := range fams {
		if err := s.d.Trail.RecordRead(ctx, a, f.ID(), "family_export", f.ID()); err != nil {
			return Export{}, err
		}
		fe := FamilyExport{}
		if fe.Family, err = s.d.Families.Get(ctx, a, f.ID()); err != nil {
			return Export{}, err
		}
		if fe.Elders, err = all(ctx, f.ID(), s.d.Elders.ListByFamily, func(e elder.Elder) string { return e.ID }); err != nil {
			return Export{}, err
		}
		if fe.Children, err = all(ctx, f.ID(), s.d.Children.ListByFamily, func(c child.Child) string { return c.ID }); err != nil {
			return Export{}, err
		}
		reports, err := s.d.Reports.ByFamily(ctx, f.ID())
		if err != nil {
			return Export{}, err
		}
		for _, r := range reports {
			if r.Published() {
				fe.DailyReports = append(fe.DailyReports, r)
			}
		}
		if err := s.exportActivity(ctx, f.ID(), &fe); err != nil {
			return Export{}, err
		}
		out.Families = append(out.Families, fe)
	}
	if out.Invites, err = s.d.Families.MyInvites(ctx, a); err != nil {
		return Export{}, err
	}
	if out.Activity, err = s.d.Audit.ListByActor(ctx, a.UserID); err != nil {
		return Export{}, err
	}
	if out.Prefs, err = s.d.Preferences.Get(ctx, a.UserID); err != nil {
		return Export{}, err
	}
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		items, more, err := s.d.Inbox.List(ctx, a.UserID, false, p)
		if err != nil {
			return Export{}, err
		}
		out.Inbox = append(out.Inbox, items...)
		if !more || len(items) == 0 {
			break
		}
		p.After = items[len(items)-1].ID
	}
	return out, nil
}

// exportActivity adds what the family booked and ordered, every page of
// it, read by the family's id only: never another family's.
func (s *Service) exportActivity(ctx context.Context, familyID string, fe *FamilyExport) error {
	var err error
	if s.d.Bookings != nil {
		list := func(ctx context.Context, familyID string, p page.Request) ([]*reservation.Booking, bool, error) {
			return s.d.Bookings.List(ctx, reservations.BookingFilter{FamilyID: familyID}, p)
		}
		if fe.Bookings, err = all(ctx, familyID, list, (*reservation.Booking).ID); err != nil {
			return err
		}
	}
	if s.d.MealOrders != nil {
		if fe.MealOrders, err = all(ctx, familyID, s.d.MealOrders.ForFamily, func(o *meal.Order) string { return o.ID }); err != nil {
			return err
		}
	}
	if s.d.MealSubscriptions != nil {
		if fe.MealSubscriptions, err = all(ctx, familyID, s.d.MealSubscriptions.ForFamily, (*meal.Subscription).ID); err != nil {
			return err
		}
	}
	if s.d.RecurringOrders != nil {
		if fe.RecurringOrders, err = all(ctx, familyID, s.d.RecurringOrders.ForFamily, (*recurrence.Rule).ID); err != nil {
			return err
		}
	}
	return nil
}

func all[T any](ctx context.Context, familyID string, list func(context.Context, string, page.Request) ([]T, bool, error), id func(T) string) ([]T, error) {
	var out []T
	p := page.Request{Limit: page.MaxLimit}
	for {
		items, more, err := list(ctx, familyID, p)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		out = append(out, items...)
		if !more || len(items) == 0 {
			return out, nil
		}
		p.After = id(items[len(items)-1])
	}
}

// DeleteAccount erases the caller (个人信息删除). The account is marked
// deleted first, so it stops logging in and acting at once; then they
// leave every family (handing over ownership, or dissolving a family
// they were alone in), their phone is scrubbed from family records,
// their devices and sessions end, and the account keeps only an
// anonymous id for records providers must keep. If a step fails, the
// periodic job finishes the deletion (FinishDeletions).
func (s *Service) DeleteAccount(ctx context.Context, a actor.Actor) error {
	u, err := s.d.Users.ByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if u.Deleted() {
		return identity.ErrUserDeleted
	}
	// A family the caller alone holds is dissolved with the account; not
	// while an alarm about one of its elders is not yet resolved
	// (elder_has_open_incident), asked before anything changes.
	if err := s.d.Families.CheckDeparture(ctx, u.ID()); err != nil {
		return err
	}
	now := s.d.Now()
	if u, err = s.d.Users.Update(ctx, u.ID(), func(u *identity.User) error { u.BeginDeletion(now); return nil }); err != nil {
		return fmt.Errorf("begin deletion: %w", err)
	}
	err = s.finishDeletion(ctx, u)
	if fault.Is(err, elder.ErrHasOpenIncident) {
		// An alarm raised since the check: the deletion has begun (the
		// account acts no more) and FinishDeletions ends it once the
		// alarm is resolved.
		return nil
	}
	return err
}

func (s *Service) finishDeletion(ctx context.Context, u *identity.User) error {
	now := s.d.Now()
	if err := s.d.Families.Depart(ctx, u.ID(), u.Phone()); err != nil {
		return err
	}
	if err := s.d.Devices.DeleteByUser(ctx, u.ID()); err != nil {
		return fmt.Errorf("delete devices: %w", err)
	}
	if err := s.d.Inbox.DeleteByUser(ctx, u.ID()); err != nil {
		return fmt.Errorf("delete notifications: %w", err)
	}
	if err := s.d.Preferences.Delete(ctx, u.ID()); err != nil {
		return fmt.Errorf("delete notification preferences: %w", err)
	}
	if s.d.Standings != nil {
		if err := s.d.Standings.Delete(ctx, u.ID()); err != nil {
			return fmt.Errorf("delete class no-shows: %w", err)
		}
	}
	if err := s.d.Sessions.RevokeAllForUser(ctx, u.ID(), now, "account_deleted"); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if _, err := s.d.Users.Update(ctx, u.ID(), func(u *identity.User) error { u.Erase(now); return nil }); err != nil {
		return fmt.Errorf("erase user: %w", err)
	}
	return nil
}

// FinishDeletions completes account deletions that failed part-way, and
// dissolutions of families left empty. The periodic job runs it.
func (s *Service) FinishDeletions(ctx context.Context) (int, error) {
	pending, err := s.d.Users.ListPendingDeletion(ctx, 100)
	if err != nil {
		return 0, err
	}
	// One deletion that cannot finish yet (its family's elder has an
	// alarm not yet resolved) does not hold up the others.
	done := 0
	var errs []error
	for _, u := range pending {
		if err := s.finishDeletion(ctx, u); err != nil {
			errs = append(errs, fmt.Errorf("finish deletion of %s: %w", u.ID(), err))
			continue
		}
		done++
	}
	if _, err := s.d.Families.FinishDissolutions(ctx); err != nil {
		errs = append(errs, err)
	}
	return done, errors.Join(errs...)
}
