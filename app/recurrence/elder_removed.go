package recurrence

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
)

// ElderRemoved ends every recurring order of an elder the family owner
// is removing (app/elders Delete calls it before the elder's record
// goes), and cancels the orders its rules made for today on, as End
// does. Idempotent, so the owner's retry finishes what a failure or a
// crash left: an ended rule is not ended again, but its made orders are
// withdrawn again (an order cancelled already is passed over), because
// the crash may have come between the two. An order that may no longer
// be cancelled (its caregiver is on the way) stays, as for End.
func (s *Service) ElderRemoved(ctx context.Context, a actor.Actor, elderID string) error {
	now := s.d.Now()
	for p := (page.Request{Limit: page.MaxLimit}); ; {
		rules, more, err := s.d.Rules.ForElder(ctx, elderID, p)
		if err != nil {
			return fmt.Errorf("recurring orders of elder %s: %w", elderID, err)
		}
		for _, r := range rules {
			if r.Status() != recurrence.Ended {
				id := r.ID()
				ended, err := s.change(ctx, a, id, func(r *recurrence.Rule) error { return r.End(now) })
				if fault.Is(err, recurrence.ErrStatus) { // ended meanwhile
					ended, err = s.d.Rules.Get(ctx, id)
				}
				if err != nil {
					return fmt.Errorf("end recurring order %s: %w", id, err)
				}
				r = ended
			}
			s.withdraw(ctx, a, r, calendar.Today(now, r.Schedule().Location()), nil, now)
		}
		if !more || len(rules) == 0 {
			return nil
		}
		p.After = rules[len(rules)-1].ID()
	}
}
