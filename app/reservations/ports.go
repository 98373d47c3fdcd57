// Package reservations holds the use cases of the reservation engine and
// of childcare places booked on it: providers publish offerings and open
// their slots, parents hold a place for minutes, confirm it for a child,
// cancel it, wait for one. Redis (the Engine) admits holds fast; MongoDB
// (Slots, Bookings) is the truth, and the Engine is rebuilt from it
// whenever it lost or missed something. Authorization is decided here: a
// family sees its own holds and bookings, a provider's admins and office
// staff their provider's; to anyone else they do not exist.
package reservations

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Engine admits holds in Redis. Every call is one atomic script on keys
// of one slot (hash-tagged), safe to run twice: go-redis retries a
// script after a timeout.
type Engine interface {
	// Hold takes one unit of the request's tier for its user, or answers
	// the hold already taken under the same id (Replayed). It refuses with
	// reservation.ErrSlotFull, ErrSlotClosed, ErrHoldLimit (this user's
	// live holds on the slot, or of the slot's kind across slots, at
	// their cap), ErrFingerprintMismatch (the id was taken for another
	// tier), and ErrStateMissing when Redis does not know the slot.
	Hold(ctx context.Context, r HoldRequest) (HoldResult, error)
	// Claim is the first step of confirming: it checks the hold is the
	// user's and live, and keeps it live for grace more, so it cannot
	// lapse while MongoDB writes the seat. A hold already seated answers
	// with Status Booked. Unknown holds, and other users', are
	// reservation.ErrHoldNotFound; lapsed ones ErrHoldExpired;
	// released ones ErrHoldReleased.
	Claim(ctx context.Context, holdID, userID string, now time.Time, grace time.Duration) (reservation.Hold, error)
	// Release gives a live hold's unit back. A seated hold is
	// reservation.ErrHoldConfirmed; unknown or another user's,
	// ErrHoldNotFound. Releasing twice answers the released hold.
	Release(ctx context.Context, holdID, userID string, now time.Time) (reservation.Hold, error)
	// Lookup reads a hold without changing it; false when unknown.
	Lookup(ctx context.Context, holdID string, now time.Time) (reservation.Hold, bool, error)
	// Sync writes MongoDB's truth about a slot to Redis: capacity, rules,
	// seated hold ids (which also stop counting as live holds), waiting
	// counts, and live waitlist promotions (given back if Redis lost
	// them). It applies only if st.Version is newer than what Redis has,
	// so a slow writer cannot undo a later one; st.Unseated apply always.
	Sync(ctx context.Context, st SlotState) error
	// Remaining answers units left per tier for each slot, in one round
	// trip; a slot Redis does not know has Known false.
	Remaining(ctx context.Context, slotIDs []string, now time.Time) ([]Remaining, error)
	// LiveHolds lists a slot's holds live at now, for the reconciler to
	// schedule their reminders again.
	LiveHolds(ctx context.Context, slotID string, now time.Time) ([]reservation.Hold, error)
	// DueReminders lists, soonest first and at most limit, the reminders
	// Hold kept (HoldRequest.RemindBefore) that are due by until, each
	// with its hold as it is at now: Live false for a hold booked,
	// released, lapsed or gone since, whose reminder would tell nobody.
	DueReminders(ctx context.Context, until, now time.Time, limit int) ([]HoldReminder, error)
	// ForgetReminders drops kept reminders once handed to the job queue,
	// or found not to be needed.
	ForgetReminders(ctx context.Context, holdIDs []string) error
}

// HoldReminder is a hold's reminder kept by the engine until it is due.
type HoldReminder struct {
	Hold reservation.Hold
	Kind string // the slot's resource kind: a class seat's words are not a place's
	Due  time.Time
	Live bool
}

// ErrStateMissing is Redis not knowing a slot: it restarted, was
// flushed, or the slot was never used. The caller syncs it from MongoDB
// and tries again.
var ErrStateMissing = fault.New(fault.Unavailable, "reservation_state_missing")

// ErrFingerprintMismatch is an Idempotency-Key reused with another body.
var ErrFingerprintMismatch = fault.New(fault.Unprocessable, "idempotency_key_reused")

// HoldRequest is one attempt to hold a unit.
type HoldRequest struct {
	HoldID, SlotID, UserID string
	Tier                   reservation.Tier
	// Fingerprint is what the hold was asked with (the tier); the same
	// id asked with another is refused.
	Fingerprint string
	// Promoted holds are given from the waitlist: they pass the waitlist
	// and the user caps.
	Promoted bool
	// Kind is the slot's resource kind; KindLimit bounds the user's live
	// holds on slots of that kind together (0: no bound).
	Kind      string
	KindLimit int
	// RemindBefore, when positive, has a granted hold's reminder kept
	// with it, due RemindBefore its expiry, unless that is less than
	// MinReminderNotice after Now (the hold is too short to need one).
	// It is written in the same round trip as the hold, so the answer
	// waits for no job queue; DueReminders hands it on when due.
	RemindBefore time.Duration
	Now          time.Time
}

// MinReminderNotice is how far ahead a hold's reminder must be due for
// it to be worth sending.
const MinReminderNotice = time.Minute

