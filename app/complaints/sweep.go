package complaints

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/domain/complaint"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Escalated     int // complaints the provider did not answer in time
	CreditApplied int // decisions whose credit change reached the provider now
}

const sweepPage = 100

// Sweep is the complaints' timer: every open complaint whose provider's
// time to answer is up goes to the regulator (its family and the
// provider's office are told), and every decision whose credit change a
// crash left unwritten is written. The deadline is a field of the
// complaint in MongoDB, so nothing about it lives in memory or in Redis:
// a restart, or a Redis that lost everything, delays an escalation by at
// most one interval. Sweeps on several replicas at once are safe: each
// change is a versioned write the complaint itself refuses twice.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	var errs []error
	for {
		ids, err := s.d.Complaints.Overdue(ctx, s.d.Now(), sweepPage)
		if err != nil {
			return res, errors.Join(append(errs, err)...)
		}
		escalated := 0
		for _, id := range ids {
			_, err := s.d.Complaints.Update(ctx, id, func(c *complaint.Complaint) error {
				return c.Escalate(complaint.BySystem, "", s.d.NewID(), s.d.Now())
			})
			switch {
			case err == nil:
				escalated++
			case isRefusal(err):
				// answered or escalated meanwhile: nothing to do
			default:
				errs = append(errs, fmt.Errorf("complaint %s: %w", id, err))
			}
		}
		res.Escalated += escalated
		// A full page may hide more behind it; stop when a page changed
		// nothing, so a complaint failing every time cannot loop forever.
		if len(ids) < sweepPage || escalated == 0 {
			break
		}
	}
	ids, err := s.d.Complaints.CreditPending(ctx, sweepPage)
	if err != nil {
		return res, errors.Join(append(errs, err)...)
	}
	for _, id := range ids {
		if _, err := s.applyCredit(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("complaint %s credit: %w", id, err))
			continue
		}
		res.CreditApplied++
	}
	return res, errors.Join(errs...)
}

// isRefusal is the complaint refusing a step it no longer allows.
func isRefusal(err error) bool {
	return errors.Is(err, complaint.ErrTransition) || errors.Is(err, complaint.ErrAwaitingResponse)
}
