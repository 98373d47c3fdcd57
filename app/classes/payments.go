package classes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/reservation"
)

// Paid classes and the ledger.
//
// Whose account: the attendee's own, one per paid seat. kincare collects
// no money (there is no payment provider, and DOMAIN.md warns against
// taking money for services ahead of time); the ledger records what the
// person who booked owes the organiser for that seat. The account
// "class:<booking id>" is opened by the seat's reservation with the
// seat's price as its amount, held by the person who booked (Holder) and
// owed to the organiser (Source), in the month of the session in the
// organiser's zone. Its entries name no Party: a party's commits are
// what it claims from allowance issuers (app/statements), and what an
// attendee owes an organiser is not that. So:
//
//   - confirming a paid seat reserves its price (ref "class-booking:<id>")
//     before the seat is written; a refused seat releases it;
//   - a cancellation before the cutoff, or the organiser's, releases it
//     (refunded in the ledger's sense: nothing is owed);
//   - attendance recorded for the seat commits it (the service was
//     given, or the seat was kept for them past the cutoff — a no-show
//     owes it too, as the cutoff says);
//
// exactly once whatever retries or runs concurrently: every entry's key
// is unique (app/ledger), and one account per seat means no two seats
// ever contend for one document.

const (
	paidAccountPrefix = "class:"
	paidRefPrefix     = "class-booking:"
)

// Ledger is the exactly-once ledger (app/ledger.Service).
type Ledger interface {
	Reserve(ctx context.Context, open ledger.Opening, p ledger.Posting) (appledger.Posted, error)
	Commit(ctx context.Context, open ledger.Opening, ref string, amount int64, by string) (appledger.Posted, error)
	Release(ctx context.Context, open ledger.Opening, ref, by string) (appledger.Posted, error)
	Balance(ctx context.Context, open ledger.Opening) (*ledger.Account, error)
	Holding(ctx context.Context, after string, limit int) ([]*ledger.Account, error)
}

func paidAccount(bookingID string) string { return paidAccountPrefix + bookingID }
func paidRef(bookingID string) string     { return paidRefPrefix + bookingID }

// paidOpening is the account a paid seat's reservation opens.
func paidOpening(bookingID, userID, providerID string, price int64, w reservation.Window) ledger.Opening {
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return ledger.Opening{ID: paidAccount(bookingID), Holder: userID, Source: providerID, Unit: ledger.Fen,
		Period: ledger.Month(w.Start, loc), Amount: price}
}

// reserveSeat holds a paid seat's price before the seat is written. A
// retry finds its first reservation (the ref's key).
func (s *Service) reserveSeat(ctx context.Context, sl *reservation.Slot, holdID, userID string, price int64) error {
	if s.d.Ledger == nil {
		return fmt.Errorf("classes: a paid seat needs the ledger")
	}
	open := paidOpening(holdID, userID, sl.ProviderID(), price, sl.Window())
	_, err := s.d.Ledger.Reserve(ctx, open, ledger.Posting{Ref: paidRef(holdID), Amount: price,
		Month: open.Period.Key, By: userID})
	return err
}

// releaseSeat gives back what a seat holds; one that holds nothing (never
// reserved, or settled already) is done.
func (s *Service) releaseSeat(ctx context.Context, bookingID, by string) error {
	if s.d.Ledger == nil {
		return nil
	}
	_, err := s.d.Ledger.Release(ctx, ledger.Opening{ID: paidAccount(bookingID)}, paidRef(bookingID), by)
	if settled(err) {
		return nil
	}
	return err
}

// commitSeat spends what a seat holds: its attendance was recorded.
func (s *Service) commitSeat(ctx context.Context, seat reservation.Seat, by string) error {
	if s.d.Ledger == nil || seat.PriceFen <= 0 {
		return nil
	}
	_, err := s.d.Ledger.Commit(ctx, ledger.Opening{ID: paidAccount(seat.HoldID)}, paidRef(seat.HoldID), seat.PriceFen, by)
	if settled(err) {
		return nil
	}
	return err
}

// settled is a commit or release that found nothing to do.
func settled(err error) bool {
	return fault.Is(err, ledger.ErrNotHeld) || fault.Is(err, appledger.ErrAccountNotFound)
}

// settleBooking does what a booking's state asks of its amount: a
// cancelled booking releases it, a seat with attendance recorded commits
// it; anything else leaves it held. Running it again changes nothing.
func (s *Service) settleBooking(ctx context.Context, b *reservation.Booking, by string) error {
	if b.Seat().PriceFen <= 0 {
		return nil
	}
	if b.Status() == reservation.Cancelled {
		return s.releaseSeat(ctx, b.ID(), by)
	}
	sess, err := s.d.Sessions.Get(ctx, b.SlotID())
	if err != nil {
		return err
	}
	if _, ok := sess.AttendanceOf(b.ID()); ok {
		return s.commitSeat(ctx, b.Seat(), by)
	}
	return nil
}