// HoldResult is a hold taken or found again.
type HoldResult struct {
	Hold     reservation.Hold
	Replayed bool
}

// SlotState is what Redis needs to admit holds on a slot.
type SlotState struct {
	SlotID string
	// Kind is the slot's resource kind: holds count against the user's
	// limit for that kind.
	Kind       string
	Version    int64
	Capacity   reservation.Capacity
	Rules      reservation.Rules
	Seated     map[reservation.Tier][]string // hold ids of the seats
	Waiting    map[reservation.Tier]int
	Promotions []reservation.Promotion // live ones
	// Unseated are hold ids whose seats MongoDB has given back (their
	// bookings cancelled): done with for good. Redis drops them from its
	// live holds even when the rest of this state is older than what it
	// has: after a failover lost a seat's sync, the hold would otherwise
	// count as live again once its booking is cancelled.
	Unseated []string
	// ForgetAt is when Redis may drop the slot's keys.
	ForgetAt time.Time
}

// Remaining is a slot's units left, holds and seats deducted.
type Remaining struct {
	SlotID               string
	Known                bool
	Market, Inclusive    int
	WaitingM, WaitingInc int
}

// Of is what is left of a tier.
func (r Remaining) Of(t reservation.Tier) int {
	if t == reservation.Inclusive {
		return r.Inclusive
	}
	return r.Market
}

// Slots keeps slots, one document each.
type Slots interface {
	// CreateMany stores new slots; ids already stored are skipped and
	// not counted.
	CreateMany(ctx context.Context, ss []*reservation.Slot) (int, error)
	// Get returns reservation.ErrSlotNotFound for an unknown id, and the
	// version.
	Get(ctx context.Context, id string) (*reservation.Slot, int64, error)
	// Update loads, applies fn, and writes only if nobody wrote since
	// (retrying on conflict); it returns the slot and version written.
	Update(ctx context.Context, id string, fn func(*reservation.Slot) error) (*reservation.Slot, int64, error)
	// ListByResource pages a resource's slots by window start, From ≤
	// start < To.
	ListByResource(ctx context.Context, resourceID string, from, to time.Time, p page.Request) ([]*reservation.Slot, bool, error)
	// Open pages slots whose window ends after now, by id, for the
	// reconciler.
	Open(ctx context.Context, now time.Time, after string, limit int) ([]*reservation.Slot, error)
	// WithWaiters pages slots still open for holds at now that have a
	// waitlist or promotions, by id.
	WithWaiters(ctx context.Context, now time.Time, after string, limit int) ([]*reservation.Slot, error)
}

// Bookings keeps bookings, one document each, id = hold id.
type Bookings interface {
	// Create stores a booking; false when one with its id exists.
	Create(ctx context.Context, b *reservation.Booking) (bool, error)
	// Get returns reservation.ErrBookingNotFound for an unknown id.
	Get(ctx context.Context, id string) (*reservation.Booking, error)
	Update(ctx context.Context, id string, fn func(*reservation.Booking) error) (*reservation.Booking, error)
	List(ctx context.Context, f BookingFilter, p page.Request) ([]*reservation.Booking, bool, error)
	// OfSlot is every booking of a slot, any status.
	OfSlot(ctx context.Context, slotID string) ([]*reservation.Booking, error)
	// Overlapping are a recipient's confirmed bookings whose window
	// overlaps [start, end).
	Overlapping(ctx context.Context, recipientID string, start, end time.Time) ([]*reservation.Booking, error)
}

// BookingFilter narrows a list; empty fields do not filter. Lists are
// newest first.
type BookingFilter struct {
	FamilyID, ProviderID, RecipientID, SlotID string
	Status                                    reservation.BookingStatus
	// ResourceKind narrows to slots of one kind (class_session).
	ResourceKind string
}

// Offerings keeps childcare offerings.
type Offerings interface {
	Create(ctx context.Context, o childcare.Offering) error
	// Get returns childcare.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (childcare.Offering, error)
	ListByProvider(ctx context.Context, providerID string, p page.Request) ([]childcare.Offering, bool, error)
}

type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

type Children interface {
	Get(ctx context.Context, id string) (child.Child, error)
}

type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Resources is a kind of thing slots are of besides childcare offerings
// (class sessions): it says who may see one, and whether a booking of it
// may be cancelled now.
type Resources interface {
	// Visible is nil when a may see the resource's slots (the anonymous
	// actor: the public), reservation.ErrSlotNotFound when not.
	Visible(ctx context.Context, a actor.Actor, resourceID string) error
	// MayCancel refuses a cancellation the resource's rules forbid (a
	// class's cancellation cutoff).
	MayCancel(ctx context.Context, b *reservation.Booking, by reservation.Party, now time.Time) error
}

// Reminders schedules an event for later delivery (notify.Queue). A
// hold's expiry reminder lives in the job queue, in Redis like the hold,
// but not always beside it: on a Redis Cluster the queue and the slot are
// on different nodes, so the reconciler schedules again the reminders of
// live holds (the queue refuses one it has: the event id is the task id).
type Reminders interface {
	EnqueueEvent(ctx context.Context, e event.Event) (bool, error)
}