// Payment is what the ledger says of a paid seat.
type Payment struct {
	AmountFen int64
	// Status is held (owed once the class is given), committed (owed:
	// attended, or kept past the cutoff), released (nothing owed) or
	// none (a free seat).
	Status  string
	Entries []ledger.Entry
}

// Payment states.
const (
	PaymentNone      = "none"
	PaymentHeld      = "held"
	PaymentCommitted = "committed"
	PaymentReleased  = "released"
)

// paymentOf reads a seat's account; a paid seat never reserved (a crash
// before its reservation) shows as released.
func (s *Service) paymentOf(ctx context.Context, b *reservation.Booking) (Payment, error) {
	price := b.Seat().PriceFen
	if price <= 0 || s.d.Ledger == nil {
		return Payment{Status: PaymentNone}, nil
	}
	a, err := s.d.Ledger.Balance(ctx, ledger.Opening{ID: paidAccount(b.ID())})
	if errors.Is(err, ledger.ErrAccountInvalid) || fault.Is(err, appledger.ErrAccountNotFound) {
		return Payment{AmountFen: price, Status: PaymentReleased}, nil
	}
	if err != nil {
		return Payment{}, err
	}
	p := Payment{AmountFen: price, Entries: a.Recent()}
	switch {
	case a.Held() > 0:
		p.Status = PaymentHeld
	case a.Committed() > 0:
		p.Status = PaymentCommitted
	default:
		p.Status = PaymentReleased
	}
	return p, nil
}

// LedgerRepairs is what one reconciliation of paid seats settled.
type LedgerRepairs struct {
	Holds   int // open seat holds looked at
	Orphans int // released: their seat was never taken
	Settled int // settled after their booking was cancelled or attended
}

// OrphanAfter is how old a seat's reservation whose booking was never
// written must be before ReconcileLedger releases it: longer than any
// confirmation takes.
const OrphanAfter = 10 * time.Minute

// ReconcileLedger settles what a crash between a seat's two writes left
// held: a reservation whose seat was never taken (the slot refused it,
// or the process died before writing it) is released once OrphanAfter
// old; a booking cancelled or attended whose settlement a crash cut
// short is settled. Run beside the ledger's own Reconcile.
func (s *Service) ReconcileLedger(ctx context.Context) (LedgerRepairs, error) {
	var r LedgerRepairs
	if s.d.Ledger == nil {
		return r, nil
	}
	var errs []error
	after := ""
	for {
		list, err := s.d.Ledger.Holding(ctx, after, 100)
		if err != nil {
			return r, errors.Join(append(errs, err)...)
		}
		for _, a := range list {
			if !strings.HasPrefix(a.ID(), paidAccountPrefix) {
				continue
			}
			for _, h := range a.Holds() {
				r.Holds++
				if err := s.repairSeat(ctx, a, h, &r); err != nil {
					errs = append(errs, fmt.Errorf("hold %s of %s: %w", h.Ref, a.ID(), err))
				}
			}
		}
		if len(list) < 100 {
			return r, errors.Join(errs...)
		}
		after = list[len(list)-1].ID()
	}
}

func (s *Service) repairSeat(ctx context.Context, a *ledger.Account, h ledger.Hold, r *LedgerRepairs) error {
	id, ok := strings.CutPrefix(h.Ref, paidRefPrefix)
	if !ok {
		return nil
	}
	b, err := s.d.Bookings.Get(ctx, id)
	if err == nil {
		before := r.Settled
		if b.Status() == reservation.Cancelled {
			r.Settled++
		} else if sess, gerr := s.d.Sessions.Get(ctx, b.SlotID()); gerr == nil {
			if _, ok := sess.AttendanceOf(b.ID()); ok {
				r.Settled++
			}
		}
		if r.Settled == before {
			return nil
		}
		return s.settleBooking(ctx, b, "")
	}
	if !fault.Is(err, reservation.ErrBookingNotFound) {
		return err
	}
	if s.d.Now().Sub(h.At) < OrphanAfter {
		return nil // the seat may still be on its way
	}
	// A seat the slot holds is booked: its booking's write is what was
	// lost, and the engine's reconciler writes it.
	if slotID, ok := reservation.SlotOf(id); ok {
		sl, _, err := s.d.Slots.Get(ctx, slotID)
		if err != nil && !fault.Is(err, reservation.ErrSlotNotFound) {
			return err
		}
		if sl != nil {
			if _, seated := sl.Seat(id); seated {
				return nil
			}
		}
	}
	r.Orphans++
	return s.releaseSeat(ctx, id, "")
}

// Payment is what the ledger holds, spent or released for a booking:
// status none for a free seat.
func (s *Service) Payment(ctx context.Context, b *reservation.Booking) (Payment, error) {
	return s.paymentOf(ctx, b)
}
